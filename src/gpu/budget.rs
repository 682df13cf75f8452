//! The exact point budget of a GPU dispatch under the sampling design ([`crate::sampling`]).

use crate::sampling::{OrbitPlan, OrbitRange};

/// How many points the invocations of a dispatch hold in all: invocation `i` runs orbits
/// `first + i`, `first + i + invocations`, ...; after cumulative per-invocation budgets of `s`
/// points, invocation `i` has spent `min(s, total_i)`. The totals take a handful of distinct
/// values, kept with their counts, so the points a batch spends are known exactly, in O(1).
#[derive(Clone, Debug)]
pub(super) struct Budget {
    /// (total points of an invocation, invocations with that total)
    totals: Vec<(u64, u64)>,
}

impl Budget {
    /// The budget of `range`'s orbits under `plan`, spent by `invocations` GPU threads.
    pub fn new(plan: &OrbitPlan, range: OrbitRange, invocations: u32) -> Budget {
        let inv = invocations as u64;
        let ids = range.end - range.start;
        let last = plan
            .orbits
            .checked_sub(1)
            .filter(|l| (range.start..range.end).contains(l));
        let mut totals: std::collections::BTreeMap<u64, u64> = Default::default();
        for i in 0..inv.min(ids) {
            let count = (ids - i - 1) / inv + 1;
            let mut total = count * plan.len;
            if let Some(l) = last
                && (l - range.start) % inv == i
            {
                total -= plan.len - plan.len_of(l);
            }
            *totals.entry(total).or_default() += 1;
        }
        Budget {
            totals: totals.into_iter().collect(),
        }
    }

    /// Points spent after a cumulative per-invocation budget of `s`.
    pub fn spent(&self, s: u64) -> u64 {
        self.totals.iter().map(|&(t, n)| t.min(s) * n).sum()
    }

    /// The smallest extra budget after `s` that spends at least `points` (or everything left).
    pub fn base_for(&self, s: u64, points: u64) -> u64 {
        let max = self.totals.last().map_or(0, |t| t.0).saturating_sub(s);
        let (mut lo, mut hi) = (0u64, max);
        let have = self.spent(s);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.spent(s + mid) - have >= points {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_counts_the_points_of_every_invocation() {
        for (iters, inv, range) in [
            (1_000_003u64, 64u32, None),
            (1, 64, None),
            (10_000_000, 4096, Some((100u64, 2000u64))),
            (4097, 4096, None),
        ] {
            let plan = OrbitPlan::new(iters);
            let r = range.map_or(OrbitRange::all(&plan), |(a, b)| OrbitRange {
                start: a,
                end: b,
            });
            let b = Budget::new(&plan, r, inv);
            let want = plan.points_in(r.start..r.end);
            assert_eq!(b.spent(u64::MAX), want, "{iters}");
            // Simulate: invocation i spends min(s, total_i); base_for reaches a target exactly
            // or by at most one step per invocation.
            let mut s = 0;
            let mut done = 0;
            while done < want {
                let base = b.base_for(s, 12_345).max(1);
                let got = b.spent(s + base) - b.spent(s);
                assert!(got >= 12_345.min(want - done) && got <= 12_345 + inv as u64 * 2);
                s += base;
                done += got;
            }
            assert_eq!(done, want);
        }
    }
}
