//! The search loop: candidates screened in parallel batches on rayon's pool, results taken in
//! candidate-index order. The accepted set is the first `count` accepted candidates by index, and
//! every statistic counts only the candidates up to the last one taken, so the outcome depends on
//! (equation, seed, count, tries) alone, never on the number of threads.

use super::candidates::{Space, candidate};
use super::screen::{Verdict, screen};
use crate::attractor::Preset;
use rayon::prelude::*;

/// Candidates screened per parallel batch, at least and at most.
const MIN_BATCH: u32 = 32;
const MAX_BATCH: u32 = 1024;

/// One accepted candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The candidate's index in the search (its name ends in `_n<index>`).
    pub index: u32,
    /// The candidate as a preset (its bounds from the screen).
    pub preset: Preset,
    /// The screen's metrics and, when rejected, why.
    pub verdict: Verdict,
}

/// What a search found, and how the candidates it looked at were rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Accepted candidates in index order (at most `count`).
    pub found: Vec<Found>,
    /// Candidates looked at: up to and including the last accepted one, or `tries` when the search
    /// gave up.
    pub tried: u64,
    /// Candidates actually screened (whole batches; at least `tried`): the work done, for rates.
    pub screened: u64,
    /// Rejections by reason name ([`super::screen::Reason::name`]), in first-seen order.
    pub rejected: Vec<(&'static str, u64)>,
}

impl Outcome {
    /// The accepted candidates, best score first (ties: lower index first).
    pub fn ranked(&self) -> Vec<&Found> {
        let mut v: Vec<&Found> = self.found.iter().collect();
        v.sort_by(|a, b| {
            b.verdict
                .metrics
                .score()
                .total_cmp(&a.verdict.metrics.score())
                .then(a.index.cmp(&b.index))
        });
        v
    }
}

/// Screens candidates 0, 1, 2, ... of `space` with `seed` until `count` are accepted or `tries`
/// candidates were screened (at most `u32::MAX`).
pub fn find(space: &Space, seed: u64, count: usize, tries: u64) -> Outcome {
    find_with(space, seed, count, tries, |_| {})
}

/// [`find`], calling `progress` with the outcome so far after every batch (for a progress line).
pub fn find_with(
    space: &Space,
    seed: u64,
    count: usize,
    tries: u64,
    mut progress: impl FnMut(&Outcome),
) -> Outcome {
    let tries = tries.min(u32::MAX as u64) as u32;
    let mut out = Outcome {
        found: Vec::new(),
        tried: 0,
        screened: 0,
        rejected: Vec::new(),
    };
    let mut next = 0u32;
    while out.found.len() < count && next < tries {
        // Enough candidates for the results still wanted at a 1-in-3 acceptance rate, so a small
        // search does not screen a whole batch; the batch never changes which results are taken.
        let wanted = (count - out.found.len()) as u32;
        let batch = wanted.saturating_mul(3).clamp(MIN_BATCH, MAX_BATCH);
        let end = next.saturating_add(batch).min(tries);
        let batch: Vec<(Preset, Verdict)> = (next..end)
            .into_par_iter()
            .map(|i| {
                let c = candidate(space, seed, i);
                let v = screen(&c);
                (c, v)
            })
            .collect();
        out.screened += batch.len() as u64;
        for (i, (preset, verdict)) in (next..end).zip(batch) {
            out.tried = i as u64 + 1;
            match verdict.reject {
                None => out.found.push(Found {
                    index: i,
                    preset,
                    verdict,
                }),
                Some(r) => match out.rejected.iter_mut().find(|(n, _)| *n == r.name()) {
                    Some((_, n)) => *n += 1,
                    None => out.rejected.push((r.name(), 1)),
                },
            }
            if out.found.len() == count {
                break;
            }
        }
        next = end;
        progress(&out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Equation;

    fn in_pool(threads: usize, f: impl FnOnce() -> Outcome + Send) -> Outcome {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    #[test]
    fn same_seed_same_results_on_any_thread_count() {
        let one = in_pool(1, || {
            find(&Space::builtin(Equation::Clifford), 3, 6, 100_000)
        });
        let three = in_pool(3, || {
            find(&Space::builtin(Equation::Clifford), 3, 6, 100_000)
        });
        assert_eq!(one.found.len(), 6);
        assert_eq!(one.found, three.found);
        assert_eq!((one.tried, &one.rejected), (three.tried, &three.rejected));
        let other = in_pool(3, || {
            find(&Space::builtin(Equation::Clifford), 4, 6, 100_000)
        });
        assert_ne!(one.found[0].preset.params, other.found[0].preset.params);
    }

    #[test]
    fn progress_is_told_after_every_batch() {
        let mut seen = Vec::new();
        let o = find_with(&Space::builtin(Equation::Henon), 0, 1000, 700, |o| {
            seen.push((o.screened, o.found.len()))
        });
        // 700 candidates in batches of at most 1024: one call per batch, the last one the outcome.
        assert!(!seen.is_empty());
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
        assert_eq!(*seen.last().unwrap(), (o.screened, o.found.len()));
    }

    #[test]
    fn stops_at_tries() {
        let o = find(&Space::builtin(Equation::Henon), 0, 1000, 700);
        assert_eq!(o.tried, 700);
        let total: u64 = o.rejected.iter().map(|(_, n)| n).sum::<u64>() + o.found.len() as u64;
        assert_eq!(total, 700);
    }

    #[test]
    fn ranked_is_by_score() {
        let o = find(&Space::builtin(Equation::DeJong), 1, 5, 100_000);
        let r = o.ranked();
        for w in r.windows(2) {
            assert!(w[0].verdict.metrics.score() >= w[1].verdict.metrics.score());
        }
    }
}
