//! One job on several devices at once (`--adapter all`): the job's orbit ids are cut into one
//! contiguous share per device ([`shares`], the same cut as shards), every device's engine runs
//! its share on its own thread, and the histograms add up. Integer counts: the sum is the same
//! whatever order the devices finish in, and the tally adds up exactly.

use crate::engine::{Control, Engine, EngineError};
use crate::histogram::Histogram;
use crate::sampling::OrbitRange;
use crate::shade::Style;

/// `range` cut into `n` contiguous shares of (almost) equal orbit counts.
pub fn shares(range: OrbitRange, n: usize) -> Vec<OrbitRange> {
    let len = (range.end - range.start) as u128;
    let cut = |i: usize| range.start + (len * i as u128 / n.max(1) as u128) as u64;
    (0..n)
        .map(|i| OrbitRange {
            start: cut(i),
            end: cut(i + 1),
        })
        .collect()
}

/// Engines of disjoint shares of one job, advanced together.
pub struct SplitEngine {
    parts: Vec<Part>,
}

struct Part {
    engine: Box<dyn Engine>,
    /// Points of its share not yet done.
    left: u64,
}

impl SplitEngine {
    /// `parts`: each engine with the points of its share.
    pub fn new(parts: Vec<(Box<dyn Engine>, u64)>) -> SplitEngine {
        SplitEngine {
            parts: parts
                .into_iter()
                .map(|(engine, left)| Part { engine, left })
                .collect(),
        }
    }
}

impl Engine for SplitEngine {
    fn describe(&self) -> String {
        let names: Vec<String> = self.parts.iter().map(|p| p.engine.describe()).collect();
        format!("{} devices: {}", names.len(), names.join(" + "))
    }

    /// Every device with work left gets its fair part of `points` (its share of what is left),
    /// all at once on their own threads.
    fn advance(&mut self, points: u64, ctl: &Control) -> Result<u64, EngineError> {
        let left: u64 = self.parts.iter().map(|p| p.left).sum();
        if left == 0 {
            return Ok(0);
        }
        let want = points.min(left);
        let results: Vec<Result<u64, EngineError>> = std::thread::scope(|s| {
            let runs: Vec<_> = self
                .parts
                .iter_mut()
                .filter(|p| p.left > 0)
                .map(|p| {
                    let n = ((want as u128 * p.left as u128).div_ceil(left as u128) as u64)
                        .clamp(1, p.left);
                    s.spawn(move || {
                        let done = p.engine.advance(n, ctl)?;
                        p.left -= done.min(p.left);
                        Ok(done)
                    })
                })
                .collect();
            runs.into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut done = 0;
        for r in results {
            done += r?;
        }
        Ok(done)
    }

    fn histogram(&mut self) -> Result<Histogram, EngineError> {
        let mut sum: Option<Histogram> = None;
        for p in &mut self.parts {
            let h = p.engine.histogram()?;
            match &mut sum {
                None => sum = Some(h),
                Some(s) => s.merge(&h),
            }
        }
        Ok(sum.expect("a split engine has at least one part"))
    }

    fn transient_steps(&self) -> u64 {
        self.parts.iter().map(|p| p.engine.transient_steps()).sum()
    }

    fn volatile(&self) -> bool {
        self.parts.iter().any(|p| p.engine.volatile())
    }

    fn shade(&mut self, hist: &Histogram, style: &Style) -> Result<Vec<u8>, EngineError> {
        self.parts[0].engine.shade(hist, style)
    }

    fn estimate_density(
        &mut self,
        hist: &Histogram,
        de: &crate::density::De,
    ) -> Result<crate::density::Estimated, EngineError> {
        self.parts[0].engine.estimate_density(hist, de)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::SampledEngine;
    use crate::job::Job;
    use crate::sampling::OrbitPlan;

    #[test]
    fn a_split_cpu_job_equals_the_whole_bit_for_bit() {
        let preset = crate::Presets::builtin().get("Clifford").unwrap().clone();
        let job = Job::builder(preset)
            .size(64, 48)
            .points(1_000_003)
            .seed(3)
            .build()
            .unwrap();
        let plan = OrbitPlan::new(job.iters);
        let all = OrbitRange::all(&plan);
        let whole = crate::drive(
            &mut SampledEngine::new(&job),
            u64::MAX,
            &Control::new(),
            None,
        )
        .unwrap()
        .hist;
        let parts = shares(all, 3)
            .into_iter()
            .map(|r| {
                let e: Box<dyn Engine> = Box::new(SampledEngine::for_range(&job, r));
                (e, plan.points_in(r.start..r.end))
            })
            .collect();
        let mut split = SplitEngine::new(parts);
        let got = crate::drive(&mut split, job.iters, &Control::new(), None)
            .unwrap()
            .hist;
        assert_eq!(got.counts, whole.counts);
        assert_eq!(got.tally, whole.tally);
        assert_eq!(got.tally.total(), 1_000_003);
    }
}
