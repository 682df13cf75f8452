//! The screen: one float64 orbit of a candidate (equation, parameters, start) judged in about a
//! millisecond, and the histogram judge that the screen and the render warnings share.
//!
//! A candidate is rejected, in this order, when
//! 1. its parameters or start point are beyond float32 (the sampled and GPU modes' precision:
//!    [`crate::job::check_float32`], the check every render makes);
//! 2. its orbit diverges: a coordinate is non-finite or beyond [`DIVERGENCE_LIMIT`] (1e10, as
//!    datashader's example and attractor-wallpaper's `check_behavior`);
//! 3. it settles on a fixed point or a short cycle: at the end of the transient or of the
//!    measured run, the last point comes back to within [`CYCLE_TOLERANCE`] of one of the
//!    [`MAX_CYCLE`] points before it;
//! 4. it collapses: its thumbnail lights at most [`COLLAPSED_PIXELS`] effective pixels;
//! 5. it is not chaotic: the largest Lyapunov exponent is below [`MIN_LYAPUNOV`] nats per
//!    iteration (periodic or quasi-periodic motion has an exponent of zero or less);
//! 6. it is too sparse: it lights less than [`MIN_COVERAGE`] of its thumbnail;
//! 7. it is below the quality bar ([`below_bar`]): a thin curve (correlation dimension below
//!    [`MIN_DIMENSION`]), a few dense spots (score below [`MIN_SCORE`]), or a shape that fills
//!    less than [`MIN_SQUARE_COVERAGE`] of a square picture framed as a render frames it;
//! 8. its float32 orbit diverges (the sampled and GPU modes would draw a blank picture).
//!
//! Every result of `attractors search`, of the Python `search()` and of the window's "Surprise
//! me" passes all of them. The thresholds were calibrated on the shipped presets (`attractors
//! search --score all`); the numbers are in the user guide, "Search".

use super::orbit::{Measured, cycle_reason, float32_divergence, measure, recurrence, settle};
use crate::attractor::Preset;
use crate::histogram::{Binner, Bounds, Histogram};
use crate::job::check_float32;

pub use super::judge::{HistogramReport, judge_histogram};
pub use super::rules::*;

/// The metrics of a candidate rejected before they could be measured.
const EMPTY: Metrics = Metrics {
    lyapunov: None,
    coverage: 0.0,
    effective_pixels: 0.0,
    dimension: None,
    extent: None,
};
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

/// Screens one candidate: a single float64 orbit from its start point, then the quality bar
/// (see the module docs).
pub fn screen(p: &Preset) -> Verdict {
    let reject = |metrics, reason| Verdict {
        metrics,
        reject: Some(reason),
    };
    if check_float32(p).is_err() {
        return reject(EMPTY, Reason::Float32 { iteration: None });
    }
    let k = p.kernel_params();
    let mut map = p.map_f64(&k);
    let mut step = |q| map.step(q, &k);
    let measured = match settle(&mut step, p.start).and_then(|pt| measure(&mut step, pt)) {
        Ok(m) => m,
        Err(reason) => return reject(EMPTY, reason),
    };
    let (metrics, problem) = judge_orbit(&measured);
    match problem.or_else(|| float32_divergence(p).map(|i| Reason::Float32 { iteration: Some(i) }))
    {
        Some(reason) => reject(metrics, reason),
        None => Verdict {
            metrics,
            reject: None,
        },
    }
}

/// The metrics of a measured orbit, and the first rule of the quality bar it fails, checked in
/// the order of the module docs.
fn judge_orbit(m: &Measured) -> (Metrics, Option<Reason>) {
    let mut metrics = Metrics {
        lyapunov: Some(m.lyapunov),
        ..EMPTY
    };
    if let Some(period) = recurrence(&m.xs, &m.ys, &m.zs, m.last) {
        return (metrics, Some(cycle_reason(period)));
    }
    let extent = extent_of(&m.xs, &m.ys);
    metrics.extent = Some(extent);
    let judged = judge_histogram(&thumbnail(&m.xs, &m.ys, extent));
    metrics.coverage = judged.coverage;
    metrics.effective_pixels = judged.effective_pixels;
    if let Some(reason @ Reason::Collapsed { .. }) = judged.problem {
        return (metrics, Some(reason));
    }
    metrics.dimension = correlation_dimension(&m.xs, &m.ys, &extent);
    let problem = if m.lyapunov < MIN_LYAPUNOV {
        Some(Reason::Periodic {
            lyapunov: m.lyapunov,
        })
    } else {
        judged.problem.or_else(|| below_bar(&metrics, &m.xs, &m.ys))
    };
    (metrics, problem)
}

/// The quality bar of an orbit that passed the other rules: the first of thin (correlation
/// dimension below [`MIN_DIMENSION`]), dull (score below [`MIN_SCORE`]) and small (less than
/// [`MIN_SQUARE_COVERAGE`] of a square picture lit, the points framed with equal aspect as a
/// render frames them) that applies.
pub fn below_bar(metrics: &Metrics, xs: &[f64], ys: &[f64]) -> Option<Reason> {
    if let Some(dimension) = metrics.dimension.filter(|&d| d < MIN_DIMENSION) {
        return Some(Reason::Thin { dimension });
    }
    let score = metrics.score();
    if score < MIN_SCORE {
        return Some(Reason::Dull { score });
    }
    let extent = metrics.extent?;
    let square = extent.with_equal_aspect(THUMB, THUMB);
    let coverage = judge_histogram(&thumbnail(xs, ys, square)).coverage;
    (coverage < MIN_SQUARE_COVERAGE).then_some(Reason::Small { coverage })
}

/// The [`THUMB`]-pixel square histogram of the points over `extent`.
fn thumbnail(xs: &[f64], ys: &[f64], extent: Bounds) -> Histogram {
    let mut hist = Histogram::new(THUMB, THUMB, extent);
    let binner = Binner::new(extent, THUMB, THUMB);
    for (&x, &y) in xs.iter().zip(ys) {
        match binner.bin(x, y) {
            Some(i) => {
                hist.counts[i] += 1;
                hist.tally.counted += 1;
            }
            None => hist.tally.outside += 1,
        }
    }
    hist
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
