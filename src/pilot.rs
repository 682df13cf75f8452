//! The pilot run: a few short float64 orbits before the real render, to choose automatic bounds
//! and to catch parameters whose every orbit diverges (a clear error instead of a black picture).
//! Memory is fixed: [`PILOT_ORBITS`] x [`PILOT_POINTS`] points, whatever the job size.

use crate::attractor::Preset;
use crate::histogram::Bounds;
use crate::histogram::diverged_f64;
use crate::rng;

/// Orbits the pilot runs to frame an attractor.
pub const PILOT_ORBITS: u32 = 32;
/// Points kept per pilot orbit (after its transient).
pub const PILOT_POINTS: usize = 4096;
/// At most this many transient steps per pilot orbit, whatever `--skip` says (up to 1e9 is
/// accepted): the pilot stays well under a second while an orbit that settles within 10 000
/// steps is already on its attractor. The render itself still skips the full `--skip`.
pub const PILOT_MAX_SKIP: u64 = 10_000;
/// Fraction of the pilot points ignored at each end when choosing bounds (robust to outliers).
const TAIL: f64 = 0.0005;
/// Padding added on each side, as a fraction of the range.
const PAD: f64 = 0.03;
/// What to try when orbits diverge (the pilot's error and the render's divergence warnings).
pub const DIVERGENCE_ADVICE: &str =
    "try smaller parameters, another start point (--start X,Y), or a smaller --skip";

/// What the pilot found.
#[derive(Clone, Debug)]
pub struct Pilot {
    /// Bounds that hold the attractor, padded.
    pub bounds: Bounds,
    /// Fraction of pilot orbits that diverged.
    pub diverged_fraction: f64,
}

/// Runs the pilot. Orbit 0 starts exactly at the preset's start point (the `--exact` orbit); the
/// others start nearby as sampled orbits do.
pub fn run(preset: &Preset, skip: u64, seed: u64) -> Result<Pilot, String> {
    let k = preset.kernel_params();
    let mut map = preset.map_f64(&k);
    let mut step = |p: [f64; 3]| map.step(p, &k);
    let key = rng::seed_key(seed);
    let start32 = preset.start.map(|v| v as f32);
    let mut xs = Vec::with_capacity(PILOT_ORBITS as usize * PILOT_POINTS);
    let mut ys = Vec::with_capacity(xs.capacity());
    let mut diverged = 0;
    // The most steps any diverging orbit lasted, for the message when every orbit diverges.
    let mut longest = 0u64;
    let skipped = skip.min(PILOT_MAX_SKIP);
    'orbits: for orbit in 0..PILOT_ORBITS {
        let mut p = if orbit == 0 {
            preset.start
        } else {
            rng::orbit_start(key, orbit, 0, start32).map(f64::from)
        };
        for _ in 0..skipped {
            p = step(p);
        }
        let (x0, y0) = (xs.len(), ys.len());
        for i in 0..PILOT_POINTS {
            if diverged_f64(p[0], p[1]) {
                diverged += 1;
                longest = longest.max(skipped + i as u64);
                xs.truncate(x0);
                ys.truncate(y0);
                continue 'orbits;
            }
            xs.push(p[0]);
            ys.push(p[1]);
            p = step(p);
        }
    }
    if xs.is_empty() {
        return Err(all_diverged(preset, longest, skipped));
    }
    let (xmin, xmax) = robust_range(&mut xs);
    let (ymin, ymax) = robust_range(&mut ys);
    Ok(Pilot {
        bounds: Bounds::new(xmin, xmax, ymin, ymax)
            .expect("robust_range gives finite, ordered ranges"),
        diverged_fraction: diverged as f64 / PILOT_ORBITS as f64,
    })
}

/// The message when every pilot orbit diverged: what diverged, when, and what to try.
fn all_diverged(preset: &Preset, longest: u64, skipped: u64) -> String {
    let show = crate::histogram::show_f64;
    let when = if longest <= skipped {
        format!("during the {skipped}-step transient (--skip)")
    } else {
        format!("within {longest} steps")
    };
    format!(
        "every orbit diverges for {} from start {},{} (a coordinate beyond 1e10 or not finite {when}); {DIVERGENCE_ADVICE}",
        preset.describe_params(),
        show(preset.start[0]),
        show(preset.start[1])
    )
}

/// The range holding all points but rare outliers: the [TAIL, 1-TAIL] quantiles, widened to the
/// true extremes where those lie within a quarter of the range beyond them, then padded.
fn robust_range(v: &mut [f64]) -> (f64, f64) {
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    let lo_q = v[((n as f64 * TAIL) as usize).min(n - 1)];
    let hi_q = v[((n as f64 * (1.0 - TAIL)) as usize).min(n - 1)];
    let r = hi_q - lo_q;
    let lo = v[0].max(lo_q - 0.25 * r);
    let hi = v[n - 1].min(hi_q + 0.25 * r);
    let span = hi - lo;
    if span <= 1e-9 * lo.abs().max(1.0) {
        // A fixed point: a small window around it (the collapse warning tells the user).
        return (lo - 1.0, hi + 1.0);
    }
    (lo - PAD * span, hi + PAD * span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Equation;

    fn preset(eq: Equation, params: Vec<f64>) -> Preset {
        Preset {
            formula: None,
            name: "t".into(),
            equation: eq,
            start: [0.0; 3],
            params,
            palette: None,
            shade: None,
            background: None,
            bounds: None,
            line: 0,
        }
    }

    #[test]
    fn clifford_bounds_hold_the_attractor() {
        let p = run(
            &preset(Equation::Clifford, vec![-1.3, -1.3, -1.8, -1.9]),
            1000,
            0,
        )
        .unwrap();
        // |x| <= 1 + |c| = 2.8, |y| <= 1 + |d| = 2.9
        assert!(
            p.bounds.xmin >= -3.0 && p.bounds.xmax <= 3.0,
            "{}",
            p.bounds
        );
        assert!(p.bounds.xmax - p.bounds.xmin > 3.0, "{}", p.bounds);
        assert_eq!(p.diverged_fraction, 0.0);
    }

    #[test]
    fn robust_to_one_outlier() {
        let mut v: Vec<f64> = (0..10_000).map(|i| i as f64 / 10_000.0).collect();
        v.push(1000.0);
        let (lo, hi) = robust_range(&mut v);
        assert!(lo < 0.0 && hi > 1.0 && hi < 1.5, "{lo}..{hi}");
    }

    #[test]
    fn all_divergent_is_an_error_naming_parameters() {
        let e = run(&preset(Equation::Henon, vec![5.0, 0.3]), 1000, 0).unwrap_err();
        assert!(
            e.starts_with("every orbit diverges for henon a=5, b=0.3"),
            "{e}"
        );
    }
}
