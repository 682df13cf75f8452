//! Driver of `shaders/density.wgsl`: density estimation (`--de`) as a compute pass, band by band
//! of rows so every buffer fits one storage binding at any canvas size. The kernels are
//! [`crate::density::Kernels`], the tables the CPU blur uses, so both blur every bin by the same
//! kernel; the GPU sums in f32 (the CPU in f64), so densities agree to f32 rounding.

use super::pipelines::{compute_pipelines, storage_entry, uniform_entry};
use super::{GpuContext, GpuError, readback};
use crate::density::Kernels;
use crate::histogram::Histogram;
use bytemuck::{Pod, Zeroable};
use wgpu::util::DeviceExt;

const SHADER: &str = include_str!("../../shaders/density.wgsl");
/// Largest band buffer (bytes), below the binding limit too: bounds the host's staging copies.
const MAX_BAND_BYTES: u64 = 256 << 20;
/// Most gather steps (output bins x kernel area) one dispatch may take, so no single
/// submission runs long enough for a driver's watchdog.
const MAX_DISPATCH_STEPS: u64 = 1 << 32;

/// Uniforms of `density.wgsl` (`struct DeParams`); layout checked against naga in the tests.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct DeParams {
    width: u32,
    rows_in: u32,
    first_out: u32,
    rows_out: u32,
    reach: u32,
    levels: u32,
    _pad: [u32; 2],
}

/// One entry of the level table (`struct Level`); layout checked against naga in the tests.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct Level {
    threshold: [u32; 2],
    radius: u32,
    offset: u32,
}

/// Output rows per band for a canvas `width` bins wide with kernels reaching `reach` pixels,
/// when each band buffer may hold `limit` bytes (8 per bin); `None` when not even one output
/// row and its halo fit.
pub fn band_rows(width: u32, height: u32, reach: u32, limit: u64) -> Option<u32> {
    let row_bytes = width as u64 * 8;
    let rows_in = limit.min(MAX_BAND_BYTES) / row_bytes;
    let halo = 2 * reach as u64;
    let by_memory = rows_in.checked_sub(halo).filter(|&r| r > 0)?;
    let area = (2 * reach as u64 + 1).pow(2);
    let by_work = (MAX_DISPATCH_STEPS / (width as u64 * area)).max(1);
    Some(by_memory.min(by_work).min(height as u64) as u32)
}

/// The density pipelines (made once per device).
pub struct DensityPass {
    layout: wgpu::BindGroupLayout,
    classify: wgpu::ComputePipeline,
    gather: wgpu::ComputePipeline,
}

impl DensityPass {
    /// Compiles `density.wgsl` and its classify and gather pipelines on `ctx`.
    pub fn new(ctx: &GpuContext) -> DensityPass {
        let device = &ctx.device;
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("gpu.density.shader"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("gpu.density.layout"),
            entries: &[
                uniform_entry(0),
                storage_entry(1, true),
                storage_entry(2, true),
                storage_entry(3, true),
                storage_entry(4, false),
                storage_entry(5, false),
            ],
        });
        let [classify, gather] = compute_pipelines(
            ctx,
            &module,
            &layout,
            "gpu.density",
            ["cs_classify", "cs_gather"],
        );
        DensityPass {
            layout,
            classify,
            gather,
        }
    }

    /// The density of `hist` under `kernels` (counts per pixel), or `None` when a band of the
    /// canvas does not fit this adapter's storage binding (the caller estimates on the CPU).
    pub fn estimate(
        &self,
        ctx: &GpuContext,
        hist: &Histogram,
        kernels: &Kernels,
    ) -> Result<Option<Vec<f64>>, GpuError> {
        let (w, h) = (hist.width, hist.height);
        let reach = kernels.reach() as u32;
        let Some(rows) = band_rows(w, h, reach, ctx.binding_bytes().0) else {
            return Ok(None);
        };
        let bufs = self.buffers(ctx, kernels, w, h, rows);
        let mut out = Vec::with_capacity(w as usize * h as usize);
        let mut first = 0u32;
        while first < h {
            let rows_out = rows.min(h - first);
            self.run_band(ctx, &bufs, hist, kernels, first..first + rows_out, &mut out)?;
            first += rows_out;
        }
        ctx.check()?;
        Ok(Some(out))
    }

    /// The tables, a band's buffers (of `rows` output rows of a `w` x `h` canvas) and their
    /// bind group, made once per estimate and reused by every band.
    fn buffers(&self, ctx: &GpuContext, kernels: &Kernels, w: u32, h: u32, rows: u32) -> Bands {
        let device = &ctx.device;
        let reach = kernels.reach() as u32;
        let (table, taps) = tables(kernels);
        let init = |label: &str, contents: &[u8], usage| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage,
            })
        };
        let storage = wgpu::BufferUsages::STORAGE;
        let table = init("gpu.density.table", bytemuck::cast_slice(&table), storage);
        let taps = init("gpu.density.taps", bytemuck::cast_slice(&taps), storage);
        let max_in = (rows + 2 * reach).min(h) as u64 * w as u64;
        let buffer = |label: &str, size: u64, usage| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size,
                usage,
                mapped_at_creation: false,
            })
        };
        let dst = wgpu::BufferUsages::COPY_DST;
        let counts = buffer("gpu.density.counts", max_in * 8, storage | dst);
        let classified = buffer("gpu.density.classified", max_in * 8, storage);
        let out_bytes = rows as u64 * w as u64 * 4;
        let density = buffer(
            "gpu.density.density",
            out_bytes,
            storage | wgpu::BufferUsages::COPY_SRC,
        );
        let params = buffer(
            "gpu.density.params",
            std::mem::size_of::<DeParams>() as u64,
            wgpu::BufferUsages::UNIFORM | dst,
        );
        let bind = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gpu.density.bind_group"),
            layout: &self.layout,
            entries: &[&params, &counts, &table, &taps, &classified, &density]
                .iter()
                .enumerate()
                .map(|(i, b)| wgpu::BindGroupEntry {
                    binding: i as u32,
                    resource: b.as_entire_binding(),
                })
                .collect::<Vec<_>>(),
        });
        Bands {
            counts,
            density,
            params,
            bind,
        }
    }

    /// Estimates the output `rows` (reading their halo of the kernels' reach) and appends them
    /// to `out`.
    fn run_band(
        &self,
        ctx: &GpuContext,
        bufs: &Bands,
        hist: &Histogram,
        kernels: &Kernels,
        rows: std::ops::Range<u32>,
        out: &mut Vec<f64>,
    ) -> Result<(), GpuError> {
        let (w, h) = (hist.width, hist.height);
        let (first, rows_out) = (rows.start, rows.end - rows.start);
        let reach = kernels.reach() as u32;
        let top = first.saturating_sub(reach);
        let bottom = (first + rows_out + reach).min(h);
        let band = &hist.counts[top as usize * w as usize..bottom as usize * w as usize];
        let pairs: Vec<u32> = band
            .iter()
            .flat_map(|&c| [c as u32, (c >> 32) as u32])
            .collect();
        ctx.queue
            .write_buffer(&bufs.counts, 0, bytemuck::cast_slice(&pairs));
        let p = DeParams {
            width: w,
            rows_in: bottom - top,
            first_out: first - top,
            rows_out,
            reach,
            levels: kernels.taps.len() as u32,
            _pad: [0; 2],
        };
        ctx.queue
            .write_buffer(&bufs.params, 0, bytemuck::bytes_of(&p));
        let mut enc = ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("gpu.density.encoder"),
            });
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("gpu.density.pass"),
                timestamp_writes: None,
            });
            pass.set_bind_group(0, &bufs.bind, &[]);
            pass.set_pipeline(&self.classify);
            pass.dispatch_workgroups(w.div_ceil(16), p.rows_in.div_ceil(16), 1);
            pass.set_pipeline(&self.gather);
            pass.dispatch_workgroups(w.div_ceil(16), rows_out.div_ceil(16), 1);
        }
        ctx.queue.submit([enc.finish()]);
        let bytes = readback::read_buffer(ctx, &bufs.density, rows_out as u64 * w as u64 * 4)?;
        out.extend(
            bytemuck::cast_slice::<u8, f32>(&bytes)
                .iter()
                .map(|&v| v as f64),
        );
        Ok(())
    }
}

/// The buffers one estimate's bands write or read (the bind group holds the others).
struct Bands {
    counts: wgpu::Buffer,
    density: wgpu::Buffer,
    params: wgpu::Buffer,
    bind: wgpu::BindGroup,
}

/// The level table and the taps (each level's centre and one side) as the shader reads them.
fn tables(k: &Kernels) -> (Vec<Level>, Vec<f32>) {
    let mut taps = Vec::new();
    let levels = k
        .thresholds
        .iter()
        .zip(&k.taps)
        .map(|(&t, full)| {
            let radius = full.len() / 2;
            let offset = taps.len() as u32;
            taps.extend(full[radius..].iter().map(|&v| v as f32));
            Level {
                threshold: [t as u32, (t >> 32) as u32],
                radius: radius as u32,
                offset,
            }
        })
        .collect();
    (levels, taps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_fit_the_binding_and_the_halo() {
        // 1000 bins of 8 bytes a row; 100 rows fit in 800,000 bytes; a reach of 9 takes 18.
        assert_eq!(band_rows(1000, 5000, 9, 800_000), Some(82));
        assert_eq!(
            band_rows(1000, 50, 9, 800_000),
            Some(50),
            "capped at the height"
        );
        assert_eq!(
            band_rows(1000, 5000, 50, 800_000),
            None,
            "the halo alone is too tall"
        );
        // The work cap: 16384 wide with a reach of 64 (129^2 area) takes 15 rows a dispatch.
        assert_eq!(band_rows(16384, 16384, 64, u64::MAX), Some(15));
    }

    #[test]
    fn tables_hold_each_level_once() {
        let k = Kernels::new(&"2,0.5,0.5".parse().unwrap());
        let (levels, taps) = tables(&k);
        assert_eq!(levels.len(), k.taps.len());
        let last = levels.last().unwrap();
        assert_eq!(last.threshold, [1, 0], "a count of 1 has the widest kernel");
        assert_eq!(last.radius, 2);
        assert_eq!(taps.len() as u32, last.offset + 3);
        assert_eq!(
            levels[0].threshold,
            [u32::MAX, u32::MAX],
            "width 0 is never reached"
        );
    }
}
