//! The GPU engine: the accumulate pass behind the [`Engine`] seam, and the fragment pass for
//! shading.

use super::accumulate::{AccumulatePass, Accumulator, DISPATCH_TARGET};
use super::density::DensityPass;
use super::{GpuContext, GpuError, ShadePass};
use crate::density::{De, Estimated, Kernels};
use crate::engine::{Control, Engine, EngineError};
use crate::histogram::Histogram;
use crate::job::Job;
use crate::sampling::{OrbitPlan, OrbitRange};
use crate::shade::Style;
use std::sync::Arc;

/// Accumulates a job on one GPU device.
pub struct GpuEngine {
    ctx: Arc<GpuContext>,
    pass: Arc<AccumulatePass>,
    acc: Accumulator,
    job: Job,
    left: u64,
    done: u64,
    /// Decorrelation steps at the last read of the totals.
    transient: u64,
    shade: Option<ShadePass>,
    density: Option<DensityPass>,
}

impl GpuEngine {
    /// Opens the GPU (`adapter`: a name substring) and builds the pipelines for `job`.
    pub fn open(adapter: Option<&str>, job: &Job) -> Result<GpuEngine, GpuError> {
        let ctx = Arc::new(GpuContext::new(adapter)?);
        ctx.check_size(job.width, job.height)?;
        let pass = Arc::new(AccumulatePass::for_preset(&ctx, &job.preset)?);
        GpuEngine::with_pass(ctx, pass, job)
    }

    /// An engine on an open device with pipelines already built for the job's equation (the
    /// window keeps both across restarts).
    pub fn with_pass(
        ctx: Arc<GpuContext>,
        pass: Arc<AccumulatePass>,
        job: &Job,
    ) -> Result<GpuEngine, GpuError> {
        let all = OrbitRange::all(&OrbitPlan::new(job.iters));
        GpuEngine::for_range(ctx, pass, job, all)
    }

    /// [`GpuEngine::with_pass`] for the orbits of `range` only (ids of
    /// [`OrbitPlan::new`]`(job.iters)`): shards and devices split a job this way.
    pub fn for_range(
        ctx: Arc<GpuContext>,
        pass: Arc<AccumulatePass>,
        job: &Job,
        range: OrbitRange,
    ) -> Result<GpuEngine, GpuError> {
        let plan = OrbitPlan::new(job.iters);
        let acc = Accumulator::for_range(&ctx, &pass, job, range)?;
        ctx.wait()?;
        Ok(GpuEngine {
            ctx,
            pass,
            acc,
            job: job.clone(),
            left: plan.points_in(range.start..range.end),
            done: 0,
            transient: 0,
            shade: None,
            density: None,
        })
    }

    /// The device this engine runs on.
    pub fn context(&self) -> &Arc<GpuContext> {
        &self.ctx
    }
    /// The pipelines this engine runs.
    pub fn pass(&self) -> &Arc<AccumulatePass> {
        &self.pass
    }
}

impl Engine for GpuEngine {
    fn describe(&self) -> String {
        format!("GPU {}", self.ctx.describe())
    }

    fn advance(&mut self, points: u64, ctl: &Control) -> Result<u64, EngineError> {
        let want = points.min(self.left);
        let mut done = 0;
        let lose_at = crate::testing::hooks().lose_device_at;
        while done < want && !ctl.is_cancelled() {
            if lose_at.is_some_and(|at| self.done >= at) {
                self.ctx.device.destroy();
            }
            let n = self.acc.next_batch(want - done);
            if n == 0 {
                break;
            }
            self.acc
                .run_batch(&self.ctx, &self.pass, n, DISPATCH_TARGET)?;
            done += n;
            self.done += n;
        }
        self.left = self.left.saturating_sub(done);
        Ok(done)
    }

    fn histogram(&mut self) -> Result<Histogram, EngineError> {
        let (h, transient) = self.acc.read_with_transient(&self.ctx, &self.job)?;
        self.transient = transient;
        Ok(h)
    }

    fn transient_steps(&self) -> u64 {
        self.transient
    }

    fn volatile(&self) -> bool {
        true
    }

    fn estimate_density(&mut self, hist: &Histogram, de: &De) -> Result<Estimated, EngineError> {
        // A software adapter runs on the CPU's cores anyway, and there the CPU's separable blur
        // beats the gather (2048x2048, --de 9: 0.8 s against 10 s on lavapipe).
        let worth_it = !self.ctx.is_software() || crate::testing::hooks().gpu_density;
        if worth_it && self.ctx.fault().is_none() {
            let pass = self
                .density
                .get_or_insert_with(|| DensityPass::new(&self.ctx));
            // A canvas whose band does not fit a binding, or a device lost meanwhile: the CPU
            // blurs with the same kernels (the counts are already on the host).
            if let Ok(Some(density)) = pass.estimate(&self.ctx, hist, &Kernels::new(de)) {
                return Ok(Estimated { density, by: "GPU" });
            }
        }
        Ok(Estimated::on_cpu(hist, de))
    }

    fn shade(&mut self, hist: &Histogram, style: &Style) -> Result<Vec<u8>, EngineError> {
        // The shade pass reads the histogram from one storage binding: a histogram spread over
        // several is shaded on the CPU.
        if self.ctx.fault().is_some()
            || self.ctx.check_one_binding(hist.width, hist.height).is_err()
        {
            return Ok(crate::shade::shade(hist, style));
        }
        let pass = self.shade.get_or_insert_with(|| ShadePass::new(&self.ctx));
        Ok(pass.shade(&self.ctx, hist, style)?)
    }
}
