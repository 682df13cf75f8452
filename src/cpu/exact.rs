//! Exact float64 single-orbit accumulation (`--exact`): one orbit p0 = start, p1, ...; skip
//! p0..p(S-1), count the next N points. Same float64 operations in the same order as datashader's
//! example (std sin/cos, no FMA), so with the same bounds the histogram equals datashader's
//! `Canvas.points` aggregate bit for bit.

use crate::engine::{Control, Engine, EngineError};
use crate::histogram::{Binner, Histogram, Tally};
use crate::job::{Job, diverged_f64};

/// How often (in points) the orbit checks for cancellation, in the transient too.
const CHECK_EVERY: u64 = 1 << 16;

/// The exact engine: the orbit's current point and its counts.
pub struct ExactEngine {
    job: Job,
    hist: Histogram,
    binner: Binner,
    /// The next point of the orbit; `None` until the transient is done.
    p: Option<[f64; 3]>,
    skip_left: u64,
    left: u64,
}

impl ExactEngine {
    /// Starts the orbit of `job` (or continues it from `job.exact_state`).
    pub fn new(job: &Job) -> ExactEngine {
        ExactEngine {
            hist: job.empty_histogram(),
            binner: job.binner(),
            p: job.exact_state,
            skip_left: if job.exact_state.is_some() {
                0
            } else {
                job.skip
            },
            left: job.iters,
            job: job.clone(),
        }
    }

    /// Runs the transient in cancellable chunks; `None` when cancelled before its end.
    fn transient(&mut self, ctl: &Control) -> Option<[f64; 3]> {
        if let Some(p) = self.p {
            return Some(p);
        }
        let k = self.job.preset.kernel_params();
        let mut map = self.job.preset.map_f64(&k);
        let mut p = self.job.preset.start;
        while self.skip_left > 0 {
            if ctl.is_cancelled() {
                self.job.preset.start = p; // keep the progress of the transient
                return None;
            }
            ctl.set_transient_left(self.skip_left);
            let n = self.skip_left.min(CHECK_EVERY);
            for _ in 0..n {
                p = map.step(p, &k);
            }
            self.skip_left -= n;
        }
        ctl.set_transient_left(0);
        self.p = Some(p);
        Some(p)
    }
}

impl Engine for ExactEngine {
    fn describe(&self) -> String {
        "CPU exact (float64 single orbit)".into()
    }

    fn advance(&mut self, points: u64, ctl: &Control) -> Result<u64, EngineError> {
        let Some(mut p) = self.transient(ctl) else {
            return Ok(0);
        };
        let k = self.job.preset.kernel_params();
        let job = self.job.clone();
        let mut map = job.preset.map_f64(&k);
        let mut t = Tally::default();
        let want = points.min(self.left);
        let mut done = 0;
        while done < want && !ctl.is_cancelled() {
            let chunk = (want - done).min(CHECK_EVERY);
            for _ in 0..chunk {
                if diverged_f64(p[0], p[1]) {
                    // A diverged float64 orbit cannot come back: the rest of it is lost.
                    t.diverged += self.left - done;
                    done = self.left;
                    break;
                }
                match self.binner.bin(p[0], p[1]) {
                    Some(i) => {
                        self.hist.counts[i] += 1;
                        t.counted += 1;
                    }
                    None => t.outside += 1,
                }
                p = map.step(p, &k);
                done += 1;
            }
        }
        self.p = Some(p);
        self.left -= done;
        self.hist.tally.add(&t);
        Ok(done)
    }

    fn histogram(&mut self) -> Result<Histogram, EngineError> {
        Ok(self.hist.clone())
    }

    fn exact_state(&self) -> Option<[f64; 3]> {
        self.p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Presets;

    /// The transient's progress is on the control while it runs (what the progress bar shows
    /// instead of a still 0%), and 0 once points are counted.
    #[test]
    fn the_transient_reports_what_is_left() {
        let preset = Presets::builtin().get("Clifford").unwrap().clone();
        let job = Job::builder(preset)
            .size(16, 16)
            .points(1000)
            .exact(true)
            .skip(1 << 24)
            .build()
            .unwrap();
        let mut engine = ExactEngine::new(&job);
        let ctl = Control::new();
        let seen = std::thread::scope(|s| {
            let run = s.spawn(|| engine.advance(1000, &ctl).unwrap());
            let mut seen = Vec::new();
            while !run.is_finished() {
                seen.push(ctl.transient_left());
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            assert_eq!(run.join().unwrap(), 1000);
            seen
        });
        let left: Vec<u64> = seen.into_iter().filter(|&l| l > 0).collect();
        assert!(!left.is_empty(), "no transient progress seen");
        assert!(left.iter().all(|&l| l <= 1 << 24));
        assert!(left.windows(2).all(|w| w[1] <= w[0]), "{left:?}");
        assert_eq!(ctl.transient_left(), 0);
    }
}
