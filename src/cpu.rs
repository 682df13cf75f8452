//! The CPU renderers: the float64 single-orbit reference (`--exact`) and the multi-threaded sampled
//! mode (default).
//!
//! * Exact: one orbit p0 = start, p1, ...; skip p0..p(S-1), count the next N points. Same float64
//!   operations in the same order as datashader's example (std sin/cos, no FMA), so with the same
//!   bounds the histogram equals datashader's `Canvas.points` aggregate bit for bit.
//! * Sampled: N points split into independent float32 orbits of at most [`MAX_ORBIT_LEN`] points
//!   (float32 orbits fall into cycles, so long orbits would only repeat themselves). Orbit `i`
//!   starts at [`crate::rng::orbit_start`]`(seed, i, restart)`, skips `S` transient points and
//!   counts its share. Orbits run [`LANES`] at a time in lock-step so the map vectorises; groups of
//!   lanes are spread over all cores by rayon and their private histograms summed. The partition
//!   into orbits depends only on N, so the same seed gives the same histogram on any thread count.
//!   A point that diverges costs one point (tallied as diverged) and restarts its orbit.

use crate::attractor::F32Kernel;
use crate::histogram::{Histogram, Tally};
use crate::job::{Control, DIVERGENCE_LIMIT, Job, Snapshot, diverged_f64};
use crate::rng;
use rayon::prelude::*;

/// Longest run of one float32 orbit before it is reseeded (CPU and GPU). Float32 orbits fall into
/// cycles, and thin attractors show it: against the exact orbit, duffing's TVD is 0.13 with orbits
/// of 2^16 points and 0.043 with 2^12 (examples/calibrate_agreement.rs). The transient skipped by
/// each new orbit runs vectorised; at 1000 points per 4096-point orbit it costs about 13% of the
/// CPU rate (criterion: 163 M points/s with 2^16-point orbits, 142 M with 2^12).
pub const MAX_ORBIT_LEN: u64 = 1 << 12;
/// Orbits advanced together in lock-step (one SIMD register of f32 on AVX2).
pub const LANES: usize = 8;
/// How often (in steps) a running orbit group checks for cancellation.
const CHECK_EVERY: u64 = 1 << 16;

/// Exact float64 single-orbit accumulation (`--exact`).
pub fn accumulate_exact(job: &Job, ctl: &Control) -> Histogram {
    let mut hist = job.empty_histogram();
    let binner = job.binner();
    let eq = job.preset.equation;
    let k = job.preset.kernel_params();
    // p is p_S, the first point counted (or, resuming, the next point of the stopped orbit).
    let p = match job.exact_state {
        Some(state) => state,
        None => (0..job.skip).fold(job.preset.start, |p, _| eq.step_f64(p, &k)),
    };
    let mut p = p;
    let mut t = Tally::default();
    let mut left = job.iters;
    while left > 0 {
        if ctl.is_cancelled() {
            // The checkpoint of a stopped exact render needs the orbit's next point.
            let mut snap = hist.clone();
            snap.tally = t;
            ctl.offer_snapshot(Snapshot {
                hist: snap,
                exact_state: Some(p),
            });
            break;
        }
        let chunk = left.min(CHECK_EVERY);
        for _ in 0..chunk {
            if diverged_f64(p[0], p[1]) {
                // A diverged float64 orbit cannot come back: the rest of it is lost.
                t.diverged += left;
                left = 0;
                break;
            }
            match binner.bin(p[0], p[1]) {
                Some(i) => {
                    hist.counts[i] += 1;
                    t.counted += 1;
                }
                None => t.outside += 1,
            }
            p = eq.step_f64(p, &k);
            left -= 1;
        }
        ctl.add_done(chunk);
        if ctl.snapshot_wanted() {
            let mut snap = hist.clone();
            snap.tally = t;
            ctl.offer_snapshot(Snapshot {
                hist: snap,
                exact_state: Some(p),
            });
        }
    }
    hist.tally = t;
    hist
}

/// How the sampled mode splits `iters` points into orbits: (orbit count, points per orbit).
/// At least 64 orbits where there are enough points, so every core gets work.
pub fn orbit_plan(iters: u64) -> (u64, u64) {
    let len = iters.div_ceil(64).clamp(1, MAX_ORBIT_LEN);
    (iters.div_ceil(len), len)
}

/// Points per chunk of the sampled mode: between chunks the private histograms are merged, so a
/// snapshot (checkpoint) can be taken and Ctrl-C returns promptly. Larger for large canvases, where
/// merging costs more.
fn chunk_points(bins: u64) -> u64 {
    (1u64 << 27).max(bins * 64)
}

/// Multi-threaded sampled accumulation (default CPU mode).
pub fn accumulate_sampled(job: &Job, ctl: &Control) -> Histogram {
    let (orbits, len) = orbit_plan(job.iters);
    let groups = orbits.div_ceil(LANES as u64);
    let per_chunk =
        (chunk_points(job.width as u64 * job.height as u64) / (LANES as u64 * len)).max(1);
    let empty = || job.empty_histogram();
    let mut total = empty();
    let mut first = 0;
    while first < groups && !ctl.is_cancelled() {
        let last = (first + per_chunk).min(groups);
        let chunk = (first..last)
            .into_par_iter()
            .fold(empty, |mut h, g| {
                if !ctl.is_cancelled() {
                    let lanes: [u64; LANES] = std::array::from_fn(|l| {
                        let orbit = g * LANES as u64 + l as u64;
                        job.iters.saturating_sub(orbit * len).min(len)
                    });
                    job.preset.equation.dispatch_f32(GroupKernel {
                        job,
                        ctl,
                        group: g,
                        lanes: &lanes,
                        hist: &mut h,
                    });
                }
                h
            })
            .reduce(empty, |mut a, b| {
                a.merge(&b);
                a
            });
        total.merge(&chunk);
        first = last;
        if ctl.snapshot_wanted() {
            ctl.offer_snapshot(Snapshot {
                hist: total.clone(),
                exact_state: None,
            });
        }
    }
    total
}

/// One group of [`LANES`] orbits, run with the equation's step inlined.
struct GroupKernel<'a> {
    job: &'a Job,
    ctl: &'a Control,
    group: u64,
    /// Points each lane must count (0 = lane unused).
    lanes: &'a [u64; LANES],
    hist: &'a mut Histogram,
}

impl F32Kernel for GroupKernel<'_> {
    type Output = ();

    fn run<S: Fn([f32; 3], &[f32; 7]) -> [f32; 3] + Copy>(self, step: S) -> Self::Output {
        let job = self.job;
        let k = job.preset.kernel_params().map(|v| v as f32);
        let start = job.preset.start.map(|v| v as f32);
        let key = job.key();
        let bin = job.binner().to_f32();
        let limit = DIVERGENCE_LIMIT as f32;
        let orbit_id = |l: usize| (self.group * LANES as u64 + l as u64) as u32;
        let counts = &mut self.hist.counts;

        let mut remaining = *self.lanes;
        let mut restarts = [0u32; LANES];
        let mut skip_left = [0u64; LANES];
        let mut t = Tally::default();
        let total: u64 = remaining.iter().sum();
        let mut reported = 0u64;
        let ctl = self.ctl;
        let report = |remaining: &[u64; LANES], reported: &mut u64| {
            let done = total - remaining.iter().sum::<u64>();
            ctl.add_done(done - *reported);
            *reported = done;
        };
        let mut pts: [[f32; 3]; LANES] =
            std::array::from_fn(|l| rng::orbit_start(key, orbit_id(l), 0, start));
        // Lanes are stepped from structure-of-arrays copies so LLVM vectorises across them.
        let step_all = |pts: &mut [[f32; 3]; LANES]| {
            let (mut xs, mut ys, mut zs) = ([0f32; LANES], [0f32; LANES], [0f32; LANES]);
            for l in 0..LANES {
                [xs[l], ys[l], zs[l]] = pts[l];
            }
            for l in 0..LANES {
                [xs[l], ys[l], zs[l]] = step([xs[l], ys[l], zs[l]], &k);
            }
            for l in 0..LANES {
                pts[l] = [xs[l], ys[l], zs[l]];
            }
        };
        // Transient: all lanes skip together.
        for _ in 0..job.skip {
            step_all(&mut pts);
        }

        while remaining.iter().any(|&r| r > 0) && !ctl.is_cancelled() {
            let uniform = remaining.iter().all(|&r| r > 0) && skip_left.iter().all(|&s| s == 0);
            let mut steps = 0u64;
            if uniform {
                // Fast path: every lane is counting. Binning is branch-free; a divergence ends
                // the block and is handled by the per-lane path below.
                let n = remaining
                    .iter()
                    .copied()
                    .min()
                    .unwrap_or(0)
                    .min(CHECK_EVERY);
                let mut inside_sum = 0u64;
                while steps < n {
                    step_all(&mut pts);
                    let bad = pts
                        .iter()
                        .any(|p| !(p[0].abs() <= limit && p[1].abs() <= limit));
                    if bad {
                        break;
                    }
                    steps += 1;
                    for p in &pts {
                        let (idx, inside) = bin.bin_branchless(p[0], p[1]);
                        counts[idx] += inside as u64;
                        inside_sum += inside as u64;
                    }
                }
                t.counted += inside_sum;
                t.outside += steps * LANES as u64 - inside_sum;
                remaining.iter_mut().for_each(|r| *r -= steps);
                if steps == n {
                    report(&remaining, &mut reported);
                    continue;
                }
            } else {
                step_all(&mut pts);
            }
            // Per-lane path for one step (already taken): divergence, transients, finished lanes.
            for l in 0..LANES {
                if remaining[l] == 0 {
                    continue;
                }
                let [x, y, _] = pts[l];
                if !(x.abs() <= limit && y.abs() <= limit) {
                    t.diverged += 1;
                    remaining[l] -= 1;
                    restarts[l] += 1;
                    pts[l] = rng::orbit_start(key, orbit_id(l), restarts[l], start);
                    skip_left[l] = job.skip;
                } else if skip_left[l] > 0 {
                    skip_left[l] -= 1;
                } else {
                    remaining[l] -= 1;
                    match bin.bin(x, y) {
                        Some(i) => {
                            counts[i] += 1;
                            t.counted += 1;
                        }
                        None => t.outside += 1,
                    }
                }
            }
            report(&remaining, &mut reported);
        }
        self.hist.tally.add(&t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::{Equation, Preset};
    use crate::histogram::Bounds;

    fn job(iters: u64) -> Job {
        Job {
            preset: Preset {
                name: "t".into(),
                equation: Equation::Clifford,
                start: [0.0; 3],
                params: vec![-1.3, -1.3, -1.8, -1.9],
                palette: None,
                line: 0,
            },
            width: 64,
            height: 48,
            bounds: Bounds::new(-3.0, 3.0, -3.0, 3.0).unwrap(),
            iters,
            skip: 100,
            seed: 7,
            segment: 0,
            exact_state: None,
        }
    }

    #[test]
    fn orbit_plan_covers_the_points() {
        for n in [1u64, 63, 64, 65, 1000, 123_456_789, 1 << 40] {
            let (orbits, len) = orbit_plan(n);
            assert!(orbits * len >= n && (orbits - 1) * len < n, "n={n}");
            assert!(len <= MAX_ORBIT_LEN);
        }
    }

    #[test]
    fn tallies_add_up_in_both_modes() {
        for n in [1u64, 7, 1000, 100_003] {
            let j = job(n);
            let h = accumulate_sampled(&j, &Control::new());
            assert_eq!(h.tally.total(), n);
            assert_eq!(h.sum(), h.tally.counted);
            let e = accumulate_exact(&j, &Control::new());
            assert_eq!(e.tally.total(), n);
            assert_eq!(e.sum(), e.tally.counted);
        }
    }

    #[test]
    fn same_seed_same_histogram_on_any_thread_count() {
        let j = job(300_000);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let a = one.install(|| accumulate_sampled(&j, &Control::new()));
        let b = three.install(|| accumulate_sampled(&j, &Control::new()));
        assert_eq!(a, b);
        let mut j2 = j.clone();
        j2.seed = 8;
        assert_ne!(a.counts, accumulate_sampled(&j2, &Control::new()).counts);
    }

    #[test]
    fn diverging_orbits_are_tallied_and_restarted() {
        let mut j = job(10_000);
        j.preset.equation = Equation::Henon;
        j.preset.params = vec![3.0, 0.3]; // escapes to infinity from everywhere near 0
        j.skip = 5;
        let h = accumulate_sampled(&j, &Control::new());
        assert_eq!(h.tally.total(), 10_000);
        assert!(h.tally.diverged > 0);
        let e = accumulate_exact(&j, &Control::new());
        assert_eq!(e.tally.total(), 10_000);
        assert!(e.tally.diverged > 0);
    }

    #[test]
    fn cancelled_run_returns_a_consistent_partial_histogram() {
        let j = job(50_000_000);
        let ctl = Control::new();
        ctl.cancel();
        let h = accumulate_sampled(&j, &ctl);
        assert!(h.tally.total() < j.iters);
        assert_eq!(h.sum(), h.tally.counted);
    }
}
