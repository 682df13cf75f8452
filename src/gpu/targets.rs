//! The per-job GPU buffers of the accumulate pass (`shaders/accumulate.wgsl`): uniforms, the u32
//! histogram, orbit states, the batch tally, the 64-bit totals and the seed pool, with their bind
//! group; rebuilt only when the job's size changes.

use super::{GpuContext, GpuError, readback};
use crate::histogram::{Histogram, Tally};
use crate::job::Job;
use crate::sampling::SeedPool;

/// Histogram, orbit state, tallies and totals for one job size.
pub(super) struct Targets {
    pub params: wgpu::Buffer,
    pub totals: wgpu::Buffer,
    pub bind_group: wgpu::BindGroup,
    pub bins: u64,
}

impl Targets {
    pub fn new(
        ctx: &GpuContext,
        layout: &wgpu::BindGroupLayout,
        params_size: u64,
        bins: u64,
        invocations: u32,
        pool: &SeedPool,
    ) -> Result<Targets, GpuError> {
        let device = &ctx.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
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
        let hist = buffer("gpu.accumulate.histogram", bins * 4, storage);
        let orbits = buffer("gpu.accumulate.orbits", invocations as u64 * 32, storage);
        let tally = buffer("gpu.accumulate.tally", 16, storage);
        let totals = buffer(
            "gpu.accumulate.totals",
            (bins + 4) * 8,
            storage | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
        );
        let pool_words: Vec<[f32; 4]> = pool
            .points()
            .iter()
            .map(|p| [p[0], p[1], p[2], 0.0])
            .collect();
        let pool_buf = buffer(
            "gpu.accumulate.pool",
            (pool_words.len() * 16) as u64,
            storage | wgpu::BufferUsages::COPY_DST,
        );
        ctx.queue
            .write_buffer(&pool_buf, 0, bytemuck::cast_slice(&pool_words));
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Other(format!(
                "out of GPU memory allocating the histogram ({e}); use a smaller --size or --backend cpu"
            )));
        }
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gpu.accumulate.bind_group"),
            layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: params.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: hist.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: orbits.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: tally.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: totals.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 5,
                    resource: pool_buf.as_entire_binding(),
                },
            ],
        });
        Ok(Targets {
            params,
            totals,
            bind_group,
            bins,
        })
    }

    /// The 64-bit totals as a histogram (counts and tally), and the transient steps.
    pub fn read(&self, ctx: &GpuContext, job: &Job) -> Result<(Histogram, u64), GpuError> {
        let bytes = readback::read_buffer(ctx, &self.totals, (self.bins + 4) * 8)?;
        let words: &[[u32; 2]] = bytemuck::cast_slice(&bytes);
        let v = |w: &[u32; 2]| w[0] as u64 | (w[1] as u64) << 32;
        let mut h = job.empty_histogram();
        for (c, w) in h.counts.iter_mut().zip(words) {
            *c = v(w);
        }
        let t = &words[self.bins as usize..];
        h.tally = Tally {
            counted: v(&t[0]),
            outside: v(&t[1]),
            diverged: v(&t[2]),
        };
        Ok((h, v(&t[3])))
    }
}
