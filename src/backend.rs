//! Choosing the engine for a job: one backend enum for every command (render, window, bench, the
//! library), what `auto` picks ([`auto`]) and its fallback, and the up-front memory check.

pub mod auto;
pub use auto::AutoChoice;

use crate::cpu::{ExactEngine, SampledEngine};
use crate::engine::Engine;
use crate::gpu::{AccumulatePass, GpuContext, GpuEngine, GpuError};
use crate::job::Job;
use crate::sampling::{OrbitPlan, OrbitRange};
use crate::split;
use std::sync::Arc;

/// Which renderer accumulates the histogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// The faster engine on this machine ([`AutoChoice`]: a hardware GPU, else the CPU), said in
    /// a one-line notice; the CPU when the chosen GPU cannot do the job.
    Auto,
    /// The GPU (wgpu compute shader); refuses when none can do the job.
    Gpu,
    /// Float32 orbits on every CPU core.
    Cpu,
    /// The float64 single orbit on one core, bit-exact with datashader (same as `--exact`).
    CpuExact,
}

impl Backend {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Gpu => "gpu",
            Backend::Cpu => "cpu",
            Backend::CpuExact => "cpu-exact",
        }
    }
}

/// Why no engine could be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The GPU could not be opened or used.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// `--exact` with the GPU backend (the exact orbit is CPU-only).
    #[error("--exact runs on the CPU only (float64 single orbit); drop --backend gpu or --exact")]
    ExactOnGpu,
    /// `--exact` with a share of the orbits (shards, several devices): one orbit cannot be split.
    #[error(
        "--exact runs one float64 orbit, which cannot be split into shards; drop --exact, or --shard"
    )]
    ExactSplit,
    /// `--adapter` with a CPU backend.
    #[error(
        "--adapter {adapter}: picks a GPU, but {cpu} renders on the CPU; drop --adapter, or drop {cpu} for a GPU render"
    )]
    AdapterOnCpu {
        /// The adapter asked for.
        adapter: String,
        /// The CPU backend's name.
        cpu: &'static str,
    },
    /// The canvas needs more memory than the machine has available.
    #[error(
        "--size {width}x{height} needs about {need_mib} MiB of memory with {engine}, but only {avail_mib} MiB are available; use a smaller --size"
    )]
    Memory {
        /// Canvas width in bins.
        width: u32,
        /// Canvas height in bins.
        height: u32,
        /// Memory the engine would need (MiB).
        need_mib: u64,
        /// Memory available (MiB).
        avail_mib: u64,
        /// The engine's description.
        engine: String,
    },
}

/// Opens the engine for `job`: [`Engines::open`] then [`Engines::engine`].
///
/// ```
/// use attractors::{Backend, Control, Job, Presets, drive, open_engine};
/// let preset = Presets::builtin().get("De_Jong_1").unwrap().clone();
/// let job = Job::builder(preset).size(64, 64).points(50_000).build().unwrap();
/// let mut engine = open_engine(Backend::Cpu, None, &job, |_| {}).unwrap();
/// let ctl = Control::new();
/// let half = drive(engine.as_mut(), 25_000, &ctl, None).unwrap();
/// // Read while it runs (the sampled engine finishes whole groups of orbits) ...
/// assert!((25_000..30_000).contains(&half.hist.tally.total()));
/// let all = drive(engine.as_mut(), u64::MAX, &ctl, None).unwrap();
/// assert_eq!(all.hist.tally.total(), 50_000); // ... and continued to the job's end
/// assert_eq!(all.hist.sum(), all.hist.tally.counted);
/// ```
pub fn open_engine(
    backend: Backend,
    adapter: Option<&str>,
    job: &Job,
    notice: impl FnOnce(&str),
) -> Result<Box<dyn Engine>, OpenError> {
    Engines::open(backend, adapter, job, notice)?.engine(job)
}

/// A source of engines for many jobs on one backend: the GPU device and its pipelines are made
/// once (the bench, the window and animations render job after job).
pub enum Engines {
    /// The float64 single orbit ([`crate::cpu::ExactEngine`]).
    CpuExact,
    /// The multi-threaded float32 sampled engine ([`crate::cpu::SampledEngine`]).
    CpuSampled,
    /// One GPU.
    Gpu {
        /// The device and queue.
        ctx: Arc<GpuContext>,
        /// The accumulate pipelines for the job's map.
        pass: Arc<AccumulatePass>,
    },
    /// Several devices splitting each job (`--adapter all` or a list of positions).
    Gpus(Vec<(Arc<GpuContext>, Arc<AccumulatePass>)>),
}

impl Engines {
    /// Resolves `backend` for jobs like `job` (its mode, equation and canvas). `job.exact` (or
    /// [`Backend::CpuExact`]) picks the exact orbit. `auto` takes [`AutoChoice::for_machine`]'s
    /// engine and calls `notice` with its line; when the GPU it chose does not open or cannot
    /// hold the canvas it falls back to the CPU, calling `notice` with that reason instead; an
    /// explicit `gpu` refuses.
    pub fn open(
        backend: Backend,
        adapter: Option<&str>,
        job: &Job,
        notice: impl FnOnce(&str),
    ) -> Result<Engines, OpenError> {
        let exact = job.exact || backend == Backend::CpuExact;
        let many = adapter.filter(|a| GpuContext::is_many(a));
        let gpu = || -> Result<Engines, GpuError> {
            if let Some(spec) = many {
                let mut devices = Vec::new();
                for ctx in GpuContext::open_many(spec)? {
                    ctx.check_size(job.width, job.height)?;
                    let pass = AccumulatePass::for_preset(&ctx, &job.preset)?;
                    devices.push((Arc::new(ctx), Arc::new(pass)));
                }
                return Ok(Engines::Gpus(devices));
            }
            let ctx = GpuContext::new(adapter)?;
            ctx.check_size(job.width, job.height)?;
            let pass = AccumulatePass::for_preset(&ctx, &job.preset)?;
            Ok(Engines::Gpu {
                ctx: Arc::new(ctx),
                pass: Arc::new(pass),
            })
        };
        Ok(match backend {
            Backend::Gpu if exact => return Err(OpenError::ExactOnGpu),
            _ if exact && adapter.is_some() => {
                return Err(OpenError::AdapterOnCpu {
                    adapter: adapter.unwrap_or_default().to_string(),
                    cpu: "the exact mode (--exact)",
                });
            }
            Backend::Cpu if adapter.is_some() => {
                return Err(OpenError::AdapterOnCpu {
                    adapter: adapter.unwrap_or_default().to_string(),
                    cpu: "--backend cpu",
                });
            }
            _ if exact => Engines::CpuExact,
            Backend::Cpu => Engines::CpuSampled,
            Backend::Gpu => gpu()?,
            Backend::Auto | Backend::CpuExact => {
                let choice = AutoChoice::for_machine(adapter);
                if choice.backend == Backend::Cpu {
                    notice(&choice.line());
                    return Ok(Engines::CpuSampled);
                }
                match gpu() {
                    Ok(g) => {
                        notice(&choice.line());
                        g
                    }
                    Err(e @ (GpuError::NoSuchAdapter { .. } | GpuError::NoSuchPosition { .. })) => {
                        return Err(e.into());
                    }
                    Err(e) => {
                        notice(&format!("using the CPU: {e}"));
                        Engines::CpuSampled
                    }
                }
            }
        })
    }

    /// One line for the user: which renderer, which adapter.
    pub fn describe(&self) -> String {
        match self {
            Engines::CpuExact => "CPU exact (float64 single orbit)".into(),
            Engines::CpuSampled => {
                format!("CPU sampled ({} threads)", rayon::current_num_threads())
            }
            Engines::Gpu { ctx, .. } => format!("GPU {}", ctx.describe()),
            Engines::Gpus(d) => format!(
                "{} GPUs: {}",
                d.len(),
                d.iter()
                    .map(|(c, _)| c.describe())
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        }
    }

    /// An engine for `job`, after checking that the machine has the memory it will take.
    pub fn engine(&mut self, job: &Job) -> Result<Box<dyn Engine>, OpenError> {
        self.engine_for(job, None)
    }

    /// An engine for the orbits `range` of `job` only (a shard; see [`crate::shard`]), or for all
    /// of it (`None`). The exact orbit cannot be split.
    pub fn engine_for(
        &mut self,
        job: &Job,
        range: Option<OrbitRange>,
    ) -> Result<Box<dyn Engine>, OpenError> {
        let all = OrbitRange::all(&OrbitPlan::new(job.iters));
        let range = range.unwrap_or(all);
        match self {
            Engines::CpuExact if range != all => Err(OpenError::ExactSplit),
            Engines::CpuExact => {
                check_memory(job, Resolved::Exact)?;
                let mut j = job.clone();
                j.exact = true;
                Ok(Box::new(ExactEngine::new(&j)))
            }
            Engines::CpuSampled => {
                check_memory(job, Resolved::Sampled)?;
                Ok(Box::new(SampledEngine::for_range(job, range)))
            }
            Engines::Gpus(devices) => {
                check_memory(job, Resolved::Gpu)?;
                let plan = OrbitPlan::new(job.iters);
                let mut parts = Vec::new();
                for (i, r) in split::shares(range, devices.len()).into_iter().enumerate() {
                    let (ctx, pass) = &mut devices[i];
                    if pass.map != job.preset.map_key() {
                        *pass = Arc::new(AccumulatePass::for_preset(ctx, &job.preset)?);
                    }
                    let e: Box<dyn Engine> =
                        Box::new(GpuEngine::for_range(ctx.clone(), pass.clone(), job, r)?);
                    parts.push((e, plan.points_in(r.start..r.end)));
                }
                Ok(Box::new(split::SplitEngine::new(parts)))
            }
            Engines::Gpu { ctx, pass } => {
                check_memory(job, Resolved::Gpu)?;
                ctx.check_size(job.width, job.height)?;
                if pass.map != job.preset.map_key() {
                    *pass = Arc::new(AccumulatePass::for_preset(ctx, &job.preset)?);
                }
                Ok(Box::new(GpuEngine::for_range(
                    ctx.clone(),
                    pass.clone(),
                    job,
                    range,
                )?))
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Resolved {
    Exact,
    Sampled,
    Gpu,
}

/// Estimated peak host memory of a render, in bytes: the histogram in a few copies plus small
/// buffers (no per-point storage at any iteration count), so it depends on the canvas alone.
fn estimate(job: &Job, engine: Resolved) -> u64 {
    let bins = job.width as u64 * job.height as u64;
    // Shading and output: RGBA pixels, the RGB copy the PNG encoder gets, eq_hist's sorted counts.
    let shade = bins * (4 + 3 + 8);
    // u64 histograms held at once: the result, a resumed render's earlier counts, a checkpoint
    // copy, and eq_hist's sorted copy of the counts. (Measured at 8192x8192 on 2 threads: 4.85 GB
    // peak; this estimate gives 4.8 GB.)
    let held = 4;
    let renderer = match engine {
        // the shared canvas (u16 counts, with room for carries into u32), and each thread's
        // scatter buffers (a byte a bin)
        Resolved::Sampled => bins * 4 + bins * rayon::current_num_threads() as u64,
        Resolved::Exact => 0,
        // totals read back (bytes and histogram) and the shade pass's 64-bit upload
        Resolved::Gpu => bins * 8 * 3,
    };
    bins * 8 * held + renderer + shade
}

/// The memory this process may still take, in bytes: the least of the machine's MemAvailable,
/// what the process's cgroup (v2, a container's limit) has left, and what the address-space limit
/// (`ulimit -v`) leaves (None where none can be read: not Linux). A request beyond it is refused
/// up front instead of ending in an allocation failure.
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    [
        meminfo
            .as_deref()
            .and_then(|t| kib_field(t, "MemAvailable:")),
        cgroup_left(),
        address_space_left(),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// `field` of a `/proc` text (`Name:   123 kB`), in bytes.
fn kib_field(text: &str, field: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `memory.max - memory.current` of this process's cgroup (v2); None when unlimited.
fn cgroup_left() -> Option<u64> {
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
    let dir = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
    let max: u64 = read("memory.max")?.trim().parse().ok()?;
    let current: u64 = read("memory.current")?.trim().parse().ok()?;
    Some(max.saturating_sub(current))
}

/// The address-space limit (`ulimit -v`) less the address space in use; None when unlimited.
fn address_space_left() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    let soft: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some(soft.saturating_sub(kib_field(&status, "VmSize:")?))
}

fn check_memory(job: &Job, engine: Resolved) -> Result<(), OpenError> {
    let need = estimate(job, engine);
    if let Some(avail) = available_memory()
        && need > avail
    {
        return Err(OpenError::Memory {
            width: job.width,
            height: job.height,
            need_mib: need >> 20,
            avail_mib: avail >> 20,
            engine: match engine {
                Resolved::Exact => "the exact CPU engine",
                Resolved::Sampled => "the sampled CPU engine",
                Resolved::Gpu => "the GPU engine",
            }
            .into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Presets;

    /// An adapter for a CPU render (the library's callers included) is refused, not ignored.
    #[test]
    fn an_adapter_for_a_cpu_render_is_refused() {
        let preset = Presets::builtin().get("Clifford").unwrap().clone();
        let mut job = Job::builder(preset)
            .size(16, 16)
            .points(100)
            .build()
            .unwrap();
        let err = |b, job: &Job| match Engines::open(b, Some("x"), job, |_| {}) {
            Err(e) => e.to_string(),
            Ok(_) => "opened".into(),
        };
        assert!(err(Backend::Cpu, &job).contains("--adapter x: picks a GPU, but --backend cpu"));
        assert!(err(Backend::CpuExact, &job).contains("but the exact mode (--exact)"));
        job.exact = true;
        assert!(err(Backend::Auto, &job).contains("but the exact mode (--exact)"));
        assert!(Engines::open(Backend::Cpu, None, &job, |_| {}).is_ok());
    }
}
