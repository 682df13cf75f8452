//! Prints the agreement metrics used to calibrate the thresholds of the statistical tests:
//! sampled vs exact, sampled vs sampled (other seed), and deliberately wrong renderers (parameters
//! 1% off, the picture transposed), for every dissipative equation's first shipped preset.
//!
//!     cargo run --release --example calibrate_agreement -- [POINTS] [SIZE]

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
        println!(
            "{:<18} {:>22} {:>22} {:>22} {:>22}",
            p.name,
            f(agreement(&s1, &exact)),
            f(agreement(&s1, &s2)),
            f(agreement(&exact, &off)),
            f(agreement(&exact, &transposed))
        );
    }
}
