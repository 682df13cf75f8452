//! Work split across processes and machines: shard `I/N` of a job, and the exact merge.
//!
//! A sampled job's points are cut into orbits with global ids ([`OrbitPlan`]); orbit `id`'s
//! points depend only on the job and the id. Shard `I` of `N` (`0 <= I < N`) renders the ids
//! `floor(M*I/N) .. floor(M*(I+1)/N)` of the job's `M` orbits, so the shards are disjoint, cover
//! the job, and need no communication: their counts are integers that add up, bit for bit, to the
//! unsharded render of the same seed. Each shard's counts (`--hist`) carry a [`ShardPart`] in
//! their recipe sidecar: which shard, how many points its share has and how many it did, and its
//! tally. [`Merge`] checks a set of parts (same job, no duplicate, all present) and sums them.

use crate::histogram::{Histogram, Tally};
use crate::recipe::Recipe;
pub use crate::recipe::ShardPart;
use crate::sampling::{OrbitPlan, OrbitRange};

/// Most shards of one job (a bound on the bookkeeping, far beyond any cluster's array size).
pub const MAX_SHARDS: u32 = 1_000_000;

/// Shard `index` of `count` (0-based: Slurm's `$SLURM_ARRAY_TASK_ID` of `--array=0-(N-1)` and
/// Kubernetes' `$JOB_COMPLETION_INDEX` are used as they are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard's index, `0..count`.
    pub index: u32,
    /// How many shards the job is split into (at least 1).
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

fn tally_of(p: &ShardPart) -> Tally {
    Tally {
        counted: p.counted,
        outside: p.outside,
        diverged: p.diverged,
    }
}

/// Why a set of shards cannot be merged. Every message names the file.
/// Why shards cannot be merged; each message names the file and a way out.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MergeError {
    /// A file whose recipe has no shard part.
    #[error(
        "{file}: holds no shard (its recipe has no 'shard' part); merge the --hist files of `attractors --shard I/N` renders"
    )]
    NotAShard {
        /// The file, as given.
        file: String,
    },
    /// A shard of another job than the first file's.
    #[error("{file}: another job than {first}: {what}; merge only the shards of one job")]
    OtherJob {
        /// The file, as given.
        file: String,
        /// The first file given (it fixes the job).
        first: String,
        /// The fields that differ.
        what: String,
    },
    /// The same shard given twice.
    #[error("{file}: shard {index}/{count} again (also {other}); give each shard once")]
    Duplicate {
        /// The file, as given.
        file: String,
        /// The file that held it first.
        other: String,
        /// The shard's index (0-based).
        index: u32,
        /// The number of shards of the job.
        count: u32,
    },
    /// Shards missing (without `--partial`).
    #[error(
        "missing shard(s) {missing} of {count}; render them, or give --partial to merge the {present} present"
    )]
    Missing {
        /// The missing indices, listed.
        missing: String,
        /// The number of shards of the job.
        count: u32,
        /// Shards given.
        present: usize,
    },
    /// A shard that did not finish its share (without `--partial`).
    #[error(
        "{file}: shard {index}/{count} is unfinished ({done} of {share} points); finish it with --resume, or give --partial"
    )]
    Unfinished {
        /// The file, as given.
        file: String,
        /// The shard's index (0-based).
        index: u32,
        /// The number of shards of the job.
        count: u32,
        /// Points the shard did.
        done: u64,
        /// Points the shard was to do.
        share: u64,
    },
    /// Counts whose size is not the recipe's.
    #[error("{file}: {w}x{h} counts, but its recipe says {rw}x{rh}; the file is damaged")]
    Size {
        /// The file, as given.
        file: String,
        /// Width of the counts.
        w: u32,
        /// Height of the counts.
        h: u32,
        /// Width the recipe says.
        rw: u32,
        /// Height the recipe says.
        rh: u32,
    },
    /// Counts whose sum is not the recipe's counted points.
    #[error(
        "{file}: its counts sum to {sum}, but its recipe says {counted} counted; the file is damaged or not this recipe's"
    )]
    Counted {
        /// The file, as given.
        file: String,
        /// The counts' sum.
        sum: u64,
        /// The recipe's counted points.
        counted: u64,
    },
    /// A bin whose total passes 2^64.
    #[error("{file}: a bin's total passes 2^64; these cannot be the shards of one job")]
    Overflow {
        /// The file, as given.
        file: String,
    },
}

/// A merge in progress: the first shard fixes the job; every further one is checked and added.
pub struct Merge {
    partial: bool,
    recipe: Recipe,
    first: String,
    seen: Vec<Option<String>>,
    hist: Histogram,
    done: u64,
    share: u64,
}

/// The result of [`Merge::finish`].
pub struct Merged {
    /// The job's recipe, without a shard part; `points` is the whole job's.
    pub recipe: Recipe,
    /// The summed counts and tallies.
    pub hist: Histogram,
    /// Shards merged, and the missing ones (only with `partial`).
    pub present: usize,
    /// Indices of the shards not given (only with `partial`).
    pub missing: Vec<u32>,
    /// Points done, out of the job's.
    pub done: u64,
}

/// The recipe fields that say which job it is (the style may differ between shards: the
/// first shard's is used).
fn job_fields(r: &Recipe) -> serde_json::Value {
    let mut j = r.clone();
    j.shard = None;
    let first_style = Recipe {
        shade: String::new(),
        palette: String::new(),
        background: String::new(),
        span: None,
        depth: 8,
        de: None,
        ..j
    };
    serde_json::to_value(first_style).unwrap_or_default()
}

impl Merge {
    /// Starts with the shard in `file`: its recipe and counts. With `partial`, unfinished and
    /// missing shards are accepted.
    pub fn new(
        file: &str,
        recipe: Recipe,
        counts: Histogram,
        partial: bool,
    ) -> Result<Merge, MergeError> {
        let part = part_of(file, &recipe, &counts, partial)?;
        let mut hist = counts;
        hist.tally = tally_of(&part);
        let mut seen = vec![None; part.count as usize];
        seen[part.index as usize] = Some(file.to_string());
        Ok(Merge {
            partial,
            done: part.done,
            share: part.share,
            recipe,
            first: file.to_string(),
            seen,
            hist,
        })
    }

    /// Checks the shard in `file` against the first and adds its counts.
    pub fn add(
        &mut self,
        file: &str,
        recipe: &Recipe,
        counts: &Histogram,
    ) -> Result<(), MergeError> {
        let part = part_of(file, recipe, counts, self.partial)?;
        let (a, b) = (job_fields(&self.recipe), job_fields(recipe));
        let first_part = self.recipe.shard.as_ref().map(|p| p.count);
        let mut what: Vec<String> = Vec::new();
        if let (serde_json::Value::Object(a), serde_json::Value::Object(b)) = (&a, &b) {
            for (k, va) in a {
                let vb = b.get(k).cloned().unwrap_or_default();
                if *va != vb {
                    what.push(format!("{k} {vb} (first: {va})"));
                }
            }
        }
        if first_part != Some(part.count) {
            what.push(format!(
                "{} shards (first: {})",
                part.count,
                first_part.unwrap_or(0)
            ));
        }
        if !what.is_empty() {
            return Err(MergeError::OtherJob {
                file: file.into(),
                first: self.first.clone(),
                what: what.join(", "),
            });
        }
        if let Some(other) = &self.seen[part.index as usize] {
            return Err(MergeError::Duplicate {
                file: file.into(),
                other: other.clone(),
                index: part.index,
                count: part.count,
            });
        }
        for (s, c) in self.hist.counts.iter_mut().zip(&counts.counts) {
            *s = s
                .checked_add(*c)
                .ok_or_else(|| MergeError::Overflow { file: file.into() })?;
        }
        self.hist.tally.add(&tally_of(&part));
        self.seen[part.index as usize] = Some(file.to_string());
        self.done += part.done;
        self.share += part.share;
        Ok(())
    }

    /// The merged counts; refuses missing shards unless `partial`.
    pub fn finish(mut self) -> Result<Merged, MergeError> {
        let missing: Vec<u32> = (0..self.seen.len() as u32)
            .filter(|&i| self.seen[i as usize].is_none())
            .collect();
        let count = self.seen.len() as u32;
        let present = self.seen.len() - missing.len();
        if !missing.is_empty() && !self.partial {
            let shown: Vec<String> = missing.iter().take(20).map(u32::to_string).collect();
            let more = if missing.len() > 20 {
                format!(" and {} more", missing.len() - 20)
            } else {
                String::new()
            };
            return Err(MergeError::Missing {
                missing: format!("{}{more}", shown.join(", ")),
                count,
                present,
            });
        }
        self.recipe.shard = None;
        Ok(Merged {
            recipe: self.recipe,
            hist: self.hist,
            present,
            missing,
            done: self.done,
        })
    }

    /// Points of the shares merged so far.
    pub fn share(&self) -> u64 {
        self.share
    }
}

/// The shard part of `recipe`, checked against its counts (and finished, unless `partial`).
fn part_of(
    file: &str,
    recipe: &Recipe,
    counts: &Histogram,
    partial: bool,
) -> Result<ShardPart, MergeError> {
    let part = recipe
        .shard
        .clone()
        .ok_or_else(|| MergeError::NotAShard { file: file.into() })?;
    if part.count == 0 || part.index >= part.count || part.count > MAX_SHARDS {
        return Err(MergeError::NotAShard { file: file.into() });
    }
    let [rw, rh] = recipe.size;
    let n = recipe.supersample.max(1);
    if (counts.width, counts.height) != (rw * n, rh * n) {
        return Err(MergeError::Size {
            file: file.into(),
            w: counts.width,
            h: counts.height,
            rw: rw * n,
            rh: rh * n,
        });
    }
    let sum = counts.sum();
    if sum != part.counted {
        return Err(MergeError::Counted {
            file: file.into(),
            sum,
            counted: part.counted,
        });
    }
    if part.done < part.share && !partial {
        return Err(MergeError::Unfinished {
            file: file.into(),
            index: part.index,
            count: part.count,
            done: part.done,
            share: part.share,
        });
    }
    Ok(part)
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
