//! A validated render job and the control block a running backend reports to.
//!
//! The job is what crosses the one seam between the CLI and the renderers: every backend
//! ([`crate::cpu`], and the GPU) takes a `&Job` and a `&Control` and returns a [`Histogram`].

use crate::attractor::Preset;
use crate::histogram::{Binner, Bounds, Histogram};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Points beyond this magnitude (or non-finite) count as diverged and restart their orbit.
pub const DIVERGENCE_LIMIT: f64 = 1e10;

/// Everything a backend needs to accumulate one histogram.
#[derive(Clone, Debug)]
pub struct Job {
    pub preset: Preset,
    pub width: u32,
    pub height: u32,
    pub bounds: Bounds,
    /// Points to count (binned + outside + diverged).
    pub iters: u64,
    /// Transient points skipped at the start of every orbit.
    pub skip: u64,
    pub seed: u64,
}

impl Job {
    pub fn binner(&self) -> Binner {
        Binner::new(self.bounds, self.width, self.height)
    }
    pub fn empty_histogram(&self) -> Histogram {
        Histogram::new(self.width, self.height, self.bounds)
    }
}

/// Shared between a running backend and whoever watches it (progress bar, Ctrl-C handler).
#[derive(Debug, Default)]
pub struct Control {
    done: AtomicU64,
    cancel: AtomicBool,
}

impl Control {
    pub fn new() -> Control {
        Control::default()
    }
    /// Called by backends as work completes.
    pub fn add_done(&self, points: u64) {
        self.done.fetch_add(points, Ordering::Relaxed);
    }
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
    /// Asks the backend to stop soon; it returns what it accumulated so far.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Whether a point has diverged (non-finite or beyond [`DIVERGENCE_LIMIT`]).
#[inline(always)]
pub fn diverged_f64(x: f64, y: f64) -> bool {
    !(x.abs() <= DIVERGENCE_LIMIT && y.abs() <= DIVERGENCE_LIMIT)
}
