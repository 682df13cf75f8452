//! A validated render job and the control block a running backend reports to.
//!
//! The job is what crosses the one seam between the CLI and the renderers: every backend
//! ([`crate::cpu`], and the GPU) takes a `&Job` and a `&Control` and returns a [`Histogram`].

use crate::attractor::Preset;
use crate::histogram::{Binner, Bounds, Histogram};
use std::sync::Mutex;
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
    /// Which run of a resumed render this is (0 for a fresh run). It keys the start points of the
    /// sampled orbits, so a resumed run never repeats the orbits of an earlier one.
    pub segment: u32,
    /// Exact mode only: continue the float64 orbit from this point (no transient) instead of
    /// starting over, so a resumed exact render is the same single orbit.
    pub exact_state: Option<[f64; 3]>,
}

impl Job {
    pub fn binner(&self) -> Binner {
        Binner::new(self.bounds, self.width, self.height)
    }
    pub fn empty_histogram(&self) -> Histogram {
        Histogram::new(self.width, self.height, self.bounds)
    }

    /// The key of the sampled orbits' start points (seed and segment).
    pub fn key(&self) -> u32 {
        crate::rng::job_key(self.seed, self.segment)
    }

    /// A fresh job (segment 0, no exact state).
    pub fn new(
        preset: Preset,
        (width, height): (u32, u32),
        bounds: Bounds,
        iters: u64,
        skip: u64,
        seed: u64,
    ) -> Job {
        Job {
            preset,
            width,
            height,
            bounds,
            iters,
            skip,
            seed,
            segment: 0,
            exact_state: None,
        }
    }
}

/// A consistent copy of a running backend's counts (tally and counts agree), for checkpoints.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub hist: Histogram,
    /// Exact mode: the next point of the orbit.
    pub exact_state: Option<[f64; 3]>,
}

/// Shared between a running backend and whoever watches it (progress bar, Ctrl-C handler).
#[derive(Debug, Default)]
pub struct Control {
    done: AtomicU64,
    cancel: AtomicBool,
    snapshot_wanted: AtomicBool,
    snapshot: Mutex<Option<Snapshot>>,
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

    /// Asks the backend for a [`Snapshot`] at its next consistent point.
    pub fn request_snapshot(&self) {
        self.snapshot_wanted.store(true, Ordering::Relaxed);
    }
    /// Whether a snapshot was asked for (backends poll this between chunks of work).
    pub fn snapshot_wanted(&self) -> bool {
        self.snapshot_wanted.load(Ordering::Relaxed)
    }
    /// Called by a backend: hands over the snapshot that was asked for.
    pub fn offer_snapshot(&self, s: Snapshot) {
        *self.snapshot.lock().unwrap_or_else(|p| p.into_inner()) = Some(s);
        self.snapshot_wanted.store(false, Ordering::Relaxed);
    }
    /// Takes the snapshot a backend handed over, if any.
    pub fn take_snapshot(&self) -> Option<Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}

/// Whether a point has diverged (non-finite or beyond [`DIVERGENCE_LIMIT`]).
#[inline(always)]
pub fn diverged_f64(x: f64, y: f64) -> bool {
    !(x.abs() <= DIVERGENCE_LIMIT && y.abs() <= DIVERGENCE_LIMIT)
}
