//! The per-job GPU buffers of the accumulate pass (`shaders/accumulate.wgsl`): uniforms, the u32
//! histogram, orbit states, the batch tally, the 64-bit totals and the seed pool, with their bind
//! group; rebuilt only when the job's size changes. The counts and the totals are one buffer each,
//! or several when one binding cannot hold them ([`super::bindings::Split`]).

use super::bindings::Split;
use super::{GpuContext, GpuError, readback};
use crate::histogram::{Histogram, Tally};
use crate::job::Job;
use crate::sampling::SeedPool;

/// Histogram, orbit state, tallies and totals for one job size.
pub(super) struct Targets {
    /// The uniforms, rewritten before each batch.
    pub params: wgpu::Buffer,
    /// The 64-bit totals, buffer `j` holding [`Split::totals_in`]`(j)` of them.
    pub totals: Vec<wgpu::Buffer>,
    /// Every buffer of the pass, bound.
    pub bind_group: wgpu::BindGroup,
    /// How the counts and totals are split over bindings.
    pub split: Split,
}

impl Targets {
    /// Makes the buffers for `split` and `invocations` orbit states, writes the seed pool and binds them; an allocation the device refuses is an error naming `--size`.
    pub fn new(
        ctx: &GpuContext,
        layout: &wgpu::BindGroupLayout,
        params_size: u64,
        split: Split,
        invocations: u32,
        pool: &SeedPool,
    ) -> Result<Targets, GpuError> {
        let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let bufs = Buffers::allocate(ctx, params_size, &split, invocations, pool);
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Other(format!(
                "out of GPU memory allocating the histogram ({e}); use a smaller --size or --backend cpu"
            )));
        }
        let bind_group = bufs.bind_group(&ctx.device, layout);
        Ok(Targets {
            params: bufs.params,
            totals: bufs.totals,
            bind_group,
            split,
        })
    }

    /// The 64-bit totals as a histogram (counts and tally), and the transient steps; read one
    /// buffer at a time, so the host holds at most one buffer's bytes besides the histogram.
    pub fn read(&self, ctx: &GpuContext, job: &Job) -> Result<(Histogram, u64), GpuError> {
        let v = |w: &[u32; 2]| w[0] as u64 | (w[1] as u64) << 32;
        let mut h = job.empty_histogram();
        let mut tally = Vec::with_capacity(4);
        let mut counts = h.counts.iter_mut();
        for (j, buffer) in self.totals.iter().enumerate() {
            let bytes = readback::read_buffer(ctx, buffer, self.split.totals_in(j as u32) * 8)?;
            let words: &[[u32; 2]] = bytemuck::cast_slice(&bytes);
            for w in words {
                match counts.next() {
                    Some(c) => *c = v(w),
                    None => tally.push(v(w)),
                }
            }
        }
        if tally.len() != 4 {
            return Err(GpuError::Other(format!(
                "read {} tally totals back instead of 4",
                tally.len()
            )));
        }
        h.tally = Tally {
            counted: tally[0],
            outside: tally[1],
            diverged: tally[2],
        };
        Ok((h, tally[3]))
    }
}

/// Every buffer of the accumulate pass; those the pass only binds are held by the bind group.
struct Buffers {
    params: wgpu::Buffer,
    hist: Vec<wgpu::Buffer>,
    orbits: wgpu::Buffer,
    tally: wgpu::Buffer,
    totals: Vec<wgpu::Buffer>,
    pool: wgpu::Buffer,
}

impl Buffers {
    /// Makes the buffers (the seed pool written), for `invocations` orbit states and the
    /// counts and totals split as `split` says.
    fn allocate(
        ctx: &GpuContext,
        params_size: u64,
        split: &Split,
        invocations: u32,
        pool: &SeedPool,
    ) -> Buffers {
        let device = &ctx.device;
        let buffer = |label: &str, size: u64, usage: wgpu::BufferUsages| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size,
                usage,
                mapped_at_creation: false,
            })
        };
        let storage = wgpu::BufferUsages::STORAGE;
        let params = buffer(
            "gpu.accumulate.params",
            params_size,
            wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        );
        // A buffer may hold no bins (only tally totals follow in the last one): bindings need
        // a non-empty buffer, so it gets one unused word.
        let hist: Vec<wgpu::Buffer> = (0..split.count)
            .map(|j| {
                buffer(
                    "gpu.accumulate.histogram",
                    split.bins_in(j).max(1) * 4,
                    storage,
                )
            })
            .collect();
        let orbits = buffer("gpu.accumulate.orbits", invocations as u64 * 32, storage);
        let tally = buffer("gpu.accumulate.tally", 16, storage);
        let totals: Vec<wgpu::Buffer> = (0..split.count)
            .map(|j| {
                buffer(
                    "gpu.accumulate.totals",
                    split.totals_in(j) * 8,
                    storage | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
                )
            })
            .collect();
        let pool_words: Vec<[f32; 4]> = pool
            .points()
            .iter()
            .map(|p| [p[0], p[1], p[2], 0.0])
            .collect();
        let pool = buffer(
            "gpu.accumulate.pool",
            (pool_words.len() * 16) as u64,
            storage | wgpu::BufferUsages::COPY_DST,
        );
        ctx.queue
            .write_buffer(&pool, 0, bytemuck::cast_slice(&pool_words));
        Buffers {
            params,
            hist,
            orbits,
            tally,
            totals,
            pool,
        }
    }

    /// The bind group of `accumulate.wgsl`: the fixed bindings, then each split's counts and
    /// totals at [`Split::binding_numbers`].
    fn bind_group(&self, device: &wgpu::Device, layout: &wgpu::BindGroupLayout) -> wgpu::BindGroup {
        let mut entries = vec![
            wgpu::BindGroupEntry {
                binding: 0,
                resource: self.params.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 2,
                resource: self.orbits.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 3,
                resource: self.tally.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 5,
                resource: self.pool.as_entire_binding(),
            },
        ];
        for (j, (h, t)) in self.hist.iter().zip(&self.totals).enumerate() {
            let (hb, tb) = Split::binding_numbers(j as u32);
            entries.push(wgpu::BindGroupEntry {
                binding: hb,
                resource: h.as_entire_binding(),
            });
            entries.push(wgpu::BindGroupEntry {
                binding: tb,
                resource: t.as_entire_binding(),
            });
        }
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gpu.accumulate.bind_group"),
            layout,
            entries: &entries,
        })
    }
}
