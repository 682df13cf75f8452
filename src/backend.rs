//! The one seam between the renderers (hyperfine's `Executor` is the model): every backend
//! accumulates a [`Job`] into a [`Histogram`]; everything after that (shading maths, outputs,
//! comparisons) is shared. The GPU backend also shades with its fragment pass.

use crate::cpu;
use crate::gpu::{AccumulatePass, GpuContext, GpuError, ShadePass};
use crate::histogram::Histogram;
use crate::job::{Control, Job};
use crate::shade::{self, Style};
use anyhow::Result;

/// The renderer chosen for a run.
pub enum Backend {
    /// Float64 single orbit, bit-exact with datashader.
    CpuExact,
    /// Many float32 orbits over all cores.
    CpuSampled,
    /// wgpu compute accumulation and fragment shading.
    Gpu {
        ctx: Box<GpuContext>,
        accumulate: AccumulatePass,
        shade: ShadePass,
    },
}

/// A backend run that stopped on an error, with what it had accumulated (if anything).
#[derive(Debug)]
pub struct Failure {
    pub error: anyhow::Error,
    pub partial: Option<Histogram>,
}

impl Backend {
    /// Opens the GPU and builds the pipelines for `job`'s equation (once).
    pub fn gpu(adapter: Option<&str>, job: &Job) -> Result<Backend, GpuError> {
        let ctx = GpuContext::new(adapter)?;
        let accumulate = AccumulatePass::new(&ctx, job.preset.equation);
        let shade = ShadePass::new(&ctx);
        ctx.wait()?;
        Ok(Backend::Gpu {
            ctx: Box::new(ctx),
            accumulate,
            shade,
        })
    }

    /// One line for the user: which renderer, which adapter.
    pub fn describe(&self) -> String {
        match self {
            Backend::CpuExact => "CPU exact (float64 single orbit)".into(),
            Backend::CpuSampled => {
                format!("CPU sampled ({} threads)", rayon::current_num_threads())
            }
            Backend::Gpu { ctx, .. } => format!("GPU {}", ctx.describe()),
        }
    }

    /// Fills the job's histogram. A cancelled run returns its partial histogram as `Ok`.
    pub fn accumulate(&self, job: &Job, ctl: &Control) -> Result<Histogram, Failure> {
        match self {
            Backend::CpuExact => Ok(cpu::accumulate_exact(job, ctl)),
            Backend::CpuSampled => Ok(cpu::accumulate_sampled(job, ctl)),
            Backend::Gpu {
                ctx, accumulate, ..
            } => {
                crate::gpu::accumulate::accumulate(ctx, accumulate, job, ctl).map_err(|f| Failure {
                    error: f.error.into(),
                    partial: f.partial,
                })
            }
        }
    }

    /// Shades with the GPU pass on the GPU backend, else on the CPU (same maths). After the GPU
    /// failed (a lost device), the CPU shades what was accumulated.
    pub fn shade(&self, hist: &Histogram, style: &Style) -> Result<Vec<u8>> {
        match self {
            Backend::Gpu { ctx, shade, .. } if ctx.fault().is_none() => {
                Ok(shade.shade(ctx, hist, style)?)
            }
            _ => Ok(shade::shade(hist, style)),
        }
    }
}
