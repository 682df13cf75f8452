//! The vectorised orbit kernel of the sampled mode: one group of up to N orbits (consecutive ids)
//! advanced in lock-step as [`V`]`<N>` lanes, with the map inlined, binned with datashader's rule
//! in f32 and scattered through the thread's [`Scatter`].
//!
//! The same generic code is compiled three times and chosen at run time ([`Isa::detect`]): with
//! AVX-512 (32 lanes), with AVX2 (16 lanes), and for the baseline target (8 lanes: SSE2 on
//! x86-64, NEON on aarch64, scalar elsewhere). A group is two registers wide on AVX2 and AVX-512:
//! one step of an orbit depends on the last, so two independent chains of vector instructions
//! keep the core busy while each waits on its own latency (on AVX2, 16 lanes ran 1.5-1.7x the
//! rate of 8; 32 lanes spill registers and ran slower). No lane ever reads another lane, and every lane
//! operation is the scalar f32 operation (no FMA), so an orbit's points depend only on its id:
//! the histogram is the same on every instruction set, group width and thread count.
//!
//! Per lane: a new orbit starts at its [`SeedPool`] point and runs the pool's decorrelation steps
//! uncounted (tallied as transient); then it counts its points. A point that diverges costs one
//! point (tallied as diverged) and restarts the orbit from the pool.

// Indexed loops over the lanes are the form LLVM's vectoriser handles best.
#![allow(clippy::needless_range_loop)]

use super::canvas::Canvas;
use super::scatter::Scatter;
use crate::attractor::Equation;
use crate::attractor::simd::{LanesKernel, V};
use crate::engine::Control;
use crate::histogram::{Binner32, DIVERGENCE_LIMIT, Tally};
use crate::job::Job;
use crate::sampling::{OrbitPlan, SeedPool};

/// How often (in steps) a running orbit group checks for cancellation.
const CHECK_EVERY: u64 = 1 << 16;
/// Environment variable that forces a kernel (`avx512`, `avx2`, `portable`) for comparisons; an
/// instruction set the CPU lacks is never used.
pub const ISA_ENV: &str = "ATTRACTORS_CPU_KERNEL";

/// Which compiled kernel runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub enum Isa {
    /// x86-64 with AVX-512F: 32 lanes (two registers).
    Avx512,
    /// x86-64 with AVX2 and FMA: 16 lanes (two registers).
    Avx2,
    /// The compilation target's baseline: 8 lanes.
    Portable,
}

impl Isa {
    /// The widest kernel this CPU runs (or the one [`ISA_ENV`] asks for, if the CPU has it).
    pub fn detect() -> Isa {
        let best = Isa::best();
        match std::env::var(ISA_ENV).ok().as_deref() {
            Some("portable") => Isa::Portable,
            Some("avx2") if best != Isa::Portable => Isa::Avx2,
            _ => best,
        }
    }

    fn best() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }

    /// Orbits per group.
    pub fn lanes(self) -> usize {
        match self {
            Isa::Avx512 => 32,
            Isa::Avx2 => 16,
            Isa::Portable => 8,
        }
    }

    /// For messages: `avx2 x16`.
    pub fn describe(self) -> String {
        let name = match self {
            Isa::Avx512 => "avx512",
            Isa::Avx2 => "avx2",
            Isa::Portable => std::env::consts::ARCH,
        };
        format!("{name} x{}", self.lanes())
    }
}

/// What a group reports: points spent (counted, outside or diverged) and uncounted transient steps.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupDone {
    /// Points spent: counted, outside or diverged (the job's budget).
    pub points: u64,
    /// Map evaluations spent on uncounted decorrelation steps.
    pub transient: u64,
}

/// One group of orbits `first..first + count` and where its results go.
pub struct Group<'a> {
    /// The job (map, parameters, binning).
    pub job: &'a Job,
    /// How many points each orbit id spends.
    pub plan: &'a OrbitPlan,
    /// Start points of every orbit and restart.
    pub pool: &'a SeedPool,
    /// Cancellation.
    pub ctl: &'a Control,
    /// The first orbit id of the group.
    pub first: u64,
    /// Orbits in the group (at most the kernel's lanes).
    pub count: usize,
    /// The shared counts the group's points land in.
    pub canvas: &'a Canvas,
    /// The thread's scatter buffer in front of `canvas`.
    pub scatter: &'a mut Scatter,
    /// The thread's tally, added to when the group ends.
    pub tally: &'a mut Tally,
}

impl Group<'_> {
    /// Runs the group with the kernel of `isa` (`count` must be at most `isa.lanes()`).
    pub fn run(self, isa: Isa) -> GroupDone {
        assert!(self.count <= isa.lanes());
        match isa {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Isa::detect` returns Avx512 / Avx2 only when the CPU has those features.
            Isa::Avx512 => unsafe { run_avx512(self) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            Isa::Avx2 => unsafe { run_avx2(self) },
            _ => self.dispatch::<8>(),
        }
    }

    /// The map's N-lane step (built-in or user formula) inlined into the loop.
    #[inline(always)]
    fn dispatch<const N: usize>(self) -> GroupDone {
        match &self.job.preset.formula {
            Some(m) => {
                let k = self.job.preset.kernel_params().map(|v| v as f32);
                let mut eval = m.eval_f32::<N>(&k);
                // The evaluator reduces any sin/cos argument itself: a lane it cannot finish
                // has truly diverged, so there is nothing to redo.
                self.run_lanes::<N>(
                    #[inline(always)]
                    |p: [V<N>; 3]| {
                        let [mut x, mut y, mut z] = p.map(|v| v.0);
                        eval.step(&mut x, &mut y, &mut z);
                        [V(x), V(y), V(z)]
                    },
                    |_| None,
                )
            }
            None => self.job.preset.equation.dispatch_lanes::<N, _>(self),
        }
    }

    /// Runs the group's orbits with `step`, the N-lane step. A lane whose step comes out NaN
    /// or beyond the divergence limit is first redone from its previous point with `redo`, the
    /// scalar f32 step (`None`: nothing to redo), as the vector step gives NaN for a sin/cos
    /// argument beyond its f32 reduction's range where the scalar step reduces it in f64.
    #[inline(always)]
    fn run_lanes<const N: usize>(
        self,
        mut step: impl FnMut([V<N>; 3]) -> [V<N>; 3],
        redo: impl Fn([f32; 3]) -> Option<[f32; 3]>,
    ) -> GroupDone {
        let bin = self.job.binner().to_f32();
        let (canvas, scatter, ctl) = (self.canvas, self.scatter, self.ctl);
        let orbits = Orbits {
            key: self.job.key(),
            pool: self.pool,
            first: self.first,
            decorrelation: self.pool.decorrelation(),
        };
        let mut s = Lanes::<N>::start(&orbits, self.plan, self.count);
        let total: u64 = s.remaining.iter().sum();
        while s.remaining.iter().any(|&r| r > 0) && !ctl.is_cancelled() {
            let uniform = s.remaining.iter().all(|&r| r > 0) && s.decor.iter().all(|&d| d == 0);
            if uniform {
                if s.uniform_block(&mut step, &bin, canvas, scatter) {
                    continue;
                }
            } else {
                s.prev = s.p;
                s.p = step(s.p);
            }
            s.settle_step(&orbits, &redo, &bin, canvas, scatter);
        }
        self.tally.add(&s.t);
        GroupDone {
            points: total - s.remaining.iter().sum::<u64>(),
            transient: s.transient,
        }
    }
}

/// Where a group's orbits start and restart: the seed pool, the job's key and the first id.
struct Orbits<'a> {
    key: u32,
    pool: &'a SeedPool,
    first: u64,
    decorrelation: u64,
}

impl Orbits<'_> {
    /// The start point of lane `l`'s orbit after `restarts` divergences.
    #[inline(always)]
    fn start(&self, l: usize, restarts: u32) -> [f32; 3] {
        self.pool.start(self.key, self.first + l as u64, restarts)
    }
}

/// The state of N lanes: each lane's points left to spend, restarts and decorrelation steps left,
/// its current and previous point, and the group's tallies so far.
struct Lanes<const N: usize> {
    remaining: [u64; N],
    restarts: [u32; N],
    decor: [u64; N],
    p: [V<N>; 3],
    prev: [V<N>; 3],
    t: Tally,
    transient: u64,
}

/// True when a lane of `p` is out of the divergence bounds (or has a NaN z).
#[inline(always)]
fn any_lane_out<const N: usize>(p: &[V<N>; 3], limit: f32) -> bool {
    let mut bad = 0u32;
    for l in 0..N {
        bad +=
            !(p[0].0[l].abs() <= limit && p[1].0[l].abs() <= limit && !p[2].0[l].is_nan()) as u32;
    }
    bad > 0
}

impl<const N: usize> Lanes<N> {
    /// Every lane at its first start point, with its share of the plan (lanes past `count`: none).
    #[inline(always)]
    fn start(orbits: &Orbits, plan: &OrbitPlan, count: usize) -> Self {
        let remaining: [u64; N] = std::array::from_fn(|l| {
            if l < count {
                plan.len_of(orbits.first + l as u64)
            } else {
                0
            }
        });
        let mut p = [V([0.0; N]); 3];
        for l in 0..N {
            let s = orbits.start(l, 0);
            for c in 0..3 {
                p[c].0[l] = s[c];
            }
        }
        Lanes {
            remaining,
            restarts: [0; N],
            decor: [orbits.decorrelation; N],
            p,
            prev: p,
            t: Tally::default(),
            transient: 0,
        }
    }

    /// Fast path, while every lane counts: steps all lanes up to the shortest lane's remaining
    /// points (at most [`CHECK_EVERY`]), binning branch-free. Returns true when the block ran to
    /// its end; false when a lane diverged, with that step taken and left for [`Self::settle_step`].
    #[inline(always)]
    fn uniform_block(
        &mut self,
        step: &mut impl FnMut([V<N>; 3]) -> [V<N>; 3],
        bin: &Binner32,
        canvas: &Canvas,
        scatter: &mut Scatter,
    ) -> bool {
        let limit = DIVERGENCE_LIMIT as f32;
        let n = self
            .remaining
            .iter()
            .copied()
            .min()
            .unwrap_or(0)
            .min(CHECK_EVERY);
        let (mut steps, mut inside_sum) = (0u64, 0u64);
        while steps < n {
            self.prev = self.p;
            self.p = step(self.p);
            // Lanes out of the divergence bounds (or with a NaN z) end the block.
            if any_lane_out(&self.p, limit) {
                break;
            }
            steps += 1;
            let (mut idx, mut inside) = ([0u32; N], [0u32; N]);
            bin_lanes(bin, &self.p[0], &self.p[1], &mut idx, &mut inside);
            scatter.push_lanes(canvas, &idx, &inside);
            for l in 0..N {
                inside_sum += inside[l] as u64;
            }
        }
        self.t.counted += inside_sum;
        self.t.outside += steps * N as u64 - inside_sum;
        self.remaining.iter_mut().for_each(|r| *r -= steps);
        steps == n
    }

    /// One step (already taken), lane by lane: divergence (redone with `redo` first, then a
    /// restart), decorrelation, finished lanes, and the binning of the lanes that count.
    #[inline(always)]
    fn settle_step(
        &mut self,
        orbits: &Orbits,
        redo: &impl Fn([f32; 3]) -> Option<[f32; 3]>,
        bin: &Binner32,
        canvas: &Canvas,
        scatter: &mut Scatter,
    ) {
        let limit = DIVERGENCE_LIMIT as f32;
        let p = &mut self.p;
        for l in 0..N {
            if self.remaining[l] == 0 {
                continue;
            }
            let (mut x, mut y) = (p[0].0[l], p[1].0[l]);
            let finished = x.abs() <= limit && y.abs() <= limit && !p[2].0[l].is_nan();
            if !finished && let Some(q) = redo([0, 1, 2].map(|c| self.prev[c].0[l])) {
                for c in 0..3 {
                    p[c].0[l] = q[c];
                }
                (x, y) = (q[0], q[1]);
            }
            if !(x.abs() <= limit && y.abs() <= limit) {
                self.t.diverged += 1;
                self.remaining[l] -= 1;
                self.restarts[l] += 1;
                let s = orbits.start(l, self.restarts[l]);
                for c in 0..3 {
                    p[c].0[l] = s[c];
                }
                self.decor[l] = orbits.decorrelation;
            } else if self.decor[l] > 0 {
                self.decor[l] -= 1;
                self.transient += 1;
            } else {
                self.remaining[l] -= 1;
                match bin.bin(x, y) {
                    Some(i) => {
                        scatter.push(canvas, i);
                        self.t.counted += 1;
                    }
                    None => self.t.outside += 1,
                }
            }
        }
    }
}

impl<const N: usize> LanesKernel<N> for Group<'_> {
    type Output = GroupDone;
    #[inline(always)]
    fn run<S: Fn([V<N>; 3], &[f32; 7]) -> [V<N>; 3] + Copy>(self, step: S) -> GroupDone {
        let k = self.job.preset.kernel_params().map(|v| v as f32);
        let equation = self.job.preset.equation;
        self.run_lanes::<N>(
            #[inline(always)]
            |p| step(p, &k),
            |p| Some(scalar_step(equation, p, &k)),
        )
    }
}

/// The scalar f32 step, for the rare lane the vector step could not finish: out of line, so
/// the kernel's loop is not laid out around it.
#[cold]
#[inline(never)]
fn scalar_step(equation: Equation, p: [f32; 3], k: &[f32; 7]) -> [f32; 3] {
    equation.step_f32(p, k)
}

/// Datashader's rule ([`Binner32::bin`]) for N lanes at once, written to vectorise: the storage
/// index and 1 for a point inside the bounds, (0, 0) outside or NaN. Inside, `x * sx + tx` lies in
/// [0, W] up to rounding, so the i32 conversion equals the u32 one of [`Binner32::bin`].
#[inline(always)]
fn bin_lanes<const N: usize>(
    b: &Binner32,
    x: &V<N>,
    y: &V<N>,
    idx: &mut [u32; N],
    inside: &mut [u32; N],
) {
    let (w, h) = ((b.width - 1) as f32, (b.height - 1) as f32);
    for l in 0..N {
        let (x, y) = (x.0[l], y.0[l]);
        let ins = (b.xmin <= x) & (x <= b.xmax) & (b.ymin <= y) & (y <= b.ymax);
        // Clamped in f32 first (`max` turns NaN into 0), so the conversion needs no saturation
        // (a saturating `as i32` is scalar code, two per lane); truncating a value of
        // [0, W-1] equals the scalar rule's truncate-then-clamp.
        // SAFETY: both values are finite and within [0, 2^24) after the clamps.
        let (col, row_up) = unsafe {
            (
                (x * b.sx + b.tx).max(0.0).min(w).to_int_unchecked::<u32>(),
                (y * b.sy + b.ty).max(0.0).min(h).to_int_unchecked::<u32>(),
            )
        };
        let i = (b.height - 1 - row_up) * b.width + col;
        idx[l] = if ins { i } else { 0 };
        inside[l] = ins as u32;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
fn run_avx512(g: Group) -> GroupDone {
    g.dispatch::<32>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2(g: Group) -> GroupDone {
    g.dispatch::<16>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::{Binner, Bounds};

    #[test]
    fn lane_binning_equals_the_scalar_rule() {
        let b = Binner::new(Bounds::new(-2.0, 3.0, -1.0, 1.5).unwrap(), 37, 23).to_f32();
        let mut h = 99u32;
        let mut xs = Vec::new();
        for _ in 0..4000 {
            h = crate::rng::pcg(h);
            xs.push(crate::rng::signed_unit(h) * 4.0);
        }
        xs.extend([-2.0, 3.0, -1.0, 1.5, f32::NAN, 1e30, -1e30, f32::INFINITY]);
        for c in xs.chunks_exact(16) {
            let x = V::<8>(std::array::from_fn(|i| c[i]));
            let y = V::<8>(std::array::from_fn(|i| c[8 + i] * 0.7));
            let (mut idx, mut inside) = ([0; 8], [0; 8]);
            bin_lanes(&b, &x, &y, &mut idx, &mut inside);
            for l in 0..8 {
                let want = b.bin(x.0[l], y.0[l]).map_or((0, 0), |i| (i as u32, 1));
                assert_eq!((idx[l], inside[l]), want, "({}, {})", x.0[l], y.0[l]);
            }
        }
    }
}
