//! The screen's thresholds and the reasons a candidate or a picture is rejected (shared by the
//! screen and the histogram judge).

use std::fmt;

pub use crate::job::DIVERGENCE_LIMIT;

/// Iterations dropped before anything is measured (the orbit settles onto its attractor).
pub const TRANSIENT: usize = 1000;
/// Iterations measured after the transient (thumbnail, Lyapunov exponent, dimension).
pub const POINTS: usize = 6000;
/// The first this-many measured iterations also advance the nearby orbit of the Lyapunov estimate.
pub const LYAPUNOV_POINTS: usize = 3000;
/// Side of the square thumbnail, in pixels. Its bounds are the extent of the measured points.
pub const THUMB: u32 = 64;
/// A point within this distance (relative to 1 + its magnitude) of one of the previous
/// [`MAX_CYCLE`] points means a fixed point (period 1) or a cycle.
pub const CYCLE_TOLERANCE: f64 = 1e-10;
/// The longest cycle recognised by recurrence; longer ones fail on the Lyapunov exponent.
pub const MAX_CYCLE: usize = 64;
/// A thumbnail with this many lit pixels or fewer is a collapsed orbit.
pub const COLLAPSED_PIXELS: usize = 16;
/// Smallest largest-Lyapunov exponent (nats per iteration) of an accepted orbit.
pub const MIN_LYAPUNOV: f64 = 0.01;
/// Smallest fraction of lit thumbnail pixels of an accepted orbit.
pub const MIN_COVERAGE: f64 = 0.05;
/// Smallest correlation dimension (D2) of an accepted orbit: below it the picture is a thin curve.
pub const MIN_DIMENSION: f64 = 0.9;
/// Smallest score ([`super::screen::Metrics::score`], effective pixels as % of the thumbnail) of
/// an accepted orbit: below it a few dense spots dominate the picture.
pub const MIN_SCORE: f64 = 2.5;
/// Smallest fraction of lit pixels of the square thumbnail that frames the points with equal
/// aspect (as a square render frames them) of an accepted orbit.
pub const MIN_SQUARE_COVERAGE: f64 = 0.03;
/// More than this fraction of diverged points makes a rendered histogram "diverging".
pub const MAX_DIVERGED_FRACTION: f64 = 0.5;

/// Why a candidate (or a rendered picture) is rejected.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// The orbit left the plane (non-finite or beyond 1e10) at this iteration; for a histogram,
    /// more than half of its points diverged.
    Diverged {
        /// The iteration it diverged at.
        iteration: usize,
    },
    /// The orbit stops on a fixed point.
    FixedPoint,
    /// The orbit repeats with this period (2..=[`MAX_CYCLE`]).
    Cycle {
        /// The cycle's period.
        period: usize,
    },
    /// The thumbnail has only this many lit pixels.
    Collapsed {
        /// Lit pixels.
        pixels: usize,
    },
    /// The largest Lyapunov exponent (nats/iteration) is below [`MIN_LYAPUNOV`].
    Periodic {
        /// The exponent measured (nats/iteration).
        lyapunov: f64,
    },
    /// The thumbnail coverage is below [`MIN_COVERAGE`].
    Sparse {
        /// The share of the thumbnail's pixels lit (0..1).
        coverage: f64,
    },
    /// The correlation dimension is below [`MIN_DIMENSION`]: a thin curve.
    Thin {
        /// The correlation dimension measured.
        dimension: f64,
    },
    /// The score is below [`MIN_SCORE`]: a few dense spots dominate.
    Dull {
        /// The score measured.
        score: f64,
    },
    /// The square framing's coverage is below [`MIN_SQUARE_COVERAGE`].
    Small {
        /// The square framing's coverage (0..1).
        coverage: f64,
    },
    /// Beyond float32, the precision of the sampled and GPU modes: the parameters or start point
    /// (`None`), or the float32 orbit diverges at this iteration.
    Float32 {
        /// The iteration where the float32 orbit diverges; `None`: the parameters or start.
        iteration: Option<usize>,
    },
}

impl Reason {
    /// A one-word name for tables.
    pub fn name(&self) -> &'static str {
        match self {
            Reason::Diverged { .. } => "diverged",
            Reason::FixedPoint => "fixed-point",
            Reason::Cycle { .. } => "cycle",
            Reason::Collapsed { .. } => "collapsed",
            Reason::Periodic { .. } => "periodic",
            Reason::Sparse { .. } => "sparse",
            Reason::Thin { .. } => "thin",
            Reason::Dull { .. } => "dull",
            Reason::Small { .. } => "small",
            Reason::Float32 { .. } => "float32",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Diverged { iteration } => write!(f, "diverged at iteration {iteration}"),
            Reason::FixedPoint => f.write_str("fixed point"),
            Reason::Cycle { period } => write!(f, "period-{period} cycle"),
            Reason::Collapsed { pixels } => write!(f, "collapsed to {pixels} thumbnail pixel(s)"),
            Reason::Periodic { lyapunov } => write!(
                f,
                "not chaotic (Lyapunov {lyapunov:.4} < {MIN_LYAPUNOV} nats/iteration)"
            ),
            Reason::Sparse { coverage } => write!(
                f,
                "sparse (covers {:.1}% < {:.0}% of its thumbnail)",
                coverage * 100.0,
                MIN_COVERAGE * 100.0
            ),
            Reason::Thin { dimension } => write!(
                f,
                "a thin curve (dimension {dimension:.2} < {MIN_DIMENSION})"
            ),
            Reason::Dull { score } => write!(
                f,
                "dominated by a few spots (score {score:.1} < {MIN_SCORE})"
            ),
            Reason::Small { coverage } => write!(
                f,
                "small (covers {:.1}% < {:.0}% of a square picture)",
                coverage * 100.0,
                MIN_SQUARE_COVERAGE * 100.0
            ),
            Reason::Float32 { iteration: None } => {
                f.write_str("beyond float32 (parameters or start)")
            }
            Reason::Float32 { iteration: Some(i) } => {
                write!(f, "diverges in float32 at iteration {i}")
            }
        }
    }
}
