//! The multi-threaded sampled mode (default CPU engine).
//!
//! N points are split into independent float32 orbits of at most [`MAX_ORBIT_LEN`] points
//! (float32 orbits fall into cycles, so long orbits would only repeat themselves). Orbit `i`
//! starts at [`crate::rng::orbit_start`]`(seed, i, restart)`, skips `S` transient points and counts
//! its share. Orbits run [`LANES`] at a time in lock-step so the map vectorises; groups of lanes are
//! spread over all cores by rayon into per-thread histograms that are summed when read. The
//! partition into orbits depends only on N, so the same seed gives the same histogram on any thread
//! count. A point that diverges costs one point (tallied as diverged) and restarts its orbit.

use super::scatter::{Canvas, Scatter};
use crate::attractor::F32Kernel;
use crate::engine::{Control, Engine, EngineError};
use crate::histogram::{Histogram, Tally};
use crate::job::{DIVERGENCE_LIMIT, Job};
use crate::rng;
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// How the sampled mode splits `iters` points into orbits: (orbit count, points per orbit).
/// At least 64 orbits where there are enough points, so every core gets work.
pub fn orbit_plan(iters: u64) -> (u64, u64) {
    let len = iters.div_ceil(64).clamp(1, MAX_ORBIT_LEN);
    (iters.div_ceil(len), len)
}

/// The sampled engine: orbit groups are handed out in id order, each group's counts go to the
/// private histogram of the thread that ran it, and the histograms are summed when read. Counts
/// are integers, so the sum does not depend on which thread ran which group: the same seed gives
/// the same histogram on any thread count and for any split into batches.
pub struct SampledEngine {
    job: Job,
    /// Points per orbit.
    len: u64,
    /// Orbit groups of the whole job, and the next one to run.
    groups: u64,
    next_group: u64,
    /// The shared counts (made on first use).
    canvas: Option<Canvas>,
    /// One scatter buffer and tally per worker thread (made on first use).
    slots: Vec<Mutex<Slot>>,
}

/// A worker thread's pending hits and its tally.
struct Slot {
    scatter: Scatter,
    tally: Tally,
}

impl SampledEngine {
    /// The engine for `job` (no memory is taken until the first batch).
    pub fn new(job: &Job) -> SampledEngine {
        let (orbits, len) = orbit_plan(job.iters);
        SampledEngine {
            job: job.clone(),
            len,
            groups: orbits.div_ceil(LANES as u64),
            next_group: 0,
            canvas: None,
            slots: Vec::new(),
        }
    }

    /// Points the lanes of group `g` count (0 = lane unused).
    fn lanes(&self, g: u64) -> [u64; LANES] {
        std::array::from_fn(|l| {
            let orbit = g * LANES as u64 + l as u64;
            self.job
                .iters
                .saturating_sub(orbit.saturating_mul(self.len))
                .min(self.len)
        })
    }
}

impl Engine for SampledEngine {
    fn describe(&self) -> String {
        format!("CPU sampled ({} threads)", rayon::current_num_threads())
    }

    fn advance(&mut self, points: u64, ctl: &Control) -> Result<u64, EngineError> {
        if self.slots.is_empty() {
            let threads = rayon::current_num_threads().max(1);
            let canvas = Canvas::new(self.job.width as usize * self.job.height as usize);
            self.slots = (0..threads)
                .map(|_| {
                    Mutex::new(Slot {
                        scatter: Scatter::new(&canvas),
                        tally: Tally::default(),
                    })
                })
                .collect();
            self.canvas = Some(canvas);
        }
        let canvas = self.canvas.as_ref().expect("made above");
        let per_group = LANES as u64 * self.len;
        let first = self.next_group;
        let last = (first + points.div_ceil(per_group)).min(self.groups);
        let done = AtomicU64::new(0);
        let slots = &self.slots;
        let this = &*self;
        (first..last).into_par_iter().for_each(|g| {
            if ctl.is_cancelled() {
                return;
            }
            let slot = rayon::current_thread_index().unwrap_or(0) % slots.len();
            let mut guard = slots[slot].lock().unwrap_or_else(|p| p.into_inner());
            let Slot { scatter, tally } = &mut *guard;
            let lanes = this.lanes(g);
            let kernel = GroupKernel {
                job: &this.job,
                ctl,
                group: g,
                lanes: &lanes,
                canvas,
                scatter,
                tally,
            };
            let n = match &this.job.preset.formula {
                Some(m) => {
                    let k = this.job.preset.kernel_params().map(|v| v as f32);
                    let mut eval = m.eval_f32::<LANES>(&k);
                    kernel.run_lanes(|pts: &mut [[f32; 3]; LANES]| {
                        let (mut xs, mut ys, mut zs) =
                            ([0f32; LANES], [0f32; LANES], [0f32; LANES]);
                        for l in 0..LANES {
                            [xs[l], ys[l], zs[l]] = pts[l];
                        }
                        eval.step(&mut xs, &mut ys, &mut zs);
                        for l in 0..LANES {
                            pts[l] = [xs[l], ys[l], zs[l]];
                        }
                    })
                }
                None => this.job.preset.equation.dispatch_f32(kernel),
            };
            done.fetch_add(n, Ordering::Relaxed);
        });
        self.next_group = last;
        Ok(done.into_inner())
    }

    fn histogram(&mut self) -> Result<Histogram, EngineError> {
        let mut total = self.job.empty_histogram();
        let Some(canvas) = &self.canvas else {
            return Ok(total);
        };
        for s in &self.slots {
            let mut s = s.lock().unwrap_or_else(|p| p.into_inner());
            s.scatter.flush(canvas);
            total.tally.add(&s.tally);
        }
        canvas.read_into(&mut total);
        Ok(total)
    }
}

/// One group of [`LANES`] orbits, run with the equation's step inlined.
struct GroupKernel<'a> {
    job: &'a Job,
    ctl: &'a Control,
    group: u64,
    /// Points each lane must count (0 = lane unused).
    lanes: &'a [u64; LANES],
    canvas: &'a Canvas,
    scatter: &'a mut Scatter,
    tally: &'a mut Tally,
}

impl F32Kernel for GroupKernel<'_> {
    /// Points done (all the lanes' points unless cancelled).
    type Output = u64;

    fn run<S: Fn([f32; 3], &[f32; 7]) -> [f32; 3] + Copy>(self, step: S) -> Self::Output {
        let k = self.job.preset.kernel_params().map(|v| v as f32);
        // Lanes are stepped from structure-of-arrays copies so LLVM vectorises across them.
        self.run_lanes(|pts: &mut [[f32; 3]; LANES]| {
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
        })
    }
}

impl GroupKernel<'_> {
    /// Runs the group's lanes with `step_all` advancing every lane by one step.
    #[inline(always)]
    fn run_lanes<F: FnMut(&mut [[f32; 3]; LANES])>(self, mut step_all: F) -> u64 {
        let job = self.job;
        let start = job.preset.start.map(|v| v as f32);
        let key = job.key();
        let bin = job.binner().to_f32();
        let limit = DIVERGENCE_LIMIT as f32;
        let orbit_id = |l: usize| (self.group * LANES as u64 + l as u64) as u32;
        let (canvas, scatter) = (self.canvas, self.scatter);

        let mut remaining = *self.lanes;
        let mut restarts = [0u32; LANES];
        let mut skip_left = [0u64; LANES];
        let mut t = Tally::default();
        let total: u64 = remaining.iter().sum();
        let ctl = self.ctl;
        let mut pts: [[f32; 3]; LANES] =
            std::array::from_fn(|l| rng::orbit_start(key, orbit_id(l), 0, start));
        // Transient: all lanes skip together (cancellable).
        let mut skipped = 0;
        while skipped < job.skip && !ctl.is_cancelled() {
            let n = (job.skip - skipped).min(CHECK_EVERY);
            for _ in 0..n {
                step_all(&mut pts);
            }
            skipped += n;
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
                        scatter.push(canvas, idx, inside != 0);
                        inside_sum += inside as u64;
                    }
                }
                t.counted += inside_sum;
                t.outside += steps * LANES as u64 - inside_sum;
                remaining.iter_mut().for_each(|r| *r -= steps);
                if steps == n {
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
                            scatter.push(canvas, i, true);
                            t.counted += 1;
                        }
                        None => t.outside += 1,
                    }
                }
            }
        }
        self.tally.add(&t);
        total - remaining.iter().sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::{Equation, Preset};
    use crate::cpu::{render_exact, render_sampled};
    use crate::histogram::Bounds;

    fn job(iters: u64) -> Job {
        Job {
            preset: Preset {
                formula: None,
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
            exact: false,
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
            let h = render_sampled(&j, &Control::new());
            assert_eq!(h.tally.total(), n);
            assert_eq!(h.sum(), h.tally.counted);
            let e = render_exact(&j, &Control::new());
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
        let a = one.install(|| render_sampled(&j, &Control::new()));
        let b = three.install(|| render_sampled(&j, &Control::new()));
        assert_eq!(a, b);
        let mut j2 = j.clone();
        j2.seed = 8;
        assert_ne!(a.counts, render_sampled(&j2, &Control::new()).counts);
    }

    #[test]
    fn diverging_orbits_are_tallied_and_restarted() {
        let mut j = job(10_000);
        j.preset.equation = Equation::Henon;
        j.preset.params = vec![3.0, 0.3]; // escapes to infinity from everywhere near 0
        j.skip = 5;
        let h = render_sampled(&j, &Control::new());
        assert_eq!(h.tally.total(), 10_000);
        assert!(h.tally.diverged > 0);
        let e = render_exact(&j, &Control::new());
        assert_eq!(e.tally.total(), 10_000);
        assert!(e.tally.diverged > 0);
    }

    #[test]
    fn cancelled_before_start_does_no_work() {
        let j = job(50_000_000);
        let ctl = Control::new();
        ctl.cancel();
        let h = render_sampled(&j, &ctl);
        assert_eq!(h.tally.total(), 0);
        assert_eq!(ctl.done(), 0);
        let e = render_exact(&j, &ctl);
        assert_eq!(e.tally.total(), 0);
    }

    #[test]
    fn batches_add_up_to_the_one_shot_render() {
        // The same job run in uneven batches gives the same histogram as in one go.
        let j = job(1_000_003);
        let mut e = SampledEngine::new(&j);
        let ctl = Control::new();
        let mut done = 0;
        for n in [1u64, 70_000, 3, 500_000, u64::MAX] {
            done += e.advance(n, &ctl).unwrap();
        }
        assert_eq!(done, j.iters);
        let h = e.histogram().unwrap();
        assert_eq!(h, render_sampled(&j, &Control::new()));
        assert_eq!(h.sum(), h.tally.counted);
        assert_eq!(e.advance(1000, &ctl).unwrap(), 0, "no work beyond the job");
    }
}
