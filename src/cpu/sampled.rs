//! The multi-threaded sampled mode (default CPU engine).
//!
//! The job's points are cut into float32 orbits with global ids ([`crate::sampling`]: the one
//! sampling design of every backend); orbits start from the job's seed pool. Groups of
//! consecutive ids run as the lanes of the vectorised kernel ([`super::kernel`]) and are spread
//! over all cores by rayon; each thread scatters its hits into the one shared canvas through its
//! own buffers ([`super::scatter`]). An orbit's points depend only on its id and the counts are
//! integers, so the same seed gives the same histogram on any thread count, instruction set and
//! split into batches, and the histograms of disjoint id ranges
//! ([`SampledEngine::for_range`]) add up to the whole job's.

use super::canvas::Canvas;
use super::kernel::{Group, Isa};
use super::scatter::{Scatter, drain_into};
use crate::engine::{Control, Engine, EngineError};
use crate::histogram::{Histogram, Tally};
use crate::job::Job;
use crate::sampling::{OrbitPlan, OrbitRange, SeedPool};
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::sampling::ORBIT_LEN as MAX_ORBIT_LEN;

/// How the sampled mode splits `iters` points into orbits: (orbit count, points per orbit).
pub fn orbit_plan(iters: u64) -> (u64, u64) {
    let p = OrbitPlan::new(iters);
    (p.orbits, p.len)
}

/// The sampled engine: groups of orbits are handed out in id order; every thread has its own
/// scatter buffers and tally; the canvas is shared.
pub struct SampledEngine {
    job: Job,
    plan: OrbitPlan,
    range: OrbitRange,
    pool: SeedPool,
    isa: Isa,
    /// Groups of the range, and the next one to run.
    groups: u64,
    next_group: u64,
    /// The shared counts (made on first use).
    canvas: Option<Canvas>,
    /// One scatter buffer and tally per worker thread (made on first use).
    slots: Vec<Mutex<Slot>>,
}

/// A worker thread's pending hits, its tally and its uncounted transient steps.
struct Slot {
    scatter: Scatter,
    tally: Tally,
    transient: u64,
}

impl SampledEngine {
    /// The engine for the whole of `job` (no canvas memory is taken until the first batch).
    pub fn new(job: &Job) -> SampledEngine {
        SampledEngine::for_range(job, OrbitRange::all(&OrbitPlan::new(job.iters)))
    }

    /// The engine for the orbits of `range` only (ids of [`OrbitPlan::new`]`(job.iters)`): it
    /// does [`OrbitPlan::points_in`] points, and the histograms of disjoint ranges add up to
    /// the whole job's, bit for bit.
    pub fn for_range(job: &Job, range: OrbitRange) -> SampledEngine {
        let plan = OrbitPlan::new(job.iters);
        let range = OrbitRange {
            start: range.start.min(plan.orbits),
            end: range.end.min(plan.orbits),
        };
        let range = OrbitRange {
            start: range.start,
            end: range.end.max(range.start),
        };
        let isa = Isa::detect();
        SampledEngine {
            pool: SeedPool::for_job(job),
            job: job.clone(),
            plan,
            range,
            isa,
            groups: (range.end - range.start).div_ceil(isa.lanes() as u64),
            next_group: 0,
            canvas: None,
            slots: Vec::new(),
        }
    }

    /// Points this engine does in all (its range's share of the job).
    pub fn points(&self) -> u64 {
        self.plan.points_in(self.range.start..self.range.end)
    }
}

impl Engine for SampledEngine {
    fn describe(&self) -> String {
        format!(
            "CPU sampled ({} threads, {} kernel)",
            rayon::current_num_threads(),
            self.isa.describe()
        )
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
                        transient: 0,
                    })
                })
                .collect();
            self.canvas = Some(canvas);
        }
        let canvas = self.canvas.as_ref().expect("made above");
        let lanes = self.isa.lanes() as u64;
        let per_group = lanes * self.plan.len;
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
            let Slot {
                scatter,
                tally,
                transient,
            } = &mut *guard;
            let first_id = this.range.start + g * lanes;
            let group = Group {
                job: &this.job,
                plan: &this.plan,
                pool: &this.pool,
                ctl,
                first: first_id,
                count: (this.range.end - first_id).min(lanes) as usize,
                canvas,
                scatter,
                tally,
            };
            let d = group.run(this.isa);
            // Another thread may read these buffers once the slot is released.
            scatter.fence();
            *transient += d.transient;
            done.fetch_add(d.points, Ordering::Relaxed);
        });
        self.next_group = last;
        Ok(done.into_inner())
    }

    fn histogram(&mut self) -> Result<Histogram, EngineError> {
        let mut total = self.job.empty_histogram();
        let Some(canvas) = &self.canvas else {
            return Ok(total);
        };
        let mut slots: Vec<_> = self
            .slots
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()))
            .collect();
        for s in &slots {
            total.tally.add(&s.tally);
        }
        let mut scatters: Vec<&mut Scatter> = slots.iter_mut().map(|s| &mut s.scatter).collect();
        drain_into(canvas, &mut scatters, &mut total);
        Ok(total)
    }

    fn transient_steps(&self) -> u64 {
        self.slots
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).transient)
            .sum()
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
                shade: None,
                background: None,
                bounds: None,
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
            assert!(len <= crate::sampling::orbit_len());
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
    fn id_ranges_add_up_to_the_whole_render() {
        let j = job(1_000_003);
        let whole = render_sampled(&j, &Control::new());
        let plan = OrbitPlan::new(j.iters);
        let mut sum = j.empty_histogram();
        let mut points = 0;
        for i in 0..3 {
            let r = plan.ids_of_points(j.iters * i / 3..j.iters * (i + 1) / 3);
            let mut e = SampledEngine::for_range(&j, r);
            let n = e.points();
            points += n;
            let d = crate::engine::drive(&mut e, n, &Control::new(), None).unwrap();
            sum.merge(&d.hist);
        }
        assert_eq!(points, j.iters);
        assert_eq!(sum, whole);
    }

    #[test]
    fn every_kernel_gives_the_same_histogram() {
        // Lane i of every kernel is the scalar f32 orbit of its id: the baseline 8-lane kernel and
        // the widest one this CPU runs (AVX2 x16 or AVX-512 x32) agree bit for bit, divergence
        // and restarts included.
        for (eq, params) in [
            (Equation::Clifford, vec![-1.3, -1.3, -1.8, -1.9]),
            (Equation::Henon, vec![1.4, 0.3]),
            (Equation::Henon, vec![3.0, 0.3]), // diverges: restarts all the time
            (Equation::Clifford, vec![1.0e8, -1.3, -1.8, -1.9]), // sin/cos beyond the f32 range
        ] {
            let mut j = job(500_003);
            j.preset.equation = eq;
            j.preset.params = params;
            let mut hists = Vec::new();
            for isa in [Isa::Portable, Isa::detect()] {
                let mut e = SampledEngine::new(&j);
                e.isa = isa;
                e.groups = (e.range.end - e.range.start).div_ceil(isa.lanes() as u64);
                assert_eq!(e.advance(u64::MAX, &Control::new()).unwrap(), j.iters);
                hists.push(e.histogram().unwrap());
            }
            assert_eq!(hists[0], hists[1], "{}", eq.name());
        }
    }

    #[test]
    fn sin_cos_arguments_of_any_size_are_reduced_not_taken_for_divergence() {
        // Clifford stays within |x| <= 1 + |c|, |y| <= 1 + |d| whatever a and b are; a = 1e8
        // gives sin/cos arguments far beyond the vector reduction's range. Built-in map and the
        // same map typed as a formula: every point counted, none lost.
        let mut j = job(200_000);
        j.preset.params = vec![1.0e8, -1.3, -1.8, -1.9];
        let builtin = render_sampled(&j, &Control::new());
        let text = "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)";
        j.preset.formula = Some(std::sync::Arc::new(
            crate::attractor::user::UserMap::parse(text).unwrap(),
        ));
        let typed = render_sampled(&j, &Control::new());
        for (what, h) in [("built-in", &builtin), ("formula", &typed)] {
            assert_eq!(
                (h.tally.diverged, h.tally.outside),
                (0, 0),
                "{what}: {:?}",
                h.tally
            );
            assert_eq!(h.tally.counted, j.iters);
        }
        // The two evaluate the same f32 operations.
        assert_eq!(builtin.counts, typed.counts);
    }

    #[test]
    fn transient_is_counted_and_small() {
        let j = job(10_000_000);
        let mut e = SampledEngine::new(&j);
        let ctl = Control::new();
        assert_eq!(e.advance(u64::MAX, &ctl).unwrap(), j.iters);
        let t = e.transient_steps();
        // 32 decorrelation steps per 2048-point orbit: 1.54% of the evaluations.
        let share = t as f64 / (t + j.iters) as f64;
        assert!(t > 0 && share <= 0.02, "transient share {share}");
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
