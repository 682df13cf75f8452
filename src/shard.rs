//! Work split across processes and machines: shard `I/N` of a job, and the exact merge.
//!
//! A sampled job's points are cut into orbits with global ids ([`OrbitPlan`]); orbit `id`'s
//! points depend only on the job and the id. Shard `I` of `N` (`0 <= I < N`) renders the ids
//! `floor(M*I/N) .. floor(M*(I+1)/N)` of the job's `M` orbits, so the shards are disjoint, cover
//! the job, and need no communication: their counts are integers that add up, bit for bit, to the
//! unsharded render of the same seed. Each shard's counts (`--hist`) carry a [`ShardPart`] in
//! their recipe sidecar: which shard, how many points its share has and how many it did, and its
//! tally. [`Merge`] checks a set of parts (same job, no duplicate, all present) and sums them.

use crate::histogram::Histogram;
pub use crate::recipe::ShardPart;
use crate::sampling::{OrbitPlan, OrbitRange};

mod merge;
mod part;
pub use merge::{Merge, Merged};
pub use part::{MergeError, Piece};

/// Most shards of one job (a bound on the bookkeeping, far beyond any cluster's array size).
pub const MAX_SHARDS: u32 = 1_000_000;

/// Shard `index` of `count` (0-based: Slurm's `$SLURM_ARRAY_TASK_ID` of `--array=0-(N-1)` and
/// Kubernetes' `$JOB_COMPLETION_INDEX` are used as they are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard's index, 0-based.
    pub index: u32,
    /// The number of shards of the job.
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` (the `--shard` flag).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let usage = "give I/N with 0 <= I < N, e.g. 0/4 for the first of four shards";
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not I/N; {usage}"))?;
        let num = |t: &str, what: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|_| format!("'{s}': {what} '{t}' is not a whole number; {usage}"))
        };
        let (index, count) = (num(i, "the shard")?, num(n, "the shard count")?);
        if count == 0 || count > MAX_SHARDS as u64 {
            return Err(format!(
                "'{s}': the shard count must be 1..{MAX_SHARDS}; {usage}"
            ));
        }
        if index >= count {
            return Err(format!(
                "'{s}': shard {index} does not exist among {count} (they are numbered 0..{}); {usage}",
                count - 1
            ));
        }
        Ok(Shard {
            index: index as u32,
            count: count as u32,
        })
    }

    /// This shard's orbit ids among `plan`'s.
    pub fn range(&self, plan: &OrbitPlan) -> OrbitRange {
        let cut = |i: u32| (plan.orbits as u128 * i as u128 / self.count as u128) as u64;
        OrbitRange {
            start: cut(self.index),
            end: cut(self.index + 1),
        }
    }

    /// Points of this shard's share of a job of `iters` points.
    pub fn points(&self, iters: u64) -> u64 {
        let plan = OrbitPlan::new(iters);
        let r = self.range(&plan);
        plan.points_in(r.start..r.end)
    }

    /// Refuses a shard of `job` that cannot be rendered: of the exact orbit (one float64 orbit
    /// does not split), or one of more shards than the job has orbits. The message starts with
    /// the shard (`0/2: ...`); each client puts its own name for the shard argument before it.
    pub fn check_job(&self, job: &crate::job::Job) -> Result<(), String> {
        if job.exact {
            return Err(format!(
                "{self}: --exact runs one float64 orbit, which cannot be split; drop --exact"
            ));
        }
        self.check(job.iters)
    }

    /// Refuses more shards than the job has orbits (some would have nothing to do).
    pub fn check(&self, iters: u64) -> Result<(), String> {
        let orbits = OrbitPlan::new(iters).orbits;
        if self.count as u64 > orbits {
            return Err(format!(
                "{}/{}: a job of {iters} points has {orbits} orbits, fewer than {} shards; use at most {orbits} shards or more --iters",
                self.index, self.count, self.count
            ));
        }
        Ok(())
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The part of `shard` whose counts are `hist`, of a job of `iters` points.
pub fn part(shard: Shard, iters: u64, hist: &Histogram) -> ShardPart {
    let t = hist.tally;
    ShardPart {
        index: shard.index,
        count: shard.count,
        share: shard.points(iters),
        done: t.total(),
        counted: t.counted,
        outside: t.outside,
        diverged: t.diverged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_with_the_input() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse("6/7").unwrap().to_string(), "6/7");
        for (bad, says) in [
            ("4/4", "shard 4 does not exist among 4"),
            ("1", "is not I/N"),
            ("a/3", "the shard 'a'"),
            ("0/0", "must be 1..1000000"),
            ("-1/3", "the shard '-1'"),
        ] {
            let e = Shard::parse(bad).unwrap_err();
            assert!(e.contains(says) && e.contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn shards_are_disjoint_and_cover_the_job() {
        for iters in [64u64, 1000, 1_000_003, 5_000_000_017] {
            let plan = OrbitPlan::new(iters);
            for n in [1u32, 3, 7, 64] {
                let mut next = 0;
                let mut points = 0;
                for i in 0..n {
                    let r = Shard { index: i, count: n }.range(&plan);
                    assert_eq!(r.start, next);
                    next = r.end;
                    points += Shard { index: i, count: n }.points(iters);
                }
                assert_eq!(next, plan.orbits);
                assert_eq!(points, iters);
            }
        }
        assert!(
            Shard {
                index: 0,
                count: 65
            }
            .check(64)
            .is_err()
        );
        assert!(
            Shard {
                index: 0,
                count: 64
            }
            .check(64)
            .is_ok()
        );
    }
}
