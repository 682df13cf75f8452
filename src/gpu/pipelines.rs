//! The compute pipelines of the accumulate pass (`shaders/accumulate.wgsl`) for one number of
//! histogram bindings ([`super::bindings`]): the composed shader, the bind group layout (uniforms,
//! counts, orbits, tally, totals, pool, then the extra counts and totals buffers) and the
//! `cs_accumulate` and `cs_fold` pipelines.

use super::GpuContext;
use super::bindings::Split;
use super::compose::compose_accumulate_bindings;

/// The pipelines and bind group layout of one binding count.
pub(super) struct Pipelines {
    /// The bind group layout of `accumulate.wgsl` for this many histogram bindings.
    pub layout: wgpu::BindGroupLayout,
    /// The accumulate pipeline (`cs_accumulate`).
    pub accumulate: wgpu::ComputePipeline,
    /// The fold pipeline (`cs_fold`): u32 counts into the 64-bit totals.
    pub fold: wgpu::ComputePipeline,
}

/// A compute-stage uniform buffer entry of a bind group layout.
pub(super) fn uniform_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    buffer_entry(binding, wgpu::BufferBindingType::Uniform)
}

/// A compute-stage storage buffer entry of a bind group layout.
pub(super) fn storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    buffer_entry(binding, wgpu::BufferBindingType::Storage { read_only })
}

fn buffer_entry(binding: u32, ty: wgpu::BufferBindingType) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

impl Pipelines {
    /// Compiles the accumulate shader with `map_step` for `bindings` histogram bindings.
    pub fn build(ctx: &GpuContext, map_step: &str, bindings: u32) -> Pipelines {
        let src = compose_accumulate_bindings(map_step, bindings);
        let device = &ctx.device;
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("gpu.accumulate.shader"),
            source: wgpu::ShaderSource::Wgsl(src.into()),
        });
        let mut entries = vec![
            uniform_entry(0),
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
        let [accumulate, fold] = compute_pipelines(
            ctx,
            &module,
            &layout,
            "gpu.accumulate",
            ["cs_accumulate", "cs_fold"],
        );
        Pipelines {
            accumulate,
            fold,
            layout,
        }
    }
}

/// The compute pipelines of `module`'s entry points `entries`, all on one bind group `layout`,
/// labelled `{label}.{entry}`.
pub(super) fn compute_pipelines<const N: usize>(
    ctx: &GpuContext,
    module: &wgpu::ShaderModule,
    layout: &wgpu::BindGroupLayout,
    label: &str,
    entries: [&str; N],
) -> [wgpu::ComputePipeline; N] {
    let device = &ctx.device;
    let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(&format!("{label}.pipeline_layout")),
        bind_group_layouts: &[Some(layout)],
        immediate_size: 0,
    });
    entries.map(|entry| {
        device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(&format!("{label}.{entry}")),
            layout: Some(&pipeline_layout),
            module,
            entry_point: Some(entry),
            compilation_options: Default::default(),
            cache: None,
        })
    })
}
