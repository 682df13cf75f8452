//! The loop of [`super::drive`]: batches sized to take about [`BATCH_TARGET`], cancellation,
//! pause, snapshots on request, timed checkpoints handed to the writer thread, and the safe copy
//! of a volatile engine's counts.

use super::{BATCH_TARGET, Control, Engine, EngineError, Failure, SAFE_COPY_EVERY, Snapshot};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The checkpoint writer thread of [`super::drive`], seen from the loop.
pub(super) struct Writer {
    pub(super) every: Duration,
    pub(super) to_writer: std::sync::mpsc::SyncSender<Arc<Snapshot>>,
    /// Set by the loop when it hands a snapshot over, cleared by the writer when it is written.
    pub(super) busy: Arc<AtomicBool>,
}

/// The loop of [`super::drive`]; checkpoint snapshots go to `writer` when it is free.
pub(super) fn drive_with(
    engine: &mut dyn Engine,
    points: u64,
    ctl: &Control,
    writer: Option<Writer>,
) -> Result<Snapshot, Box<Failure>> {
    let mut run = DriveState::new(points, writer);
    while run.left > 0 && !ctl.is_cancelled() {
        if ctl.is_paused() {
            if ctl.snapshot_wanted() {
                match snapshot_of(engine) {
                    Ok(snap) => ctl.offer_snapshot(snap),
                    Err(e) => return Err(run.fail(e)),
                }
            }
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let n = run.next_batch(ctl);
        let t0 = Instant::now();
        let done = match engine.advance(n, ctl) {
            Ok(d) => d,
            Err(e) => return Err(run.fail(e)),
        };
        let dt = t0.elapsed().as_secs_f64().max(1e-6);
        run.left -= done.min(run.left);
        ctl.add_done(done);
        if done == 0 && !ctl.is_cancelled() {
            break; // the job is finished (an engine never does more than its job)
        }
        if run.hooks.interrupt_at.is_some_and(|at| ctl.done() >= at) {
            crate::testing::interrupt();
            ctl.cancel();
        }
        // Aim the next batch at BATCH_TARGET, changing by at most 4x at a time.
        let ratio = (BATCH_TARGET.as_secs_f64() / dt).clamp(0.25, 4.0);
        run.batch = ((done.max(1) as f64 * ratio) as u64).max(1);
        if let Err(e) = run.take_snapshots(engine, ctl) {
            return Err(run.fail(e));
        }
    }
    snapshot_of(engine).map_err(|e| run.fail(e))
}

/// The engine's histogram so far, with its exact-orbit state.
fn snapshot_of(engine: &mut dyn Engine) -> Result<Snapshot, EngineError> {
    Ok(Snapshot {
        hist: engine.histogram()?,
        exact_state: engine.exact_state(),
    })
}

/// What the loop of [`super::drive`] keeps between batches.
struct DriveState {
    hooks: crate::testing::Hooks,
    /// Points still to do.
    left: u64,
    /// Points in the next batch (retuned after each to take about [`BATCH_TARGET`]).
    batch: u64,
    last_checkpoint: Instant,
    /// The point count of the next checkpoint a test hook asks for.
    next_checkpoint_at: u64,
    /// The last copy of a volatile engine's histogram (what a failure hands back).
    safe: Option<Arc<Snapshot>>,
    last_safe: Instant,
    writer: Option<Writer>,
}

impl DriveState {
    fn new(points: u64, writer: Option<Writer>) -> Self {
        let hooks = crate::testing::hooks();
        DriveState {
            hooks,
            left: points,
            batch: 1u64 << 16,
            last_checkpoint: Instant::now(),
            next_checkpoint_at: hooks.checkpoint_every.unwrap_or(u64::MAX),
            safe: None,
            last_safe: Instant::now(),
            writer,
        }
    }

    /// A failure with the last safe copy of the histogram.
    fn fail(&mut self, error: EngineError) -> Box<Failure> {
        Box::new(Failure {
            error,
            partial: self
                .safe
                .take()
                .map(|a| Arc::try_unwrap(a).unwrap_or_else(|a| (*a).clone())),
        })
    }

    /// The next batch's points: the tuned size, cut short at a test hook's interrupt or
    /// checkpoint count.
    fn next_batch(&self, ctl: &Control) -> u64 {
        let mut n = self.batch.min(self.left);
        for at in [
            self.hooks.interrupt_at,
            self.hooks.checkpoint_every.map(|_| self.next_checkpoint_at),
        ]
        .into_iter()
        .flatten()
        {
            if at > ctl.done() {
                n = n.min(at - ctl.done());
            }
        }
        n
    }

    /// Timed checkpoints wait while the last one is still being written; a test hook's
    /// point-count ones wait for the writer instead (each is taken at its exact count).
    fn checkpoint_due(&self, ctl: &Control) -> bool {
        self.writer.as_ref().is_some_and(|w| {
            self.left > 0
                && !ctl.is_cancelled()
                && match self.hooks.checkpoint_every {
                    Some(_) => ctl.done() >= self.next_checkpoint_at,
                    None => {
                        self.last_checkpoint.elapsed() >= w.every && !w.busy.load(Ordering::Acquire)
                    }
                }
        })
    }

    /// After a batch: one snapshot, when a checkpoint, a safe copy (volatile engines) or the
    /// caller ([`Control::snapshot_wanted`]) is due one, handed to each that is.
    fn take_snapshots(
        &mut self,
        engine: &mut dyn Engine,
        ctl: &Control,
    ) -> Result<(), EngineError> {
        let checkpoint_due = self.checkpoint_due(ctl);
        let safe_due =
            engine.volatile() && self.last_safe.elapsed() >= SAFE_COPY_EVERY && self.left > 0;
        if !(checkpoint_due || safe_due || ctl.snapshot_wanted()) {
            return Ok(());
        }
        let snap = Arc::new(snapshot_of(engine)?);
        if checkpoint_due && let Some(w) = &self.writer {
            w.busy.store(true, Ordering::Release);
            // Fails only if the writer thread died; the run goes on without checkpoints.
            let _ = w.to_writer.send(snap.clone());
            self.last_checkpoint = Instant::now();
            if let Some(every) = self.hooks.checkpoint_every {
                self.next_checkpoint_at = ctl.done() + every;
            }
        }
        if ctl.snapshot_wanted() {
            ctl.offer_snapshot((*snap).clone());
        }
        if engine.volatile() {
            self.last_safe = Instant::now();
            self.safe = Some(snap);
        }
        Ok(())
    }
}
