//! Driver of `shaders/accumulate.wgsl`: the pipelines of an equation and the [`Accumulator`] that
//! runs dispatches of bounded work, folds u32 counts into 64-bit totals on the GPU before they
//! could wrap, and reads the totals back into a [`Histogram`]. The counts and totals span one
//! storage binding or several ([`super::bindings`]); the pipelines are built per binding count.

use super::budget::Budget;
use super::compose::{compose_accumulate_bindings, map_step_wgsl, validate_wgsl};
use super::pipelines::Pipelines;
use super::targets::Targets;
use super::{GpuContext, GpuError};
use crate::attractor::{Equation, Preset};
use crate::histogram::Histogram;
use crate::job::Job;
use crate::sampling::{OrbitPlan, OrbitRange, SeedPool};
use bytemuck::{Pod, Zeroable};

mod params;
use params::{accumulate_params, numbered_range};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WORKGROUP: u32 = 64;
/// Wall time one dispatch should take: well under any driver watchdog.
pub const DISPATCH_TARGET: Duration = Duration::from_millis(40);
/// Points between folds into the 64-bit totals (a fold passes over every bin): no u32 count can
/// wrap, not even the transient tally (at most 33 steps per point). Reads fold first.
const FOLD_EVERY: u64 = 1 << 26;

/// Uniforms of `accumulate.wgsl` (`struct Params`); layout checked against naga in the tests.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct AccumulateParams {
    k0: [f32; 4],
    k1: [f32; 4],
    jitter: [f32; 4],
    bounds: [f32; 4],
    scale: [f32; 4],
    width: u32,
    height: u32,
    key: u32,
    decorrelation: u32,
    base: u32,
    first_id: u32,
    end_id: u32,
    last_id: u32,
    last_len: u32,
    invocations: u32,
    orbit_len: u32,
    init: u32,
    stride_x: u32,
    pool_len: u32,
    per_buffer: u32,
    _pad1: u32,
}

/// The compute pipelines of one equation (accumulate + fold), per number of histogram bindings
/// (built when a job first needs them; one binding at once).
pub struct AccumulatePass {
    /// The built-in equation whose step the pipelines inline.
    pub equation: Equation,
    /// The map's key ([`crate::attractor::Preset::map_key`]): the pass serves jobs of this map only.
    pub map: String,
    map_step: String,
    pipelines: Mutex<Vec<(u32, Arc<Pipelines>)>>,
}

impl AccumulatePass {
    /// The pipelines of a built-in equation.
    pub fn new(ctx: &GpuContext, equation: Equation) -> AccumulatePass {
        AccumulatePass::build(
            ctx,
            equation,
            equation.name().to_string(),
            map_step_wgsl(equation),
        )
    }

    /// The pipelines of a preset's map (a built-in equation or a user formula). A formula's shader
    /// is validated with naga first, so no formula can make wgpu panic.
    pub fn for_preset(ctx: &GpuContext, preset: &Preset) -> Result<AccumulatePass, GpuError> {
        match &preset.formula {
            None => Ok(AccumulatePass::new(ctx, preset.equation)),
            Some(m) => {
                let map_step = m.map_step_wgsl();
                validate_wgsl(&compose_accumulate_bindings(&map_step, 1)).map_err(|e| {
                    GpuError::Shader(e.lines().next().unwrap_or_default().to_string())
                })?;
                Ok(AccumulatePass::build(
                    ctx,
                    preset.equation,
                    preset.map_key(),
                    map_step,
                ))
            }
        }
    }

    fn build(
        ctx: &GpuContext,
        equation: Equation,
        map: String,
        map_step: String,
    ) -> AccumulatePass {
        let one = Arc::new(Pipelines::build(ctx, &map_step, 1));
        AccumulatePass {
            equation,
            map,
            map_step,
            pipelines: Mutex::new(vec![(1, one)]),
        }
    }

    /// The pipelines for a histogram over `bindings` buffers (built on first use).
    pub(super) fn pipelines(&self, ctx: &GpuContext, bindings: u32) -> Arc<Pipelines> {
        let mut built = self.pipelines.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, p)) = built.iter().find(|(k, _)| *k == bindings) {
            return p.clone();
        }
        let p = Arc::new(Pipelines::build(ctx, &self.map_step, bindings));
        built.push((bindings, p.clone()));
        p
    }
}

/// Invocations (trajectories) in flight: enough to fill a big GPU; fewer on a software adapter,
/// whose few cores gain nothing from more.
pub fn invocations_for(ctx: &GpuContext) -> u32 {
    if ctx.is_software() { 4096 } else { 1 << 18 }
}

/// 2-D dispatch size for `groups` workgroups with rows of `stride` workgroups.
fn dispatch_dims(groups: u32, stride: u32) -> (u32, u32) {
    if groups <= stride {
        (groups.max(1), 1)
    } else {
        (stride, groups.div_ceil(stride))
    }
}

/// Progressive accumulation of one job on the GPU: targets, uniforms and the adaptive batch size.
/// The GPU engine ([`super::GpuEngine`]) drives it batch by batch.
pub struct Accumulator {
    targets: Targets,
    pipelines: Arc<Pipelines>,
    params: AccumulateParams,
    acc_groups: u32,
    fold_groups: u32,
    stride: u32,
    invocations: u32,
    budget: Budget,
    /// Cumulative per-invocation budget of the batches run so far.
    spent_base: u64,
    /// Per-invocation budget of the next batch (adapted to the batch time).
    steps: u64,
    /// Points run since the last fold (their counts are still in the u32 buffers).
    unfolded: AtomicU64,
}

impl Accumulator {
    /// Makes the targets for the whole of `job` (refusing sizes the adapter cannot hold).
    pub fn new(
        ctx: &GpuContext,
        pass: &AccumulatePass,
        job: &Job,
    ) -> Result<Accumulator, GpuError> {
        Accumulator::for_range(ctx, pass, job, OrbitRange::all(&OrbitPlan::new(job.iters)))
    }

    /// Makes the targets for the orbits of `range` of `job` ([`crate::sampling`]): the histograms
    /// of disjoint ranges add up to the whole job's (statistically equal to the CPU's).
    pub fn for_range(
        ctx: &GpuContext,
        pass: &AccumulatePass,
        job: &Job,
        range: OrbitRange,
    ) -> Result<Accumulator, GpuError> {
        assert_eq!(
            pass.map,
            job.preset.map_key(),
            "pipeline built for another map"
        );
        let split = ctx.check_size(job.width, job.height)?;
        let plan = OrbitPlan::new(job.iters);
        let range = numbered_range(job, &plan, range)?;
        let invocations = invocations_for(ctx);
        let bins = job.width as u64 * job.height as u64;
        let pool = SeedPool::for_job(job);
        let pipelines = pass.pipelines(ctx, split.count);
        let targets = Targets::new(
            ctx,
            &pipelines.layout,
            std::mem::size_of::<AccumulateParams>() as u64,
            split,
            invocations,
            &pool,
        )?;
        let acc_groups = invocations.div_ceil(WORKGROUP);
        let fold_groups = (bins + 4).div_ceil(WORKGROUP as u64) as u32;
        let stride = acc_groups
            .max(fold_groups)
            .min(ctx.limits.max_compute_workgroups_per_dimension);
        let params = accumulate_params(
            job,
            &pool,
            &plan,
            &range,
            &targets.split,
            invocations,
            stride,
        );
        Ok(Accumulator {
            targets,
            pipelines,
            params,
            acc_groups,
            fold_groups,
            stride,
            invocations,
            budget: Budget::new(&plan, range, invocations),
            spent_base: 0,
            steps: 16,
            unfolded: AtomicU64::new(0),
        })
    }

    /// Points the next batch will spend, for at most about `left` points: the adapted size
    /// (rounded up to whole per-invocation steps; 0 when the range is done), below 2^32 so no
    /// u32 counter can wrap before the fold. Pass it to [`Accumulator::run_batch`].
    pub fn next_batch(&self, left: u64) -> u64 {
        let have = self.budget.spent(self.spent_base);
        let mut base = self.steps;
        if self.budget.spent(self.spent_base + base) - have > left {
            base = self.budget.base_for(self.spent_base, left);
        }
        while base > 1 && self.budget.spent(self.spent_base + base) - have > u32::MAX as u64 {
            base /= 2;
        }
        self.budget.spent(self.spent_base + base) - have
    }

    /// Runs one batch that spends exactly `points` (a value of [`Accumulator::next_batch`]) and
    /// its fold, waits for it, and adapts the next batch towards `target` wall time (at most 4x
    /// change at a time).
    pub fn run_batch(
        &mut self,
        ctx: &GpuContext,
        _pass: &AccumulatePass,
        points: u64,
        target: Duration,
    ) -> Result<Duration, GpuError> {
        let inv = self.invocations as u64;
        let base = self.budget.base_for(self.spent_base, points);
        self.params.base = base.min(u32::MAX as u64) as u32;
        ctx.queue
            .write_buffer(&self.targets.params, 0, bytemuck::bytes_of(&self.params));
        let unfolded = self.unfolded.load(Ordering::Relaxed);
        let fold_first = unfolded > 0 && unfolded + points > FOLD_EVERY;
        self.unfolded.store(
            if fold_first {
                points
            } else {
                unfolded + points
            },
            Ordering::Relaxed,
        );
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("gpu.accumulate.batch"),
            });
        {
            let mut cp = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("gpu.accumulate.pass"),
                timestamp_writes: None,
            });
            cp.set_bind_group(0, &self.targets.bind_group, &[]);
            if fold_first {
                cp.set_pipeline(&self.pipelines.fold);
                let (x, y) = dispatch_dims(self.fold_groups, self.stride);
                cp.dispatch_workgroups(x, y, 1);
            }
            cp.set_pipeline(&self.pipelines.accumulate);
            let (x, y) = dispatch_dims(self.acc_groups, self.stride);
            cp.dispatch_workgroups(x, y, 1);
        }
        let t0 = Instant::now();
        ctx.queue.submit([enc.finish()]);
        ctx.wait()?;
        let dt = t0.elapsed();
        self.params.init = 0;
        self.spent_base += base;
        let ratio = (target.as_secs_f64() / dt.as_secs_f64().max(1e-6)).clamp(0.25, 4.0);
        self.steps = ((self.steps as f64 * ratio) as u64).clamp(1, u32::MAX as u64 / inv);
        Ok(dt)
    }

    /// Folds the u32 counts of the batches run since the last fold into the 64-bit totals.
    fn fold(&self, ctx: &GpuContext) -> Result<(), GpuError> {
        if self.unfolded.swap(0, Ordering::Relaxed) == 0 {
            return Ok(());
        }
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("gpu.accumulate.fold"),
            });
        {
            let mut cp = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("gpu.accumulate.fold_pass"),
                timestamp_writes: None,
            });
            cp.set_bind_group(0, &self.targets.bind_group, &[]);
            cp.set_pipeline(&self.pipelines.fold);
            let (x, y) = dispatch_dims(self.fold_groups, self.stride);
            cp.dispatch_workgroups(x, y, 1);
        }
        ctx.queue.submit([enc.finish()]);
        ctx.wait()
    }

    /// The totals so far as a histogram of `job`'s grid.
    pub fn read(&self, ctx: &GpuContext, job: &Job) -> Result<Histogram, GpuError> {
        self.fold(ctx)?;
        Ok(self.targets.read(ctx, job)?.0)
    }

    /// The totals so far and the uncounted transient (decorrelation) steps spent.
    pub fn read_with_transient(
        &self,
        ctx: &GpuContext,
        job: &Job,
    ) -> Result<(Histogram, u64), GpuError> {
        self.fold(ctx)?;
        self.targets.read(ctx, job)
    }

    /// Replaces the 64-bit totals with `hist` (counts and tally), e.g. to continue from counts
    /// made elsewhere; later batches fold on top of them.
    pub fn preload(&self, ctx: &GpuContext, hist: &Histogram) -> Result<(), GpuError> {
        self.fold(ctx)?;
        let split = self.targets.split;
        if hist.counts.len() as u64 != split.bins {
            return Err(GpuError::Other(format!(
                "preloading {} bins into a histogram of {}",
                hist.counts.len(),
                split.bins
            )));
        }
        let t = hist.tally;
        let tally = [t.counted, t.outside, t.diverged];
        let mut words = hist.counts.iter().chain(&tally);
        for (j, buffer) in self.targets.totals.iter().enumerate() {
            // (lo, hi) pairs are the little-endian bytes of each u64.
            let bytes: Vec<u8> = words
                .by_ref()
                .take(split.totals_in(j as u32) as usize)
                .flat_map(|w| w.to_le_bytes())
                .collect();
            ctx.queue.write_buffer(buffer, 0, &bytes);
            ctx.wait()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_covers_all_groups_within_limits() {
        for (groups, stride) in [
            (1u32, 65535u32),
            (64, 64),
            (65535, 65535),
            (65536, 65535),
            (262_145, 65535),
        ] {
            let (x, y) = dispatch_dims(groups, stride);
            assert!(x <= 65535 && y <= 65535);
            assert!(x as u64 * y as u64 >= groups as u64);
        }
    }
}
