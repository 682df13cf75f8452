//! Where the window's points come from, through the engine seam: on the GPU, an engine advanced a
//! frame's budget at a time on this thread (it shares the device with the display); on the CPU,
//! the same driver loop as every render, on a background thread, read by snapshots.

use crate::backend::Engines;
use crate::engine::{self, Background, Control, Engine};
use crate::histogram::Histogram;
use crate::job::Job;
use anyhow::{Result, anyhow};
use std::time::Duration;

/// Where the window's counts come from: a GPU engine, or a CPU run on a background thread.
pub enum Source {
    /// A GPU engine advanced between frames.
    Gpu(Box<dyn Engine>),
    /// A CPU engine running on its own thread.
    Cpu {
        /// The background run.
        run: Background,
        /// The last snapshot the run handed over.
        last: Histogram,
    },
}

impl Source {
    /// Starts accumulating `job` (endless: `job.iters` is `u64::MAX`).
    pub fn start(engines: &mut Engines, job: &Job) -> Result<Source> {
        let engine = engines.engine(job)?;
        Ok(match engines {
            Engines::Gpu { .. } => Source::Gpu(engine),
            _ => Source::Cpu {
                run: engine::spawn(engine, u64::MAX),
                last: job.empty_histogram(),
            },
        })
    }

    /// Work for one frame: on the GPU, `points` now; on the CPU the run goes on by itself (paused
    /// or not). Returns the points added on this thread.
    pub fn step(&mut self, points: u64, paused: bool) -> Result<u64> {
        match self {
            Source::Gpu(e) if !paused => Ok(e.advance(points, &Control::new())?),
            Source::Gpu(_) => Ok(0),
            Source::Cpu { run, .. } => {
                run.control().set_paused(paused);
                Ok(0)
            }
        }
    }

    /// Pauses a background run (the window is minimised); the GPU source only runs when asked.
    pub fn rest(&self, paused: bool) {
        if let Source::Cpu { run, .. } = self {
            run.control().set_paused(paused);
        }
    }

    /// The counts so far (the CPU run's latest snapshot; a new one is asked for each time).
    pub fn read(&mut self) -> Result<Histogram> {
        match self {
            Source::Gpu(e) => Ok(e.histogram()?),
            Source::Cpu { run, last } => {
                if let Some(s) = run.control().take_snapshot() {
                    *last = s.hist;
                } else if run.is_finished() {
                    return Err(anyhow!("the CPU renderer stopped"));
                }
                run.control().request_snapshot();
                // The first snapshot arrives after the first batch; wait for it briefly.
                if last.tally.total() == 0 {
                    for _ in 0..25 {
                        std::thread::sleep(Duration::from_millis(2));
                        if let Some(s) = run.control().take_snapshot() {
                            *last = s.hist;
                            break;
                        }
                    }
                }
                Ok(last.clone())
            }
        }
    }
}
