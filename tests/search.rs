//! `attractors search`: accepted results render, the shipped presets pass the screen, known bad
//! sets are rejected with the right reason, and the same seed gives the same results.

use attractors::attractor::{Equation, Preset, atr};
use attractors::cpu::render_sampled;
use attractors::engine::Control;
use attractors::job::Job;
use attractors::search::screen::MIN_COVERAGE;
use attractors::search::{Reason, Space, find, judge_histogram, screen};

mod common;
use common::{bin, fails};

/// Renders `p` as `attractors NAME --backend cpu` would (pilot bounds, sampled orbits), small.
fn render_report(p: &Preset) -> attractors::search::HistogramReport {
    let pilot = attractors::pilot::run(p, 1000, 0).expect("pilot");
    let job = Job::new(p.clone(), (256, 256), pilot.bounds, 1_000_000, 1000, 0);
    judge_histogram(&render_sampled(&job, &Control::new()))
}

#[test]
fn every_accepted_result_renders() {
    for &eq in Equation::ALL {
        let o = find(&Space::builtin(eq), 11, 3, 200_000);
        assert_eq!(o.found.len(), 3, "{}: {o:?}", eq.name());
        for f in &o.found {
            let r = render_report(&f.preset);
            assert_eq!(r.problem, None, "{}: {r:?}", f.preset.describe_params());
            assert!(r.diverged_fraction < 0.5, "{r:?}");
            assert!(r.coverage >= MIN_COVERAGE, "{r:?}");
        }
    }
}

fn shipped() -> Vec<Preset> {
    atr::parse(
        &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/attractors.atr")).unwrap(),
        "attractors.atr",
    )
    .unwrap()
}

#[test]
fn dissipative_datashader_presets_pass_the_screen() {
    let all = shipped();
    // The datashader rows run from Svensson_1 to the row before the first classic map (Henon).
    let first = all.iter().position(|p| p.name == "Svensson_1").unwrap();
    let last = all.iter().position(|p| p.name == "Henon").unwrap();
    let set: Vec<&Preset> = all[first..last]
        .iter()
        .filter(|p| {
            !matches!(p.equation, Equation::Hopalong1 | Equation::Hopalong2)
                && !p.equation.is_area_preserving(&p.params)
        })
        .collect();
    let failed: Vec<String> = set
        .iter()
        .filter_map(|p| {
            let v = screen(p);
            v.reject.map(|r| format!("{}: {r}", p.name))
        })
        .collect();
    let rate = 1.0 - failed.len() as f64 / set.len() as f64;
    println!(
        "{} of {} dissipative datashader presets pass ({:.0}%); failing: {failed:?}",
        set.len() - failed.len(),
        set.len(),
        rate * 100.0
    );
    assert!(set.len() >= 40, "{}", set.len());
    assert!(rate >= 0.9, "{failed:?}");
}

#[test]
fn known_bad_sets_are_rejected_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.atr");
    std::fs::write(
        &file,
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n\
         Fixed,henon,0,0,0,0.2,0.3,,,,,\n\
         Two,henon,0,0,0,0.6,0.3,,,,,\n\
         Away,henon,0,0,0,5,0.3,,,,,\n\
         Good,henon,0,0,0,1.4,0.3,,,,,\n",
    )
    .unwrap();
    let out = bin()
        .args(["search", "--score", "all", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} missing from {table}"))
            .to_string()
    };
    assert!(line("Fixed").contains("reject: fixed point"), "{table}");
    assert!(line("Two").contains("reject: period-2 cycle"), "{table}");
    assert!(
        line("Away").contains("reject: diverged at iteration"),
        "{table}"
    );
    assert!(line("Good").contains("accept"), "{table}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 of 4 pass"), "{err}");
    // the library agrees
    let p = &atr::parse(&std::fs::read(&file).unwrap(), "bad.atr").unwrap();
    assert_eq!(screen(&p[1]).reject, Some(Reason::Cycle { period: 2 }));
}

#[test]
fn search_writes_rows_and_a_sheet_and_repeats_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let atr_path = dir.path().join("found.atr");
    let sheet = dir.path().join("sheet.png");
    let run = |threads: &str, extra: &[&std::ffi::OsStr]| {
        let out = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args(["search", "de_jong", "--count", "5", "--seed", "9"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let one = run("1", &[]);
    let three = run(
        "3",
        &[
            "--atr".as_ref(),
            atr_path.as_os_str(),
            "--sheet".as_ref(),
            sheet.as_os_str(),
        ],
    );
    assert_eq!(one, three);
    assert!(one.contains("De_Jong_s9_n"), "{one}");
    assert_eq!(one.lines().filter(|l| l.contains(" accept ")).count(), 5);
    let rows = atr::parse(&std::fs::read(&atr_path).unwrap(), "found.atr").unwrap();
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert!(r.palette.is_some());
        assert!(screen(r).accepted(), "{} does not reproduce", r.name);
        assert!(one.contains(&r.name));
    }
    let img = image::open(&sheet).unwrap();
    assert!(img.width() > 4 * 200 && img.height() > 2 * 200);
    // the same search again finds rows already there (same parameters): nothing is appended
    run("2", &["--atr".as_ref(), atr_path.as_os_str()]);
    let bytes = std::fs::read(&atr_path).unwrap();
    assert_eq!(atr::parse(&bytes, "found.atr").unwrap(), rows);
    // a row that has a generated name but other parameters: the result gets a unique name
    let text = String::from_utf8(bytes).unwrap();
    let first = text.lines().nth(1).unwrap();
    let fields: Vec<&str> = first.split(',').collect();
    let edited = format!(
        "{},{},{},{},{},0.123,{}",
        fields[0],
        fields[1],
        fields[2],
        fields[3],
        fields[4],
        fields[6..].join(",")
    );
    std::fs::write(&atr_path, text.replacen(first, &edited, 1)).unwrap();
    run("2", &["--atr".as_ref(), atr_path.as_os_str()]);
    let rows2 = atr::parse(&std::fs::read(&atr_path).unwrap(), "found.atr").unwrap();
    assert_eq!(rows2.len(), 6);
    assert_eq!(rows2[5].name, format!("{}_2", rows[0].name));
    assert_eq!(rows2[5].params, rows[0].params);
}

/// Finding fewer than --count keeps what was found (listed, appended, drawn), warns on one line
/// and exits 0; the same search with more --tries appends only the new results. Finding none is
/// an error that writes nothing.
#[test]
fn finding_fewer_keeps_what_was_found_and_a_retry_does_not_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let search = |tries: &str, extra: &[&str]| {
        bin()
            .current_dir(d)
            .args(["search", "clifford", "--seed", "1", "--count", "2"])
            .args(["--tries", tries, "--atr", "part.atr"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = search("1", &["--sheet", "part.png", "--json", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "warning: found 1 of 2 clifford attractors in 1 candidates (seed 1); kept the 1 found"
        ),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["count"].as_u64(), v["accepted"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(d.join("part.png").exists());
    let rows = atr::parse(&std::fs::read(d.join("part.atr")).unwrap(), "part.atr").unwrap();
    assert_eq!(rows.len(), 1);

    let out = search("100", &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("appended 1 presets to part.atr; 1 already there with the same parameters, not appended again (Clifford_s1_n0)"),
        "{err}"
    );
    let rows2 = atr::parse(&std::fs::read(d.join("part.atr")).unwrap(), "part.atr").unwrap();
    let names: Vec<&str> = rows2.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Clifford_s1_n0", "Clifford_s1_n1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(" Clifford_s1_n0 "));

    // none found: an error, and nothing written
    let out = bin()
        .current_dir(d)
        .args([
            "search", "henon", "--seed", "1", "--count", "1", "--tries", "1",
        ])
        .args(["--atr", "none.atr", "--sheet", "none.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!d.join("none.atr").exists() && !d.join("none.png").exists());
}

/// An empty, comment-only or header-only --atr file is a file to append to: it gets the rows (and
/// the header, or the columns its header lacks).
#[test]
fn search_appends_to_an_empty_or_header_only_atr() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g";
    for (name, text) in [
        ("empty.atr", String::new()),
        ("comment.atr", "# mine".to_string()),
        ("header.atr", format!("{header}\n")),
        ("crlf.atr", format!("{header}\r\n")),
    ] {
        std::fs::write(d.join(name), &text).unwrap();
        let out = bin()
            .current_dir(d)
            .args(["search", "clifford", "--seed", "1", "--count", "1", "-q"])
            .args(["--atr", name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let new = std::fs::read_to_string(d.join(name)).unwrap();
        let rows = atr::parse(new.as_bytes(), name).unwrap();
        assert_eq!(rows.len(), 1, "{name}: {new}");
        assert!(new.starts_with(text.trim_end()), "{name}: {new}");
        assert!(new.contains(&format!("{header},palette")), "{name}: {new}");
    }
}

#[test]
fn giving_up_and_bad_input_are_clear() {
    fails(
        &[
            "search", "henon", "--count", "1", "--tries", "1", "--seed", "1",
        ],
        "found 0 of 1 henon attractors in 1 candidates (seed 1); raise --tries or try another --seed",
    );
    fails(&["search", "cliford"], "did you mean clifford");
    fails(&["search", "--score", "Clifort"], "no preset 'Clifort'");
    fails(
        &["search", "--score", "all", "Clifford"],
        "--score all already scores every preset",
    );
    // Parameter names are matched exactly, as --params and --sweep match them.
    fails(
        &["search", "clifford", "--range", "A=5:6"],
        "--range A: not a parameter of clifford; expected one of a, b, c, d",
    );
    fails(
        &["search", "clifford", "--sheet", "out.jpg"],
        "--sheet out.jpg: expected a file name ending in .png",
    );
}

/// Every built-in written as a user formula screens exactly as the built-in (the screen steps the
/// preset's own map), so `search --score` judges formula presets by their formula.
#[test]
fn a_builtin_as_a_formula_screens_like_the_builtin() {
    for p in shipped().iter().filter(|p| p.formula.is_none()) {
        let Some(text) = attractors::attractor::user::builtin_formula(p.equation) else {
            continue;
        };
        if p.equation == Equation::Bedhead && p.params[1] == 0.0 {
            continue; // the built-in replaces b = 0 by 3 epsilons; the formula divides by zero
        }
        let map = attractors::attractor::user::UserMap::parse(&text).unwrap();
        let mut params = p.params.clone();
        params.resize(7, 0.0);
        let as_formula = Preset {
            formula: Some(std::sync::Arc::new(map)),
            params,
            ..p.clone()
        };
        let (a, b) = (screen(p), screen(&as_formula));
        assert_eq!(a.reject, b.reject, "{}", p.name);
        assert_eq!(a.metrics.lyapunov, b.metrics.lyapunov, "{}", p.name);
        assert_eq!(a.metrics.coverage, b.metrics.coverage, "{}", p.name);
    }
}

/// `search --formula` draws the parameters the formula uses from -2..2 (or `--range`), and the
/// rows it appends render from the file.
#[test]
fn search_a_formula_and_render_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = bin()
        .current_dir(d)
        .args([
            "search",
            "--formula",
            "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)",
            "--range",
            "c=0.5:1.5",
            "--count",
            "3",
            "--seed",
            "5",
            "--atr",
            "found.atr",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("# formula, seed 5: 3 accepted"),
        "{stdout}"
    );
    let rows = atr::parse(&std::fs::read(d.join("found.atr")).unwrap(), "found.atr").unwrap();
    assert_eq!(rows.len(), 3);
    for p in &rows {
        assert!(p.formula.is_some(), "{p:?}");
        assert!((0.5..=1.5).contains(&p.params[2]), "{p:?}");
        assert_eq!(p.params[4..], [0.0; 3]);
        let r = render_report(p);
        assert_eq!(r.problem, None, "{}: {r:?}", p.name);
        let out = bin()
            .current_dir(d)
            .args(["--config", "found.atr", &p.name, "--backend", "cpu"])
            .args(["--size", "64x64", "--iters", "1e5", "--png", "f.png"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fails(
        &[
            "search",
            "--formula",
            "x' = sin(a*y); y' = b*x",
            "--range",
            "e=0:1",
        ],
        "--range e: not a parameter of formula; expected one of a, b",
    );
}

/// `--atr` is checked before the search, like `--sheet`, and its message names `--atr`.
#[test]
fn atr_is_checked_before_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["search", "clifford", "--seed", "1", "--count", "2"])
        .args(["--atr", "nodir/m.atr"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err.trim_end(),
        "error: --atr nodir/m.atr: directory nodir does not exist; create it first"
    );
    assert!(out.stdout.is_empty(), "the search ran first");
    // A damaged .atr file is refused before the search too.
    std::fs::write(dir.path().join("bad.atr"), "not,a,preset,file\n").unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["search", "clifford", "--seed", "1", "--count", "2"])
        .args(["--atr", "bad.atr"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: --atr bad.atr"), "{err}");
    assert!(out.stdout.is_empty(), "the search ran first");
}

#[test]
fn every_result_clears_the_quality_bar() {
    use attractors::search::screen::{MIN_DIMENSION, MIN_LYAPUNOV, MIN_SCORE};
    // A thin near-periodic curve (D2 0.81, score 2.4) was among these results before the bar.
    let o = find(&Space::builtin(Equation::Bedhead), 11, 8, 100_000);
    assert_eq!(o.found.len(), 8);
    for f in &o.found {
        let m = f.verdict.metrics;
        assert!(m.dimension.is_none_or(|d| d >= MIN_DIMENSION), "{m:?}");
        assert!(m.score() >= MIN_SCORE, "{m:?}");
        assert!(m.lyapunov.unwrap() >= MIN_LYAPUNOV, "{m:?}");
    }
    assert!(
        o.rejected.iter().any(|(n, _)| *n == "thin"),
        "{:?}",
        o.rejected
    );
    // The closest shipped picture, Duffing (D2 0.99, score 2.9), still passes.
    let duffing = shipped().into_iter().find(|p| p.name == "Duffing").unwrap();
    assert!(screen(&duffing).accepted(), "{:?}", screen(&duffing));
}

#[test]
fn search_stays_within_float32() {
    // A range beyond float32 is refused up front, naming it.
    fails(
        &[
            "search",
            "clifford",
            "--range",
            "a=-1e39:1e39",
            "--count",
            "2",
        ],
        "--range a=-1e39:1e39: -1e39 is not finite (largest about 3.4e38) in float32",
    );
    fails(
        &[
            "search",
            "clifford",
            "--range",
            "a=1e-50:2e-50",
            "--count",
            "2",
        ],
        "every value underflows to 0",
    );
    // Inside float32 every result builds a sampled job (the check every render makes).
    let mut space = Space::builtin(Equation::Clifford);
    space.set_range("a", -3e38, 3e38).unwrap();
    for f in &find(&space, 1, 4, 20_000).found {
        attractors::job::check_float32(&f.preset).unwrap();
    }
    // A map whose float64 orbit is bounded but whose float32 one overflows is not proposed.
    let map = attractors::attractor::user::UserMap::parse(
        "x' = sin(a*y) + c*cos(a*x) + exp(90*y)/exp(90*y) - 1; y' = sin(b*x) + d*cos(b*y) + 1.5",
    )
    .unwrap();
    let o = find(&Space::formula(std::sync::Arc::new(map)), 3, 2, 2_000);
    assert!(
        o.rejected.iter().any(|(n, _)| *n == "float32"),
        "{:?}",
        o.rejected
    );
    for f in &o.found {
        assert_eq!(attractors::search::float32_divergence(&f.preset), None);
    }
}
