//! User formulas through the engines and the command line: every built-in written as a formula
//! gives the built-in's `--exact` histogram bit for bit; GPU and CPU agree statistically on
//! formulas that are not built in; `--formula` renders and a bad formula exits 2 with a caret.

use std::sync::Arc;

use attractors::attractor::user::{UserMap, builtin_formula};
use attractors::attractor::{Equation, Preset};
use attractors::compare::agreement;
use attractors::cpu::{render_exact, render_sampled};
use attractors::engine::{Control, drive};
use attractors::gpu::{AccumulatePass, GpuEngine};
use attractors::job::Job;
use attractors::pilot;

mod common;
use common::{bin, gpu};

/// The preset as a user formula: the built-in's text, its parameters in column order as a..g.
fn as_formula(p: &Preset, text: &str) -> Preset {
    let mut q = p.clone();
    q.formula = Some(Arc::new(UserMap::parse(text).unwrap()));
    q.params = p.kernel_params().to_vec();
    q
}

#[test]
fn every_builtin_as_a_formula_gives_the_exact_histogram_bit_for_bit() {
    let mut checked = std::collections::HashSet::new();
    for p in attractors::Presets::builtin().all() {
        let Some(text) = builtin_formula(p.equation) else {
            assert_eq!(p.equation, Equation::SymmetricIcon);
            continue;
        };
        if p.equation == Equation::Bedhead && p.params[1] == 0.0 {
            continue; // bedhead's b == 0 rule is the built-in's own
        }
        let bounds = pilot::run(p, 1000, 0).unwrap().bounds;
        let mut job = Job::new(p.clone(), (64, 64), bounds, 200_000, 1000, 0);
        job.exact = true;
        let user = Job {
            preset: as_formula(p, &text),
            ..job.clone()
        };
        let (a, b) = (
            render_exact(&job, &Control::new()),
            render_exact(&user, &Control::new()),
        );
        assert_eq!(a.tally, b.tally, "{}", p.name);
        assert!(a.counts == b.counts, "{}: histograms differ", p.name);
        checked.insert(p.equation);
    }
    assert!(checked.len() >= 13, "checked {checked:?}");
}

fn formula_preset(text: &str, params: [f64; 7], start: [f64; 3]) -> Preset {
    let mut p = attractors::Presets::builtin().all()[0].clone();
    p.name = "formula".into();
    p.formula = Some(Arc::new(UserMap::parse(text).unwrap()));
    p.params = params.to_vec();
    p.start = start;
    p
}

/// Thresholds of tests/gpu.rs (log-corr >= 0.93, TVD <= 0.06), here at 2e6 points on 128x128
/// (about as many points per bin as there).
#[test]
fn gpu_and_cpu_agree_on_formulas_that_are_not_built_in() {
    let Some(ctx) = gpu() else { return };
    let cases = [
        formula_preset(
            "x' = x*x - y*y + a*x + b*y + e*sin(y); y' = 2*x*y + c*x + d*y",
            [0.9, -0.6013, 2.0, 0.5, 0.05, 0.0, 0.0],
            [-0.72, -0.64, 0.0],
        ),
        formula_preset(
            "x' = sin(a*y) - z*cos(b*x); y' = z*sin(c*x) - cos(d*y); z' = sin(x)*cos(e*z)",
            [2.24, 0.43, -0.65, -2.43, 1.3, 0.0, 0.0],
            [0.0, 0.0, 0.0],
        ),
    ];
    let mut failures = Vec::new();
    for p in cases {
        let bounds = pilot::run(&p, 1000, 0).unwrap().bounds;
        let job = Job::new(p.clone(), (128, 128), bounds, 2_000_000, 1000, 3);
        let pass = Arc::new(AccumulatePass::for_preset(&ctx, &job.preset).unwrap());
        let mut engine = GpuEngine::with_pass(ctx.clone(), pass, &job).unwrap();
        let g = drive(&mut engine, job.iters, &Control::new(), None)
            .unwrap_or_else(|f| panic!("{}", f.error))
            .hist;
        assert_eq!(g.tally.total(), job.iters);
        let exact = render_exact(&job, &Control::new());
        let sampled = render_sampled(
            &Job {
                seed: 4,
                ..job.clone()
            },
            &Control::new(),
        );
        for a in [
            agreement(&g.counts, &exact.counts),
            agreement(&g.counts, &sampled.counts),
        ] {
            println!("{}: {a}", p.formula.as_ref().unwrap().text());
            if a.log_corr < 0.93 || a.tvd > 0.06 {
                failures.push(format!("{}: {a}", p.formula.as_ref().unwrap().text()));
            }
        }
    }
    assert!(failures.is_empty(), "GPU disagrees with CPU: {failures:?}");
}

const CLIFFORD: &str = "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)";

/// Non-finite values the GPU compiler could fold away (`0 * inf` becomes 0 under Mesa's NIR):
/// the GPU's guards decide divergence like the CPU, which checks every value. Clifford with one
/// term that leaves float32 on part of the attractor; the CPU loses a large share of its points
/// to divergence, the GPU the same share (the orbits differ, the regions they must avoid do not).
#[test]
fn gpu_and_cpu_decide_divergence_alike_for_non_finite_values() {
    let Some(ctx) = gpu() else { return };
    let terms = [
        "0*exp(60*y)",            // the reported case: overflow times zero
        "exp(50*x)*0",            // the same, operands the other way
        "0*(1/max(y, 0))",        // division by zero
        "exp(60*y) - exp(60*y)",  // inf - inf
        "0*sqrt(y)",              // sqrt of a negative, times 0
        "0*pow(abs(y) + 1, 200)", // pow overflow
        "0*(9*y)^32",             // integer power overflow
        "0*min(log(y), 1)",       // log of a negative, hidden by min
        "0*cosh(60*x)",           // cosh overflow
    ];
    let clifford = attractors::Presets::builtin()
        .get("Clifford")
        .unwrap()
        .clone();
    let bounds = pilot::run(&clifford, 1000, 0).unwrap().bounds;
    let mut failures = Vec::new();
    for term in terms {
        let text = format!("x' = sin(a*y) + c*cos(a*x) + {term}; y' = sin(b*x) + d*cos(b*y)");
        let p = formula_preset(
            &text,
            [-1.3, -1.3, -1.8, -1.9, 0.0, 0.0, 0.0],
            [0.1, 0.1, 0.0],
        );
        let job = Job::new(p, (64, 64), bounds, 100_000, 1000, 3);
        let g = common::render_gpu(&ctx, &job).tally;
        let c = render_sampled(&job, &Control::new()).tally;
        assert_eq!(g.total(), job.iters);
        println!("{term}: diverged GPU {} CPU {}", g.diverged, c.diverged);
        // The CPU loses points here, so the comparison can fail; the GPU must lose as many,
        // to within 10% (chaotic orbits, same sampling design).
        assert!(c.diverged > 5_000, "{term}: the CPU lost {}", c.diverged);
        if g.diverged.abs_diff(c.diverged) as f64 > 0.1 * c.diverged as f64 {
            failures.push(format!("{term}: GPU {} vs CPU {}", g.diverged, c.diverged));
        }
    }
    assert!(failures.is_empty(), "GPU and CPU disagree: {failures:?}");
}

#[test]
fn formula_flag_renders_the_same_exact_histogram_as_the_builtin() {
    let dir = tempfile::tempdir().unwrap();
    let (f, c) = (dir.path().join("f.npy"), dir.path().join("c.npy"));
    let common = [
        "--size",
        "64x64",
        "--iters",
        "200000",
        "--exact",
        "--bounds",
        "-3,3,-3,3",
    ];
    let out = bin()
        .args([
            "--formula",
            CLIFFORD,
            "--params",
            "a=-1.3,b=-1.3,c=-1.8,d=-1.9",
        ])
        .args(["--start", "0,0", "--hist", f.to_str().unwrap()])
        .args(common)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin()
        .args(["Clifford", "--hist", c.to_str().unwrap()])
        .args(common)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&f).unwrap(), std::fs::read(&c).unwrap());
}

#[test]
fn bad_formulas_exit_2_with_a_caret_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");
    for (args, want) in [
        (vec!["--formula", "x' = sin(a*y"], "--formula:1:13:"),
        (vec!["--formula", "x' = q; y' = y"], "--formula:1:"),
    ] {
        let out = bin()
            .args(&args)
            .args(["--params", "a=1", "--png", png.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want) && err.contains('^'), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!png.exists());
    }
    // parameters the formula uses must be given; others are refused
    let out = bin()
        .args(["--formula", CLIFFORD, "--params", "a=1,b=1,c=1"])
        .args(["--png", png.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("d missing"), "{err}");
    let out = bin()
        .args(["--formula", CLIFFORD, "--params", "a=1,b=1,c=1,d=1,e=2"])
        .args(["--png", png.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no parameter 'e'"));
    let out = bin()
        .args(["--formula", CLIFFORD, "--equation", "clifford"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn atr_quoted_formula_renders_and_a_bad_one_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let atr = dir.path().join("my.atr");
    let header = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n";
    std::fs::write(
        &atr,
        format!("{header}My_Map,\"{CLIFFORD}\",0,0,0,-1.3,-1.3,-1.8,-1.9,,,\n"),
    )
    .unwrap();
    let (f, c) = (dir.path().join("f.npy"), dir.path().join("c.npy"));
    let common = [
        "--size",
        "64x64",
        "--iters",
        "200000",
        "--exact",
        "--bounds",
        "-3,3,-3,3",
    ];
    let out = bin()
        .args([
            "My_Map",
            "--config",
            atr.to_str().unwrap(),
            "--hist",
            f.to_str().unwrap(),
        ])
        .args(common)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin()
        .args(["Clifford", "--hist", c.to_str().unwrap()])
        .args(common)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read(&f).unwrap(), std::fs::read(&c).unwrap());
    let out = bin()
        .args(["list", "--config", atr.to_str().unwrap()])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains("My_Map") && list.contains("formula"),
        "{list}"
    );

    // an unknown function: file:line:column, the line, a caret
    std::fs::write(
        &atr,
        format!("{header}Bad,\"x' = sinn(a*y); y' = x\",0,0,0,1,,,,,,\n"),
    )
    .unwrap();
    let out = bin()
        .args(["Bad", "--config", atr.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("my.atr:2:11: unknown function `sinn`"),
        "{err}"
    );
    assert!(err.contains("^^^^"), "{err}");
    // a parameter the formula uses left blank, one it does not use filled
    for row in [
        "Bad,\"x' = a*y; y' = b*x\",0,0,0,1,,,,,,\n",
        "Bad,\"x' = a*y; y' = x\",0,0,0,1,2,,,,,\n",
    ] {
        std::fs::write(&atr, format!("{header}{row}")).unwrap();
        let out = bin()
            .args(["Bad", "--config", atr.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("column b"), "{row}: {err}");
    }
}

#[test]
fn list_equations_as_formula_prints_the_builtin_texts() {
    let out = bin()
        .args(["list", "--equations", "--as-formula"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for eq in Equation::ALL {
        match builtin_formula(*eq) {
            Some(f) => assert!(
                text.contains(&format!("{}: {f}\n", eq.name())),
                "{}",
                eq.name()
            ),
            None => assert!(text.contains(&format!("# {}:", eq.name()))),
        }
    }
}

/// Each dissipative built-in written as a formula, on the GPU, against the built-in's `--exact`
/// histogram (thresholds of tests/gpu.rs: log-corr >= 0.93, TVD <= 0.06; 2e6 points, 128x128).
#[test]
fn builtins_as_formulas_on_the_gpu_agree_with_the_builtins() {
    let Some(ctx) = gpu() else { return };
    let all = attractors::Presets::builtin().all().to_vec();
    let chosen = attractors::attractor::first_dissipative_per_equation(&all);
    let mut failures = Vec::new();
    let mut checked = 0;
    for p in &chosen {
        let Some(text) = builtin_formula(p.equation) else {
            continue;
        };
        let bounds = pilot::run(p, 1000, 0).unwrap().bounds;
        let job = Job::new(p.clone(), (128, 128), bounds, 2_000_000, 1000, 3);
        let user = Job {
            preset: as_formula(p, &text),
            ..job.clone()
        };
        let pass = Arc::new(AccumulatePass::for_preset(&ctx, &user.preset).unwrap());
        let mut engine = GpuEngine::with_pass(ctx.clone(), pass, &user).unwrap();
        let g = drive(&mut engine, user.iters, &Control::new(), None)
            .unwrap_or_else(|f| panic!("{}", f.error))
            .hist;
        let exact = render_exact(&job, &Control::new());
        let a = agreement(&g.counts, &exact.counts);
        println!("{:<18} formula on GPU vs built-in exact: {a}", p.name);
        if a.log_corr < 0.93 || a.tvd > 0.06 {
            failures.push(format!("{}: {a}", p.name));
        }
        checked += 1;
    }
    assert!(checked >= 12, "checked {checked}");
    assert!(
        failures.is_empty(),
        "formula on GPU disagrees: {failures:?}"
    );
}
