//! The one progressive engine seam and the one loop that drives it.
//!
//! Every renderer (CPU exact, CPU sampled, GPU) implements [`Engine`]: "add this much more work",
//! "give me the histogram so far". [`drive`] is the only loop around it: it sizes batches from the
//! measured time, honours cancellation and pause, reports progress, answers snapshot requests and
//! writes checkpoints on time, and keeps a recent copy of the counts for engines that can lose
//! their state (a GPU device). The headless render, the live window (both modes), the window's
//! background save, the bench and library users all go through it ([`spawn`] runs it on a thread).

use crate::histogram::Histogram;
use crate::shade::{self, Style};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod drive;
use drive::{Writer, drive_with};

/// Wall time one batch should take: long enough to amortise the per-batch cost, short enough that
/// progress, cancellation and checkpoints stay prompt at any canvas size.
pub const BATCH_TARGET: Duration = Duration::from_millis(200);
/// How often the driver copies the counts of an engine that can lose them (a GPU device), so a
/// lost device loses at most this much work.
const SAFE_COPY_EVERY: Duration = Duration::from_secs(2);

/// What can stop an engine. The message names the cause and a way out.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The GPU failed (device lost, out of memory, ...).
    #[error(transparent)]
    Gpu(#[from] crate::gpu::GpuError),
}

/// A progressive renderer of one [`crate::job::Job`].
///
/// `advance` may be called any number of times; the histogram is the sum of all work done. An
/// engine never does more work than its job's `iters`.
pub trait Engine: Send {
    /// One line for the user: which renderer, which adapter.
    fn describe(&self) -> String;
    /// Adds about `points` more points and returns how many were done: `points` (rounded up to
    /// the engine's unit of work, e.g. a group of orbits, and capped at what is left of the job),
    /// or fewer when `ctl` was cancelled meanwhile.
    fn advance(&mut self, points: u64, ctl: &Control) -> Result<u64, EngineError>;
    /// The counts and tally of all work done so far.
    fn histogram(&mut self) -> Result<Histogram, EngineError>;
    /// Exact mode: the next point of the float64 orbit (checkpoints resume from it).
    fn exact_state(&self) -> Option<[f64; 3]> {
        None
    }
    /// Map evaluations spent so far on uncounted transients (sampled orbits' decorrelation
    /// steps; the exact orbit's `--skip` is not included): the cost of the sampling design.
    fn transient_steps(&self) -> u64 {
        0
    }
    /// Whether the engine can lose its counts (a GPU device can be lost); the driver then keeps a
    /// recent copy.
    fn volatile(&self) -> bool {
        false
    }
    /// The density of a histogram after `--de` ([`crate::density`]): the GPU's compute pass on
    /// the GPU (the CPU after a lost device), every CPU core otherwise. Same kernels either way.
    fn estimate_density(
        &mut self,
        hist: &Histogram,
        de: &crate::density::De,
    ) -> Result<crate::density::Estimated, EngineError> {
        Ok(crate::density::Estimated::on_cpu(hist, de))
    }
    /// Shades a histogram into RGBA8: the GPU's fragment pass on the GPU (the CPU after a lost
    /// device), the CPU otherwise. Same maths either way.
    fn shade(&mut self, hist: &Histogram, style: &Style) -> Result<Vec<u8>, EngineError> {
        Ok(shade::shade(hist, style))
    }
}

/// A consistent copy of a running engine's counts (tally and counts agree), for checkpoints.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The counts and tally at the time of the copy.
    pub hist: Histogram,
    /// Exact mode: the next point of the orbit.
    pub exact_state: Option<[f64; 3]>,
}

/// Shared between a running engine and whoever watches it (progress bar, signal handler, window).
#[derive(Debug, Default)]
pub struct Control {
    done: AtomicU64,
    /// Transient points still to skip before the first counted one (the exact engine's).
    transient_left: AtomicU64,
    cancel: AtomicBool,
    paused: AtomicBool,
    snapshot_wanted: AtomicBool,
    snapshot: Mutex<Option<Snapshot>>,
}

impl Control {
    /// A fresh control block: nothing done, not cancelled.
    pub fn new() -> Control {
        Control::default()
    }
    /// Called by the driver as work completes.
    pub fn add_done(&self, points: u64) {
        self.done.fetch_add(points, Ordering::Relaxed);
    }
    /// Points done so far by this run.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
    /// Called by an engine that runs an uncounted transient first, as it goes (0 at its end).
    pub fn set_transient_left(&self, points: u64) {
        self.transient_left.store(points, Ordering::Relaxed);
    }
    /// Transient points still to skip before points are counted (0 when none or done).
    pub fn transient_left(&self) -> u64 {
        self.transient_left.load(Ordering::Relaxed)
    }
    /// Asks the run to stop soon; it returns what it accumulated so far. Honoured even when set
    /// before the run starts.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    /// Whether [`Control::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
    /// Pauses (true) or resumes (false) the run between batches.
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }
    /// Whether the run is paused.
    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }
    /// Asks the driver for a [`Snapshot`] after its current batch.
    pub fn request_snapshot(&self) {
        self.snapshot_wanted.store(true, Ordering::Relaxed);
    }
    fn snapshot_wanted(&self) -> bool {
        self.snapshot_wanted.load(Ordering::Relaxed)
    }
    fn offer_snapshot(&self, s: Snapshot) {
        *self.snapshot.lock().unwrap_or_else(|p| p.into_inner()) = Some(s);
        self.snapshot_wanted.store(false, Ordering::Relaxed);
    }
    /// Takes the snapshot the driver handed over, if any.
    pub fn take_snapshot(&self) -> Option<Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}

/// A run that stopped on an error, with the counts it could save (the last safe copy).
#[derive(Debug)]
pub struct Failure {
    /// What stopped the run.
    pub error: EngineError,
    /// The counts saved before the error (a volatile engine's last safe copy), if any.
    pub partial: Option<Snapshot>,
}

/// Checkpoints: how often, and where they go.
pub struct Checkpointing<'a> {
    /// The time between checkpoints.
    pub every: Duration,
    /// Called with each snapshot on a writer thread beside the run (rendering goes on while a
    /// checkpoint of a large canvas is encoded and written); one at a time, in order, and all
    /// done before [`drive`] returns.
    pub write: &'a mut (dyn FnMut(&Snapshot) + Send),
}

/// Drives `engine` until `points` more points are done or `ctl` is cancelled, and returns the
/// engine's histogram (all of its work, this run's and earlier). The only loop around an engine.
///
/// Checkpoints are written by a second thread: the loop takes the snapshot (the engine's
/// counts, a copy) and goes on rendering while the writer encodes and writes it. A checkpoint
/// that falls due while the last one is still being written waits for the next batch, so there
/// is never more than one snapshot in flight.
pub fn drive(
    engine: &mut dyn Engine,
    points: u64,
    ctl: &Control,
    checkpoints: Option<Checkpointing<'_>>,
) -> Result<Snapshot, Box<Failure>> {
    let Some(Checkpointing { every, write }) = checkpoints else {
        return drive_with(engine, points, ctl, None);
    };
    std::thread::scope(|s| {
        let (to_writer, inbox) = std::sync::mpsc::sync_channel::<Arc<Snapshot>>(0);
        let busy = Arc::new(AtomicBool::new(false));
        let writing = busy.clone();
        let writer = s.spawn(move || {
            for snap in inbox {
                write(&snap);
                writing.store(false, Ordering::Release);
            }
        });
        let result = drive_with(
            engine,
            points,
            ctl,
            Some(Writer {
                every,
                to_writer,
                busy,
            }),
        );
        // The sender was dropped with the loop: the writer finishes what it holds, then ends.
        let _ = writer.join();
        result
    })
}

/// What a background run hands back: its result and the engine (to shade with it).
pub type Finished = (Result<Snapshot, Box<Failure>>, Box<dyn Engine>);

/// What [`Background::join`] returns: the result, and the engine unless its thread crashed.
pub type Joined = (Result<Snapshot, Box<Failure>>, Option<Box<dyn Engine>>);

/// A run of [`drive`] on its own thread: the window's CPU mode and its background save use it.
pub struct Background {
    ctl: Arc<Control>,
    thread: Option<std::thread::JoinHandle<Finished>>,
}

/// Starts `engine` on a thread for `points` points (`u64::MAX`: until cancelled).
pub fn spawn(mut engine: Box<dyn Engine>, points: u64) -> Background {
    let ctl = Arc::new(Control::new());
    let c = ctl.clone();
    let thread = std::thread::spawn(move || {
        let r = drive(engine.as_mut(), points, &c, None);
        (r, engine)
    });
    Background {
        ctl,
        thread: Some(thread),
    }
}

impl Background {
    /// The run's control block (progress, pause, cancel, snapshots).
    pub fn control(&self) -> &Control {
        &self.ctl
    }
    /// Whether the run has ended (finished, cancelled or failed).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }
    /// Waits for the run's end; returns its result and the engine (to shade with it).
    pub fn join(mut self) -> Joined {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok((r, engine))) => (r, Some(engine)),
            _ => (
                Err(Box::new(Failure {
                    error: EngineError::Gpu(crate::gpu::GpuError::Other(
                        "the renderer thread crashed".into(),
                    )),
                    partial: None,
                })),
                None,
            ),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.ctl.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::SampledEngine;

    /// A slow checkpoint write (as at 16384x16384, where one is a gigabyte) does not stop the
    /// render: points are done while the writer works, and every write ends before `drive`
    /// returns.
    #[test]
    fn rendering_goes_on_while_a_checkpoint_is_written() {
        let preset = crate::Presets::builtin().get("Clifford").unwrap().clone();
        let job = crate::Job::builder(preset)
            .size(64, 64)
            .points(20_000_000_000)
            .build()
            .unwrap();
        let mut engine = SampledEngine::new(&job);
        let ctl = Control::new();
        let mut during = Vec::new();
        let mut write = |snap: &Snapshot| {
            let at = snap.hist.tally.total();
            // A slow write: busy until the render has done more points (at most 5 s; a render
            // that waited for the writer would do none). A fixed sleep failed on a loaded
            // machine, where one batch can take longer than the sleep.
            let t = std::time::Instant::now();
            while ctl.done() == at && t.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(10));
            }
            during.push(ctl.done() - at);
            if during.len() == 3 {
                ctl.cancel();
            }
        };
        let out = drive(
            &mut engine,
            job.iters,
            &ctl,
            Some(Checkpointing {
                every: Duration::from_millis(1),
                write: &mut write,
            }),
        )
        .unwrap();
        assert_eq!(during.len(), 3, "three checkpoints written, then cancelled");
        assert!(
            during.iter().all(|&d| d > 0),
            "points done while each checkpoint was written: {during:?}"
        );
        assert!(out.hist.tally.total() < job.iters);
    }
}
