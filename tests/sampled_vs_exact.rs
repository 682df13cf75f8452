//! The default (sampled, float32, many orbits) CPU mode agrees statistically with the exact
//! float64 single orbit for every dissipative equation (first shipped preset of each), 1e7 points
//! at 256x256.
//!
//! Calibration (`cargo run --release --example calibrate_agreement`, 1e7 points, 256x256, orbits
//! of at most 2048 points, starts from the seed pool):
//! * correct renderers, sampled vs exact: log-corr 0.974 (bedhead) .. 0.9986, TVD 0.0095 .. 0.035
//!   (pickover; duffing 0.980 / 0.023); seed vs seed: log-corr >= 0.975, TVD <= 0.035;
//! * wrong renderers: the picture transposed gives log-corr <= 0.193 and TVD >= 0.46 everywhere;
//!   parameters 1% off give log-corr <= 0.905 or TVD >= 0.115 for every map but two (bedhead
//!   0.967 / 0.035, gumowski_mira 0.961 / 0.034: a 1% change barely moves those pictures).
//!
//! Thresholds: log-corr >= 0.93 and TVD <= 0.06.

use attractors::compare::agreement;
use attractors::cpu::{render_exact, render_sampled};
use attractors::engine::Control;
use attractors::job::Job;
use attractors::pilot;

const MIN_LOG_CORR: f64 = 0.93;
const MAX_TVD: f64 = 0.06;

#[test]
fn sampled_mode_agrees_with_exact_for_every_dissipative_equation() {
    let (presets, _) = (attractors::Presets::builtin().all().to_vec(), String::new());
    let chosen = attractors::attractor::first_dissipative_per_equation(&presets);
    let mut failures = Vec::new();
    for p in &chosen {
        let bounds = pilot::run(p, 1000, 0).unwrap().bounds;
        let job = Job::new(p.clone(), (256, 256), bounds, 10_000_000, 1000, 1);
        let exact = render_exact(&job, &Control::new());
        let sampled = render_sampled(&job, &Control::new());
        assert_eq!(sampled.tally.total(), job.iters);
        let a = agreement(&sampled.counts, &exact.counts);
        println!("{:<18} {a}", p.name);
        if a.log_corr < MIN_LOG_CORR || a.tvd > MAX_TVD {
            failures.push(format!("{}: {a}", p.name));
        }
        // The metric rejects a wrong renderer: the same picture transposed.
        let s = 256usize;
        let transposed: Vec<u64> = (0..s * s)
            .map(|i| sampled.counts[(i % s) * s + i / s])
            .collect();
        let w = agreement(&transposed, &exact.counts);
        assert!(
            w.log_corr < MIN_LOG_CORR && w.tvd > MAX_TVD,
            "{}: transposed passed ({w})",
            p.name
        );
    }
    assert!(
        chosen.len() >= 13,
        "only {} equations checked",
        chosen.len()
    );
    assert!(failures.is_empty(), "disagreement: {failures:?}");
}
