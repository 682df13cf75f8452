//! The compute pipelines of the accumulate pass (`shaders/accumulate.wgsl`) for one number of
//! histogram bindings ([`super::bindings`]): the composed shader, the bind group layout (uniforms,
//! counts, orbits, tally, totals, pool, then the extra counts and totals buffers) and the
//! `cs_accumulate` and `cs_fold` pipelines.

use super::GpuContext;
use super::bindings::Split;
use super::compose::compose_accumulate_bindings;

/// The pipelines and bind group layout of one binding count.
pub(super) struct Pipelines {
    pub layout: wgpu::BindGroupLayout,
    pub accumulate: wgpu::ComputePipeline,
    pub fold: wgpu::ComputePipeline,
}

fn storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

impl Pipelines {
    pub fn build(ctx: &GpuContext, map_step: &str, bindings: u32) -> Pipelines {
        let src = compose_accumulate_bindings(map_step, bindings);
        let device = &ctx.device;
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("gpu.accumulate.shader"),
            source: wgpu::ShaderSource::Wgsl(src.into()),
        });
        let mut entries = vec![
            wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            },
            storage_entry(1, false),
            storage_entry(2, false),
            storage_entry(3, false),
            storage_entry(4, false),
            storage_entry(5, true),
        ];
        for j in 1..bindings {
            let (h, t) = Split::binding_numbers(j);
            entries.extend([storage_entry(h, false), storage_entry(t, false)]);
        }
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("gpu.accumulate.layout"),
            entries: &entries,
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("gpu.accumulate.pipeline_layout"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = |entry: &str, label: &str| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        Pipelines {
            accumulate: pipeline("cs_accumulate", "gpu.accumulate.cs_accumulate"),
            fold: pipeline("cs_fold", "gpu.accumulate.cs_fold"),
            layout,
        }
    }
}
