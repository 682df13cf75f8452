//! Prints the agreement metrics used to calibrate the thresholds of the statistical tests:
//! sampled vs exact, sampled vs sampled (other seed), and deliberately wrong renderers (parameters
//! 1% off, the picture transposed), for every dissipative equation's first shipped preset.
//!
//!     cargo run --release --example calibrate_agreement -- [POINTS] [SIZE]
//!
//! The orbit length is [`attractors::sampling::ORBIT_LEN`] unless `ATTRACTORS_TEST_ORBIT_LEN`
//! sets another; the last lines give the worst sampled-vs-exact and seed-vs-seed over presets.

use attractors::compare::agreement;
use attractors::cpu::{render_exact, render_sampled};
use attractors::engine::Control;
use attractors::job::Job;
use attractors::pilot;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map_or(10_000_000, |v| attractors::cli::parse_count(&v).unwrap());
    let size: u32 = args.next().map_or(256, |v| v.parse().unwrap());
    let (presets, _) = (attractors::Presets::builtin().all().to_vec(), String::new());
    let chosen = attractors::attractor::first_dissipative_per_equation(&presets);
    let plan = attractors::sampling::OrbitPlan::new(n);
    println!("{n} points, {size}x{size}, orbits of {} points", plan.len);
    let (mut worst, mut worst_seed) = ([1.0f64, 0.0f64], [1.0f64, 0.0f64]);
    println!(
        "{:<18} {:>22} {:>22} {:>22} {:>22}",
        "preset", "sampled-vs-exact", "seed-vs-seed", "params-1%-off", "transposed"
    );
    for p in &chosen {
        let bounds = pilot::run(p, 1000, 0).unwrap().bounds;
        let job = Job::new(p.clone(), (size, size), bounds, n, 1000, 1);
        let exact = render_exact(&job, &Control::new()).counts;
        let s1 = render_sampled(&job, &Control::new()).counts;
        let s2 = render_sampled(
            &Job {
                seed: 2,
                ..job.clone()
            },
            &Control::new(),
        )
        .counts;
        let mut off = job.clone();
        off.preset.params[0] *= 1.01;
        let off = render_sampled(&off, &Control::new()).counts;
        let s = size as usize;
        let transposed: Vec<u64> = (0..s * s).map(|i| s1[(i % s) * s + i / s]).collect();
        let f = |a| format!("{a}");
        let (a, b) = (agreement(&s1, &exact), agreement(&s1, &s2));
        worst = [worst[0].min(a.log_corr), worst[1].max(a.tvd)];
        worst_seed = [worst_seed[0].min(b.log_corr), worst_seed[1].max(b.tvd)];
        println!(
            "{:<18} {:>22} {:>22} {:>22} {:>22}",
            p.name,
            f(a),
            f(b),
            f(agreement(&exact, &off)),
            f(agreement(&exact, &transposed))
        );
    }
    let w = |[c, t]: [f64; 2]| format!("min log-corr {c:.4}, max TVD {t:.4}");
    println!("worst sampled-vs-exact: {}", w(worst));
    println!("worst seed-vs-seed:     {}", w(worst_seed));
}
