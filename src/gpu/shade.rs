//! Driver of `shaders/shade.wgsl`: shades a [`Histogram`] with a [`Style`] into an RGBA8 texture
//! and reads it back. The tone map (offset, clip, span, eq_hist levels) comes from
//! [`crate::shade::ToneMap`], so the GPU and CPU apply the same rules; the GPU transforms and
//! interpolates the palette in f32 (within one level of the CPU and of datashader).

use super::{GpuContext, GpuError, readback};
use crate::histogram::Histogram;
use crate::shade::{Style, ToneMap};
use bytemuck::{Pod, Zeroable};

const SHADER: &str = include_str!("../../shaders/shade.wgsl");
const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

/// Uniforms of `shade.wgsl` (`struct ShadeParams`); layout checked against naga in the tests.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct ShadeParams {
    background: [f32; 4],
    width: u32,
    height: u32,
    shade: u32,
    n_colors: u32,
    lo: f32,
    hi: f32,
    n_levels: u32,
    _pad: u32,
    offset: [u32; 2],
    clip_lo: [u32; 2],
    clip_hi: [u32; 2],
    _pad2: [u32; 2],
}

/// The shade pipeline (made once).
pub struct ShadePass {
    layout: wgpu::BindGroupLayout,
    pipeline: wgpu::RenderPipeline,
    /// The colour format it renders to (RGBA8 for PNG readback; the surface's in the window).
    pub format: wgpu::TextureFormat,
}

fn entry(binding: u32, ty: wgpu::BufferBindingType) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::FRAGMENT,
        ty: wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

impl ShadePass {
    /// The pass for PNG readback (RGBA8).
    pub fn new(ctx: &GpuContext) -> ShadePass {
        ShadePass::with_format(ctx, FORMAT)
    }

    /// The pass rendering to `format` (a non-sRGB format: the palette bytes are already sRGB).
    pub fn with_format(ctx: &GpuContext, format: wgpu::TextureFormat) -> ShadePass {
        let device = &ctx.device;
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("gpu.shade.shader"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let ro = wgpu::BufferBindingType::Storage { read_only: true };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("gpu.shade.layout"),
            entries: &[
                entry(0, wgpu::BufferBindingType::Uniform),
                entry(1, ro),
                entry(2, ro),
                entry(3, ro),
                entry(4, ro),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("gpu.shade.pipeline_layout"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("gpu.shade.pipeline"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_fullscreen"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_shade"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        ShadePass {
            layout,
            pipeline,
            format,
        }
    }

    /// Uploads `hist`, its tone map and the palette, and binds them (reusable by
    /// [`ShadePass::draw_bound`] until the histogram or style changes).
    pub fn prepare(
        &self,
        ctx: &GpuContext,
        hist: &Histogram,
        style: &Style,
    ) -> Result<wgpu::BindGroup, GpuError> {
        ctx.check_one_binding(hist.width, hist.height)?;
        let tone = ToneMap::of(hist, style);
        let params = shade_params(hist, style, &tone);
        let counts: Vec<[u32; 2]> = hist.counts.iter().map(|&c| split_u64(c)).collect();
        let palette: Vec<[f32; 4]> = style
            .palette
            .colors
            .iter()
            .map(|c| [c[0] as f32, c[1] as f32, c[2] as f32, 255.0])
            .collect();
        let (values, levels) = tone_tables(&tone);
        let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let storage = wgpu::BufferUsages::STORAGE;
        let buffers = [
            upload(
                ctx,
                "gpu.shade.params",
                bytemuck::bytes_of(&params),
                wgpu::BufferUsages::UNIFORM,
            ),
            upload(
                ctx,
                "gpu.shade.counts",
                bytemuck::cast_slice(&counts),
                storage,
            ),
            upload(
                ctx,
                "gpu.shade.palette",
                bytemuck::cast_slice(&palette),
                storage,
            ),
            upload(
                ctx,
                "gpu.shade.values",
                bytemuck::cast_slice(&values),
                storage,
            ),
            upload(
                ctx,
                "gpu.shade.levels",
                bytemuck::cast_slice(&levels),
                storage,
            ),
        ];
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Other(format!(
                "out of GPU memory for shading ({e}); use a smaller --size or --backend cpu"
            )));
        }
        // Binding i is buffers[i]: params, counts, palette, values, levels.
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        Ok(ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gpu.shade.bind_group"),
            layout: &self.layout,
            entries: &entries,
        }))
    }

    /// Draws `hist` into `view` (a `hist.width x hist.height` target of this pass's format).
    pub fn draw(
        &self,
        ctx: &GpuContext,
        hist: &Histogram,
        style: &Style,
        view: &wgpu::TextureView,
    ) -> Result<(), GpuError> {
        let bind_group = self.prepare(ctx, hist, style)?;
        self.draw_bound(ctx, &bind_group, view)
    }

    /// Draws what [`ShadePass::prepare`] bound into `view`.
    pub fn draw_bound(
        &self,
        ctx: &GpuContext,
        bind_group: &wgpu::BindGroup,
        view: &wgpu::TextureView,
    ) -> Result<(), GpuError> {
        let device = &ctx.device;
        let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("gpu.shade.encoder"),
        });
        {
            let mut rp = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("gpu.shade.pass"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            rp.set_pipeline(&self.pipeline);
            rp.set_bind_group(0, bind_group, &[]);
            rp.draw(0..3, 0..1);
        }
        ctx.queue.submit([enc.finish()]);
        ctx.check()
    }

    /// Shades `hist` and returns RGBA8 pixels, row 0 = top (same layout as [`crate::shade::shade`]).
    pub fn shade(
        &self,
        ctx: &GpuContext,
        hist: &Histogram,
        style: &Style,
    ) -> Result<Vec<u8>, GpuError> {
        assert_eq!(self.format, FORMAT, "PNG readback needs the RGBA8 pass");
        ctx.check_one_binding(hist.width, hist.height)?;
        let device = &ctx.device;
        let texture = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("gpu.shade.target"),
            size: wgpu::Extent3d {
                width: hist.width,
                height: hist.height,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        self.draw(ctx, hist, style, &view)?;
        let pixels = readback::read_rgba_texture(ctx, &texture, hist.width, hist.height)?;
        ctx.check()?;
        Ok(pixels)
    }
}

/// A u64 count as the shader's two u32 words (low, high).
fn split_u64(c: u64) -> [u32; 2] {
    [c as u32, (c >> 32) as u32]
}

/// The uniforms of `shade.wgsl` for `hist` under `style` and its tone map.
fn shade_params(hist: &Histogram, style: &Style, tone: &ToneMap) -> ShadeParams {
    ShadeParams {
        background: style.background.0.map(|v| v as f32 / 255.0),
        width: hist.width,
        height: hist.height,
        shade: style.shade.index(),
        n_colors: style.palette.colors.len() as u32,
        lo: tone.lo as f32,
        hi: tone.hi as f32,
        n_levels: tone.values.len() as u32,
        _pad: 0,
        offset: split_u64(tone.offset),
        clip_lo: split_u64(tone.clip.0),
        clip_hi: split_u64(tone.clip.1),
        _pad2: [0; 2],
    }
}

/// The eq_hist tables: each distinct count and its level. Bindings may not be empty, so the
/// other shades get one unused entry.
fn tone_tables(tone: &ToneMap) -> (Vec<[u32; 2]>, Vec<f32>) {
    let mut values: Vec<[u32; 2]> = tone.values.iter().map(|&c| split_u64(c)).collect();
    let mut levels: Vec<f32> = tone.values.iter().map(|&c| tone.level(c) as f32).collect();
    if values.is_empty() {
        values.push([0, 0]);
        levels.push(0.0);
    }
    (values, levels)
}

/// A buffer of `contents` (its size rounded up to the copy alignment). create_buffer +
/// write_buffer rather than create_buffer_init, which panics on a lost device.
fn upload(
    ctx: &GpuContext,
    label: &str,
    contents: &[u8],
    usage: wgpu::BufferUsages,
) -> wgpu::Buffer {
    let b = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (contents.len() as u64).next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT),
        usage: usage | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    ctx.queue.write_buffer(&b, 0, contents);
    b
}
