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
    pub background: [f32; 4],
    pub width: u32,
    pub height: u32,
    pub shade: u32,
    pub n_colors: u32,
    pub lo: f32,
    pub hi: f32,
    pub n_levels: u32,
    pub _pad: u32,
    pub offset: [u32; 2],
    pub clip_lo: [u32; 2],
    pub clip_hi: [u32; 2],
    pub _pad2: [u32; 2],
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
        let device = &ctx.device;
        let tone = ToneMap::of(hist, style);
        let bg = style.background.0.map(|v| v as f32 / 255.0);
        let split = |c: u64| [c as u32, (c >> 32) as u32];
        let params = ShadeParams {
            background: bg,
            width: hist.width,
            height: hist.height,
            shade: style.shade.index(),
            n_colors: style.palette.colors.len() as u32,
            lo: tone.lo as f32,
            hi: tone.hi as f32,
            n_levels: tone.values.len() as u32,
            _pad: 0,
            offset: split(tone.offset),
            clip_lo: split(tone.clip.0),
            clip_hi: split(tone.clip.1),
            _pad2: [0; 2],
        };
        let counts: Vec<[u32; 2]> = hist.counts.iter().map(|&c| split(c)).collect();
        let palette: Vec<[f32; 4]> = style
            .palette
            .colors
            .iter()
            .map(|c| [c[0] as f32, c[1] as f32, c[2] as f32, 255.0])
            .collect();
        // Bindings may not be empty: non-eq_hist shades get one unused entry.
        let mut values: Vec<[u32; 2]> = tone.values.iter().map(|&c| split(c)).collect();
        let mut levels: Vec<f32> = tone.values.iter().map(|&c| tone.level(c) as f32).collect();
        if values.is_empty() {
            values.push([0, 0]);
            levels.push(0.0);
        }
        let scope = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        // create_buffer + write_buffer rather than create_buffer_init, which panics on a lost device.
        let init = |label: &str, contents: &[u8], usage: wgpu::BufferUsages| {
            let b = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: (contents.len() as u64).next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT),
                usage: usage | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            ctx.queue.write_buffer(&b, 0, contents);
            b
        };
        let storage = wgpu::BufferUsages::STORAGE;
        let params_buf = init(
            "gpu.shade.params",
            bytemuck::bytes_of(&params),
            wgpu::BufferUsages::UNIFORM,
        );
        let counts_buf = init("gpu.shade.counts", bytemuck::cast_slice(&counts), storage);
        let palette_buf = init("gpu.shade.palette", bytemuck::cast_slice(&palette), storage);
        let values_buf = init("gpu.shade.values", bytemuck::cast_slice(&values), storage);
        let levels_buf = init("gpu.shade.levels", bytemuck::cast_slice(&levels), storage);
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Other(format!(
                "out of GPU memory for shading ({e}); use a smaller --size or --backend cpu"
            )));
        }
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gpu.shade.bind_group"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: params_buf.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: counts_buf.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: palette_buf.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: values_buf.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: levels_buf.as_entire_binding(),
                },
            ],
        });
        Ok(bind_group)
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
