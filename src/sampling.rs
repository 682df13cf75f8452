//! The one sampling design of every sampled backend (CPU and GPU): orbit ids, their lengths, and
//! where each orbit starts.
//!
//! * **Orbit ids.** A job of N points is cut into [`OrbitPlan::orbits`] float32 orbits with global
//!   ids 0, 1, ...; orbit `i` counts [`OrbitPlan::len_of`]`(i)` points ([`ORBIT_LEN`], the last one
//!   fewer). So a range of ids is a well-defined share of the work ([`OrbitPlan::points_in`]):
//!   engines can render only the ids of a range ([`OrbitRange`]), and the histograms of disjoint
//!   ranges add up to the histogram of their union.
//! * **Start points from a seed pool.** Orbit `i` after `r` restarts (a restart follows a
//!   divergence) starts at a point of the [`SeedPool`], chosen and jittered by the hash of
//!   (key, i, r), and runs [`SeedPool::decorrelation`] uncounted steps (the transient) before it
//!   counts. The pool holds points already on the attractor, spread over all of it (gathered by
//!   pilot float64 orbits that skipped the job's `--skip` transient), so a short decorrelation
//!   replaces a long transient: 32 steps per 2048-point orbit, 1.5% of the map evaluations,
//!   where the earlier design spent 1000 (20%). With restarts this cheap the orbit length is
//!   chosen by the picture's agreement with the exact orbit, not by the transient's cost
//!   ([`ORBIT_LEN`]).
//!
//! Everything here is a pure function of the job: the same seed gives the same orbits on any
//! backend, thread count or split into batches. The GPU gets the pool as a buffer and evaluates
//! the same hash (`shaders/common.wgsl`, `pool_start`).

use crate::job::Job;
use crate::rng;
use std::ops::Range;

/// Points counted by one sampled orbit (float32 orbits fall into cycles, so long orbits would
/// only repeat themselves). Chosen by agreement with the exact orbit, the shortest power of two
/// whose transient (`DECORRELATION / (len + DECORRELATION)`) stays within 2%. Measured with the
/// seed pool (examples/calibrate_agreement.rs, `ATTRACTORS_TEST_ORBIT_LEN`), worst log-corr /
/// worst TVD over the dissipative presets, sampled vs exact:
///
/// | len   | 1e7, 256x256  | 3e7, 512x512  | 1e8, 256x256  |
/// |-------|---------------|---------------|---------------|
/// | 2^11  | 0.9740/0.0352 | 0.9601/0.0400 | 0.9759/0.0213 |
/// | 2^12  | 0.9681/0.0351 | 0.9409/0.0457 | 0.9637/0.0322 |
/// | 2^13  | 0.9544/0.0412 | 0.9189/0.0593 |               |
/// | 2^14  | 0.9392/0.0473 | 0.8994/0.0718 |               |
/// | 2^16  | 0.9113/0.1336 | 0.8771/0.2102 |               |
///
/// Agreement falls with the length for the maps whose float32 orbits cycle soonest (duffing,
/// worst at every length but 2^11 at 1e7, then henon, de_jong, tinkerbell); the others do not
/// move. At 2^11 and 1e7 points the worst (bedhead, 0.9740) is at the seed-vs-seed noise floor
/// (0.9749).
pub const ORBIT_LEN: u64 = 1 << 11;
/// The longest orbit of a plan: [`ORBIT_LEN`], or `ATTRACTORS_TEST_ORBIT_LEN` ([`crate::testing`]).
pub fn orbit_len() -> u64 {
    crate::testing::hooks().orbit_len.unwrap_or(ORBIT_LEN)
}

/// Uncounted steps a new orbit runs from its jittered pool point before it counts (at most
/// `--skip`). Chaotic maps separate nearby points by a factor e^lambda per step, so 32 steps take
/// a 1e-4 jitter to the size of the attractor while dissipation pulls the point back onto it.
pub const DECORRELATION: u64 = 32;
/// Pilot orbits that fill the pool, and points each contributes.
const POOL_ORBITS: u32 = 64;
const POOL_POINTS_PER_ORBIT: usize = 64;
/// Steps between two pool points of one pilot orbit.
const POOL_STRIDE: usize = 8;
/// The jitter around a pool point, as a fraction of the pool's extent in x and y.
const POOL_JITTER: f32 = 1e-4;

/// How a job's points are cut into orbits with global ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrbitPlan {
    /// Points of the whole job.
    pub iters: u64,
    /// Points of every orbit but the last.
    pub len: u64,
    /// Number of orbits (ids `0..orbits`).
    pub orbits: u64,
}

impl OrbitPlan {
    /// The plan of a job of `iters` points: orbits of [`orbit_len`] points, shorter ones for
    /// small jobs so at least 64 orbits share the work.
    pub fn new(iters: u64) -> OrbitPlan {
        let len = iters.div_ceil(64).clamp(1, orbit_len());
        OrbitPlan {
            iters,
            len,
            orbits: iters.div_ceil(len),
        }
    }

    /// Points orbit `id` counts (0 beyond the last orbit).
    #[inline]
    pub fn len_of(&self, id: u64) -> u64 {
        self.iters
            .saturating_sub(id.saturating_mul(self.len))
            .min(self.len)
    }

    /// Points counted by the orbits of `ids` (clamped to the job).
    pub fn points_in(&self, ids: Range<u64>) -> u64 {
        let end = ids.end.min(self.orbits);
        let start = ids.start.min(end);
        // Saturating: an open-ended job (u64::MAX points) has ids whose start overflows.
        end.saturating_mul(self.len).min(self.iters)
            - start.saturating_mul(self.len).min(self.iters)
    }

    /// The orbit ids that hold points `points` of the job (rounded out to whole orbits): shard
    /// `i` of `n` is `ids_of_points(iters*i/n .. iters*(i+1)/n)`.
    pub fn ids_of_points(&self, points: Range<u64>) -> OrbitRange {
        OrbitRange {
            start: points.start.div_ceil(self.len).min(self.orbits),
            end: points.end.div_ceil(self.len).min(self.orbits),
        }
    }
}

/// A range of orbit ids: the share of a job an engine renders (the whole job by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrbitRange {
    /// First orbit id of the range.
    pub start: u64,
    /// One past the last orbit id (`start <= end`).
    pub end: u64,
}

impl OrbitRange {
    /// Every orbit of `plan`.
    pub fn all(plan: &OrbitPlan) -> OrbitRange {
        OrbitRange {
            start: 0,
            end: plan.orbits,
        }
    }
}

/// Start points on the attractor for new orbits; see the module docs.
#[derive(Clone, Debug)]
pub struct SeedPool {
    points: Vec<[f32; 3]>,
    /// Jitter half-widths in x and y.
    jitter: [f32; 2],
    decorrelation: u64,
}

impl SeedPool {
    /// The pool of `job`: [`POOL_ORBITS`] float64 pilot orbits from near the preset's start,
    /// each skipping the job's transient (at most [`crate::pilot::PILOT_MAX_SKIP`]) and giving a
    /// point every [`POOL_STRIDE`] steps. Orbits that diverge give nothing; when all do, the pool
    /// is the preset's start with the old jitter and the full `--skip` as decorrelation, so such
    /// a job behaves as before (and its orbits diverge, which the tally shows).
    pub fn for_job(job: &Job) -> SeedPool {
        let preset = &job.preset;
        let k = preset.kernel_params();
        let mut user = preset.formula.as_ref().map(|m| m.eval_f64(&k));
        let eq = preset.equation;
        let mut step = |p: [f64; 3]| match &mut user {
            Some(e) => e.step(p),
            None => eq.step_f64(p, &k),
        };
        let key = job.key();
        let start = preset.start.map(|v| v as f32);
        let mut points = Vec::with_capacity(POOL_ORBITS as usize * POOL_POINTS_PER_ORBIT);
        'orbits: for orbit in 0..POOL_ORBITS {
            let mut p = rng::orbit_start(key ^ 0x5eed_9001, orbit, 0, start).map(f64::from);
            for _ in 0..job.skip.min(crate::pilot::PILOT_MAX_SKIP) {
                p = step(p);
            }
            let mut got = Vec::with_capacity(POOL_POINTS_PER_ORBIT);
            for _ in 0..POOL_POINTS_PER_ORBIT {
                for _ in 0..POOL_STRIDE {
                    p = step(p);
                }
                let q = p.map(|v| v as f32);
                if !q.iter().all(|v| v.is_finite()) || crate::histogram::diverged_f64(p[0], p[1]) {
                    continue 'orbits;
                }
                got.push(q);
            }
            points.extend(got);
        }
        if points.is_empty() {
            return SeedPool {
                points: vec![start],
                jitter: [rng::START_JITTER; 2],
                decorrelation: job.skip,
            };
        }
        let extent = |c: usize| {
            let (lo, hi) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
                (lo.min(p[c]), hi.max(p[c]))
            });
            ((hi - lo) * POOL_JITTER).max(f32::MIN_POSITIVE)
        };
        SeedPool {
            jitter: [extent(0), extent(1)],
            points,
            decorrelation: DECORRELATION.min(job.skip),
        }
    }

    /// The pool's points.
    pub fn points(&self) -> &[[f32; 3]] {
        &self.points
    }

    /// Jitter half-widths in x and y.
    pub fn jitter(&self) -> [f32; 2] {
        self.jitter
    }

    /// Uncounted steps of a new orbit.
    pub fn decorrelation(&self) -> u64 {
        self.decorrelation
    }

    /// Where orbit `id` starts after `restart` restarts (the hash uses the low 32 bits of the id,
    /// as the GPU does).
    #[inline]
    pub fn start(&self, key: u32, id: u64, restart: u32) -> [f32; 3] {
        pool_start(&self.points, self.jitter, key, id as u32, restart)
    }
}

/// The pool start rule, shared with `shaders/common.wgsl` (u32 hash, same float operations).
#[inline]
pub fn pool_start(
    pool: &[[f32; 3]],
    jitter: [f32; 2],
    key: u32,
    id: u32,
    restart: u32,
) -> [f32; 3] {
    let h = rng::hash3(key, id, restart);
    let p = pool[(h % pool.len() as u32) as usize];
    let h1 = rng::pcg(h);
    let h2 = rng::pcg(h1);
    [
        p[0] + jitter[0] * rng::signed_unit(h1),
        p[1] + jitter[1] * rng::signed_unit(h2),
        p[2],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Presets;

    #[test]
    fn an_open_ended_plan_counts_all_its_points() {
        let p = OrbitPlan::new(u64::MAX);
        assert_eq!(p.points_in(0..p.orbits), u64::MAX);
        assert_eq!(p.points_in(0..1), p.len);
    }

    #[test]
    fn id_ranges_are_shares_of_the_work() {
        for n in [1u64, 63, 64, 65, 1000, 123_456_789, 1 << 40] {
            let plan = OrbitPlan::new(n);
            assert!(plan.len <= orbit_len());
            assert_eq!(plan.points_in(0..plan.orbits), n);
            assert_eq!(
                (0..plan.orbits.min(5000))
                    .map(|i| plan.len_of(i))
                    .sum::<u64>(),
                plan.points_in(0..plan.orbits.min(5000))
            );
            let cut = plan.orbits / 3;
            assert_eq!(
                plan.points_in(0..cut) + plan.points_in(cut..u64::MAX),
                n,
                "n={n}"
            );
            // Shards by points: disjoint, covering, whole orbits.
            let mut covered = 0;
            let mut next = 0;
            for i in 0..7u64 {
                let r = plan.ids_of_points(n * i / 7..n * (i + 1) / 7);
                assert_eq!(r.start, next);
                next = r.end;
                covered += plan.points_in(r.start..r.end);
            }
            assert_eq!((next, covered), (plan.orbits, n));
        }
    }

    #[test]
    fn pool_is_on_the_attractor_and_starts_are_deterministic() {
        let presets = Presets::builtin();
        let job = Job::builder(presets.get("Clifford").unwrap().clone())
            .size(64, 64)
            .points(1000)
            .build()
            .unwrap();
        let pool = SeedPool::for_job(&job);
        assert_eq!(pool.points().len(), 64 * 64);
        assert_eq!(pool.decorrelation(), DECORRELATION);
        // Clifford's attractor lies in |x| <= 1 + |c|, |y| <= 1 + |d|.
        let k = job.preset.kernel_params();
        assert!(pool.points().iter().all(
            |p| p[0].abs() as f64 <= 1.0 + k[2].abs() && p[1].abs() as f64 <= 1.0 + k[3].abs()
        ));
        let a = pool.start(job.key(), 7, 0);
        assert_eq!(a, pool.start(job.key(), 7, 0));
        assert_ne!(a, pool.start(job.key(), 7, 1));
        assert_ne!(a, pool.start(job.key(), 8, 0));
    }

    #[test]
    fn all_divergent_pool_falls_back_to_the_start_and_the_full_skip() {
        let presets = Presets::builtin();
        let mut job = Job::builder(presets.get("Clifford").unwrap().clone())
            .size(64, 64)
            .points(1000)
            .build()
            .unwrap();
        job.preset.equation = crate::attractor::Equation::Henon;
        job.preset.params = vec![5.0, 0.3];
        let pool = SeedPool::for_job(&job);
        assert_eq!(pool.points().len(), 1);
        assert_eq!(pool.decorrelation(), job.skip);
    }
}
