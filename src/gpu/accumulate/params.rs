//! The accumulate pass's uniforms for a range of a job's orbits.

use super::AccumulateParams;
use crate::gpu::GpuError;
use crate::gpu::bindings::Split;
use crate::job::Job;
use crate::sampling::{OrbitPlan, OrbitRange, SeedPool};

/// `range` cut to the job's orbits (an open-ended job, the window's, to the first 2^31 - 1);
/// refused when its orbits cannot be numbered in the shader's u32 ids.
pub(super) fn numbered_range(
    job: &Job,
    plan: &OrbitPlan,
    range: OrbitRange,
) -> Result<OrbitRange, GpuError> {
    let mut end = range.end.min(plan.orbits);
    if job.iters == u64::MAX {
        // An open-ended job (the window): the first 2^31 - 1 orbits, about 8.8e12 points.
        end = end.min((1 << 31) - 1);
    }
    if end >= 1 << 31 {
        return Err(GpuError::Other(format!(
            "{} points make {end} orbits, more than one GPU job can number (2^31); split the render, or use --backend cpu",
            job.iters
        )));
    }
    Ok(OrbitRange {
        start: range.start.min(end),
        end,
    })
}

/// The first batch's uniforms of `accumulate.wgsl` for `range` of `job` (`init` set: the orbit
/// states start from the pool).
pub(super) fn accumulate_params(
    job: &Job,
    pool: &SeedPool,
    plan: &OrbitPlan,
    range: &OrbitRange,
    split: &Split,
    invocations: u32,
    stride: u32,
) -> AccumulateParams {
    let k = job.preset.kernel_params().map(|v| v as f32);
    let b = job.binner();
    let jitter = pool.jitter();
    let last = plan.orbits.saturating_sub(1);
    AccumulateParams {
        k0: [k[0], k[1], k[2], k[3]],
        k1: [k[4], k[5], k[6], 0.0],
        jitter: [jitter[0], jitter[1], 0.0, 0.0],
        bounds: [
            b.bounds.xmin as f32,
            b.bounds.xmax as f32,
            b.bounds.ymin as f32,
            b.bounds.ymax as f32,
        ],
        scale: [b.sx as f32, b.tx as f32, b.sy as f32, b.ty as f32],
        width: job.width,
        height: job.height,
        key: job.key(),
        decorrelation: pool.decorrelation().min(u32::MAX as u64) as u32,
        base: 0,
        first_id: range.start as u32,
        end_id: range.end as u32,
        last_id: last.min(u32::MAX as u64) as u32,
        last_len: plan.len_of(last) as u32,
        invocations,
        orbit_len: plan.len as u32,
        init: 1,
        stride_x: stride,
        pool_len: pool.points().len() as u32,
        per_buffer: split.per_buffer as u32,
        _pad1: 0,
    }
}
