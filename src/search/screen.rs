//! The screen: one float64 orbit of a candidate (equation, parameters, start) judged in about a
//! millisecond, and the histogram judge that the screen and the render warnings share.
//!
//! A candidate is rejected, in this order, when its orbit
//! 1. diverges: a coordinate is non-finite or beyond [`DIVERGENCE_LIMIT`] (1e10, as datashader's
//!    example and attractor-wallpaper's `check_behavior`);
//! 2. settles on a fixed point or a short cycle: at the end of the transient or of the measured
//!    run, the last point comes back to within [`CYCLE_TOLERANCE`] of one of the [`MAX_CYCLE`]
//!    points before it;
//! 3. collapses: its thumbnail lights at most [`COLLAPSED_PIXELS`] pixels;
//! 4. is not chaotic: the largest Lyapunov exponent is below [`MIN_LYAPUNOV`] nats per iteration
//!    (periodic or quasi-periodic motion has an exponent of zero or less);
//! 5. is too sparse: it lights less than [`MIN_COVERAGE`] of its thumbnail.
//!
//! The thresholds were calibrated on the shipped presets (`attractors search --score all`); the
//! numbers are in README.md, "Discovering attractors".

use crate::attractor::Preset;
use crate::histogram::{Binner, Bounds, Histogram};
use crate::job::diverged_f64;

pub use super::judge::{HistogramReport, judge_histogram};
pub use super::rules::*;

/// Initial separation of the nearby orbit used for the Lyapunov exponent.
const SEPARATION: f64 = 1e-9;
/// Points used by the correlation-dimension estimate (every k-th measured point).
const DIMENSION_POINTS: usize = 400;
/// The two radii of the correlation-dimension estimate, as fractions of the extent.
const DIMENSION_RADII: (f64, f64) = (0.025, 0.1);

/// What the screen measured. Fields are `None` where the orbit ended before they could be measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// Largest Lyapunov exponent, nats per iteration (divide by ln 2 = 0.693 for bits).
    pub lyapunov: Option<f64>,
    /// Fraction of the 64x64 thumbnail's pixels that are lit.
    pub coverage: f64,
    /// Effective pixel count: exp of the Shannon entropy (nats) of the thumbnail's counts. Equals the
    /// lit-pixel count when every lit pixel is equally dense; smaller when a few pixels dominate.
    pub effective_pixels: f64,
    /// Correlation dimension estimate (Grassberger-Procaccia, two radii), when the orbit is bounded.
    pub dimension: Option<f64>,
    /// The extent of the measured points (the thumbnail's bounds).
    pub extent: Option<Bounds>,
}

impl Metrics {
    /// The ranking score: the effective pixel count as a percentage of the thumbnail (0..100).
    /// High when the attractor spreads evenly over its bounding box; low for thin curves and for
    /// pictures dominated by a few dense spots.
    pub fn score(&self) -> f64 {
        100.0 * self.effective_pixels / (THUMB * THUMB) as f64
    }
}

/// The screen's result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// What the screen measured.
    pub metrics: Metrics,
    /// `None`: accepted.
    pub reject: Option<Reason>,
}

impl Verdict {
    /// True when no rule rejected the candidate.
    pub fn accepted(&self) -> bool {
        self.reject.is_none()
    }
}

/// Screens one candidate: a single float64 orbit from its start point (see the module docs).
pub fn screen(p: &Preset) -> Verdict {
    let k = p.kernel_params();
    let mut map = p.map_f64(&k);
    let mut pt = p.start;
    let empty = Metrics {
        lyapunov: None,
        coverage: 0.0,
        effective_pixels: 0.0,
        dimension: None,
        extent: None,
    };
    let reject = |metrics, reason| Verdict {
        metrics,
        reject: Some(reason),
    };
    // The transient keeps its last MAX_CYCLE points, so an orbit that has already settled on a
    // fixed point or a cycle is rejected without the measuring run.
    let mut tail = [[0.0; 3]; MAX_CYCLE];
    for i in 0..TRANSIENT {
        tail[i % MAX_CYCLE] = pt;
        pt = map.step(pt, &k);
        if diverged_f64(pt[0], pt[1]) || !pt[2].is_finite() {
            return reject(empty, Reason::Diverged { iteration: i + 1 });
        }
    }
    let (mut xs, mut ys, mut zs) = (Vec::new(), Vec::new(), Vec::new());
    for back in (1..=MAX_CYCLE).rev() {
        let q = tail[(TRANSIENT - back) % MAX_CYCLE];
        xs.push(q[0]);
        ys.push(q[1]);
        zs.push(q[2]);
    }
    if let Some(period) = recurrence(&xs, &ys, &zs, pt) {
        return reject(empty, cycle_reason(period));
    }
    let mut xs = Vec::with_capacity(POINTS);
    let mut ys = Vec::with_capacity(POINTS);
    let mut zs = Vec::with_capacity(POINTS);
    let mut lyapunov_points = 0;
    let mut near = [pt[0] + SEPARATION, pt[1], pt[2]];
    let mut log_sum = 0.0;
    for i in 0..POINTS {
        xs.push(pt[0]);
        ys.push(pt[1]);
        zs.push(pt[2]);
        pt = map.step(pt, &k);
        if diverged_f64(pt[0], pt[1]) || !pt[2].is_finite() {
            return reject(
                empty,
                Reason::Diverged {
                    iteration: TRANSIENT + i + 1,
                },
            );
        }
        if i >= LYAPUNOV_POINTS {
            continue;
        }
        lyapunov_points += 1;
        near = map.step(near, &k);
        let d = [near[0] - pt[0], near[1] - pt[1], near[2] - pt[2]];
        let dist = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        if dist > 0.0 && dist.is_finite() {
            log_sum += (dist / SEPARATION).ln();
            let s = SEPARATION / dist;
            near = [pt[0] + d[0] * s, pt[1] + d[1] * s, pt[2] + d[2] * s];
        } else {
            // The nearby orbit merged with (or left) this one: count the strongest contraction
            // a double can show, and start a fresh nearby orbit.
            log_sum += if dist == 0.0 { (1e-16f64).ln() } else { 0.0 };
            near = [pt[0] + SEPARATION, pt[1], pt[2]];
        }
    }
    let lyapunov = log_sum / lyapunov_points as f64;
    let mut metrics = Metrics {
        lyapunov: Some(lyapunov),
        ..empty
    };
    if let Some(period) = recurrence(&xs, &ys, &zs, pt) {
        return reject(metrics, cycle_reason(period));
    }
    let extent = extent_of(&xs, &ys);
    metrics.extent = Some(extent);
    let mut hist = Histogram::new(THUMB, THUMB, extent);
    let binner = Binner::new(extent, THUMB, THUMB);
    for (&x, &y) in xs.iter().zip(&ys) {
        match binner.bin(x, y) {
            Some(i) => {
                hist.counts[i] += 1;
                hist.tally.counted += 1;
            }
            None => hist.tally.outside += 1,
        }
    }
    let judged = judge_histogram(&hist);
    metrics.coverage = judged.coverage;
    metrics.effective_pixels = judged.effective_pixels;
    if let Some(reason @ Reason::Collapsed { .. }) = judged.problem {
        return reject(metrics, reason);
    }
    metrics.dimension = correlation_dimension(&xs, &ys, &extent);
    if lyapunov < MIN_LYAPUNOV {
        return reject(metrics, Reason::Periodic { lyapunov });
    }
    Verdict {
        metrics,
        reject: judged.problem,
    }
}

fn cycle_reason(period: usize) -> Reason {
    if period == 1 {
        Reason::FixedPoint
    } else {
        Reason::Cycle { period }
    }
}

/// The smallest period k <= [`MAX_CYCLE`] with `last` within tolerance of the point k steps back.
fn recurrence(xs: &[f64], ys: &[f64], zs: &[f64], last: [f64; 3]) -> Option<usize> {
    let n = xs.len();
    let tol = CYCLE_TOLERANCE * (1.0 + last[0].abs().max(last[1].abs()).max(last[2].abs()));
    (1..=MAX_CYCLE.min(n)).find(|&k| {
        let i = n - k;
        (xs[i] - last[0]).abs() <= tol
            && (ys[i] - last[1]).abs() <= tol
            && (zs[i] - last[2]).abs() <= tol
    })
}

/// The points' bounding box; a degenerate side is widened to a unit around its centre.
fn extent_of(xs: &[f64], ys: &[f64]) -> Bounds {
    let range = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            });
        if hi - lo <= 1e-12 * lo.abs().max(1.0) {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        }
    };
    let (x0, x1) = range(xs);
    let (y0, y1) = range(ys);
    Bounds::new(x0, x1, y0, y1).expect("finite points give finite, ordered bounds")
}

/// Grassberger-Procaccia correlation dimension from [`DIMENSION_POINTS`] evenly strided points, in
/// coordinates scaled by the larger side of the extent: log(C(r2) / C(r1)) / log(r2 / r1). `None`
/// when no pair lies within the smaller radius.
fn correlation_dimension(xs: &[f64], ys: &[f64], extent: &Bounds) -> Option<f64> {
    let scale = (extent.xmax - extent.xmin).max(extent.ymax - extent.ymin);
    let stride = (xs.len() / DIMENSION_POINTS).max(1);
    let pts: Vec<(f64, f64)> = xs
        .iter()
        .zip(ys)
        .step_by(stride)
        .map(|(&x, &y)| (x / scale, y / scale))
        .collect();
    let (r1, r2) = DIMENSION_RADII;
    let (r1sq, r2sq) = (r1 * r1, r2 * r2);
    let (mut c1, mut c2) = (0u64, 0u64);
    for (i, a) in pts.iter().enumerate() {
        for b in &pts[i + 1..] {
            let d = (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1);
            c1 += (d < r1sq) as u64;
            c2 += (d < r2sq) as u64;
        }
    }
    (c1 > 0).then(|| (c2 as f64 / c1 as f64).ln() / (r2 / r1).ln())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Equation;

    fn preset(equation: Equation, params: &[f64], start: [f64; 3]) -> Preset {
        Preset {
            formula: None,
            name: "t".into(),
            equation,
            start,
            params: params.to_vec(),
            palette: None,
            shade: None,
            background: None,
            bounds: None,
            line: 0,
        }
    }

    #[test]
    fn clifford_is_accepted_with_plausible_metrics() {
        let v = screen(&preset(
            Equation::Clifford,
            &[-1.3, -1.3, -1.8, -1.9],
            [0.0; 3],
        ));
        assert!(v.accepted(), "{v:?}");
        let m = v.metrics;
        assert!(m.lyapunov.unwrap() > 0.1, "{m:?}");
        assert!(m.coverage > 0.2, "{m:?}");
        let d = m.dimension.unwrap();
        assert!(d > 1.0 && d < 2.1, "{m:?}");
    }

    #[test]
    fn henon_lyapunov_matches_the_literature() {
        // Henon (a=1.4, b=0.3): largest exponent 0.419 nats/iteration (Sprott, "Chaos and
        // Time-Series Analysis", 2003, appendix A); correlation dimension 1.21 (Grassberger and
        // Procaccia, "Measuring the strangeness of strange attractors", Physica D 9, 1983).
        let v = screen(&preset(Equation::Henon, &[1.4, 0.3], [0.0; 3]));
        let l = v.metrics.lyapunov.unwrap();
        assert!((l - 0.419).abs() < 0.03, "{l}");
        let d = v.metrics.dimension.unwrap();
        assert!((d - 1.22).abs() < 0.2, "{d}");
    }

    #[test]
    fn a_fixed_point_is_rejected_as_such() {
        // Henon a=0.2, b=0.3: stable fixed point.
        let v = screen(&preset(Equation::Henon, &[0.2, 0.3], [0.0; 3]));
        assert_eq!(v.reject, Some(Reason::FixedPoint), "{v:?}");
    }

    #[test]
    fn a_period_two_cycle_is_rejected_as_such() {
        // Henon b=0.3: the fixed point loses stability at a = 3(1-b)^2/4 = 0.3675 and the
        // period-2 orbit at a ~ 0.9125; a = 0.6 lies between: a stable period-2 orbit.
        let v = screen(&preset(Equation::Henon, &[0.6, 0.3], [0.0; 3]));
        assert_eq!(v.reject, Some(Reason::Cycle { period: 2 }), "{v:?}");
    }

    #[test]
    fn a_divergent_set_is_rejected_as_such() {
        let v = screen(&preset(Equation::Henon, &[5.0, 0.3], [0.0; 3]));
        assert!(
            matches!(v.reject, Some(Reason::Diverged { iteration }) if iteration < 20),
            "{v:?}"
        );
    }

    #[test]
    fn a_quasi_periodic_circle_is_not_chaotic() {
        // Ikeda u = 0.5: strongly contracting, no chaos; whatever it settles on is rejected.
        let v = screen(&preset(Equation::Ikeda, &[0.5], [0.0; 3]));
        assert!(!v.accepted(), "{v:?}");
    }

    #[test]
    fn judge_sums_large_histograms_into_thumbnail_blocks() {
        let b = Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap();
        let mut h = Histogram::new(256, 256, b);
        // 4x4 blocks: light one pixel in each of 20 different blocks
        for i in 0..20 {
            h.counts[i * 4] = 3;
        }
        h.tally.counted = 60;
        let r = judge_histogram(&h);
        assert_eq!(r.lit_pixels, 20);
        assert!((r.effective_pixels - 20.0).abs() < 1e-9);
        assert_eq!(
            r.problem,
            Some(Reason::Sparse {
                coverage: 20.0 / 4096.0
            })
        );
        // all in one block: collapsed
        let mut h = Histogram::new(256, 256, b);
        h.counts[0] = 5;
        h.counts[1] = 5;
        h.tally.counted = 10;
        assert_eq!(
            judge_histogram(&h).problem,
            Some(Reason::Collapsed { pixels: 1 })
        );
        // mostly diverged
        h.tally.diverged = 11;
        assert_eq!(
            judge_histogram(&h).problem,
            Some(Reason::Diverged { iteration: 0 })
        );
    }

    #[test]
    fn effective_pixels_measure_concentration() {
        let b = Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap();
        let mut h = Histogram::new(64, 64, b);
        for c in h.counts.iter_mut().take(100) {
            *c = 1;
        }
        h.counts[0] = 1_000_000;
        let r = judge_histogram(&h);
        assert_eq!(r.lit_pixels, 100);
        assert!(r.effective_pixels < 2.0, "{r:?}");
    }
}
