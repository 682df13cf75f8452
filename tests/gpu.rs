//! GPU tests, run for real on whatever adapter wgpu finds (Mesa lavapipe in CI). Without an
//! adapter they print why and skip, unless ATTRACTORS_REQUIRE_GPU=1 (set in CI), which makes a
//! missing driver a failure.

use attractors::app::load_presets;
use attractors::attractor::{Equation, Preset};
use attractors::compare::agreement;
use attractors::cpu::{accumulate_exact, accumulate_sampled};
use attractors::gpu::accumulate::{AccumulatePass, accumulate};
use attractors::gpu::{GpuContext, GpuError, ShadePass};
use attractors::histogram::{Bounds, Histogram};
use attractors::job::{Control, Job};
use attractors::pilot;
use attractors::shade::{Color, Palette, Shade, Style, shade};
use wgpu::util::DeviceExt;

fn gpu() -> Option<GpuContext> {
    match GpuContext::new(None) {
        Ok(c) => Some(c),
        Err(e) if std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") => {
            panic!("ATTRACTORS_REQUIRE_GPU=1 but no GPU: {e}")
        }
        Err(e) => {
            eprintln!("skipping GPU test: {e}");
            None
        }
    }
}

fn presets() -> Vec<Preset> {
    load_presets(Some(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/attractors.atr"
    ))))
    .unwrap()
    .0
}

fn run_gpu(ctx: &GpuContext, job: &Job) -> Histogram {
    let pass = AccumulatePass::new(ctx, job.preset.equation);
    accumulate(ctx, &pass, job, &Control::new())
        .unwrap_or_else(|f| panic!("{}: {}", job.preset.name, f.error))
}

/// GPU vs CPU, with the thresholds of tests/sampled_vs_exact.rs (calibrated there on CPU-vs-CPU
/// runs and deliberately wrong renderers; 1e7 points, 256x256). Measured on lavapipe: GPU vs CPU
/// exact log-corr 0.952 (duffing) .. 0.9985, TVD 0.010 .. 0.038; GPU vs CPU sampled (other seed)
/// log-corr >= 0.973, TVD <= 0.035. Thresholds: log-corr >= 0.93, TVD <= 0.06.
#[test]
fn gpu_agrees_with_cpu_for_every_dissipative_equation() {
    let Some(ctx) = gpu() else { return };
    let chosen = attractors::attractor::first_dissipative_per_equation(&presets());
    let mut failures = Vec::new();
    for p in &chosen {
        let bounds = pilot::run(p, 1000, 0).unwrap().bounds;
        let job = Job::new(p.clone(), (256, 256), bounds, 10_000_000, 1000, 3);
        let g = run_gpu(&ctx, &job);
        assert_eq!(
            g.tally.total(),
            job.iters,
            "{}: counts do not add up: {:?}",
            p.name,
            g.tally
        );
        assert_eq!(g.sum(), g.tally.counted, "{}", p.name);
        let exact = accumulate_exact(&job, &Control::new());
        let sampled = accumulate_sampled(
            &Job {
                seed: 4,
                ..job.clone()
            },
            &Control::new(),
        );
        let (ae, as_) = (
            agreement(&g.counts, &exact.counts),
            agreement(&g.counts, &sampled.counts),
        );
        println!("{:<18} vs exact: {ae}   vs cpu sampled: {as_}", p.name);
        for a in [ae, as_] {
            if a.log_corr < 0.93 || a.tvd > 0.06 {
                failures.push(format!("{}: {a}", p.name));
            }
        }
    }
    assert!(chosen.len() >= 13);
    assert!(failures.is_empty(), "GPU disagrees with CPU: {failures:?}");
}

#[test]
fn tallies_add_up_with_divergence_and_odd_sizes() {
    let Some(ctx) = gpu() else { return };
    let mut p = presets().into_iter().find(|p| p.name == "Henon").unwrap();
    p.params = vec![1.4, 0.3];
    for (iters, params) in [
        (1u64, vec![1.4, 0.3]),
        (4097, vec![1.4, 0.3]),
        (1_000_003, vec![1.4, 0.3]),
        (200_000, vec![3.0, 0.3]),
    ] {
        p.params = params;
        let job = Job {
            preset: p.clone(),
            width: 37,
            height: 23,
            bounds: Bounds::new(-1.5, 1.5, -0.5, 0.5).unwrap(),
            iters,
            skip: 20,
            seed: 1,
            segment: 0,
            exact_state: None,
        };
        let h = run_gpu(&ctx, &job);
        assert_eq!(h.tally.total(), iters, "{:?}", h.tally);
        assert_eq!(h.sum(), h.tally.counted);
        if p.params[0] == 3.0 {
            assert!(h.tally.diverged > 0, "{:?}", h.tally);
        }
    }
}

#[test]
fn a_bin_beyond_two_to_the_32_is_exact() {
    let Some(ctx) = gpu() else { return };
    // Ikeda with u = 0.5 falls onto a fixed point: every point lands in the single bin.
    let p = Preset {
        name: "fixed".into(),
        equation: Equation::Ikeda,
        start: [0.0; 3],
        params: vec![0.5],
        palette: None,
        line: 0,
    };
    let n = (1u64 << 32) + 12_345;
    let job = Job {
        preset: p,
        width: 1,
        height: 1,
        bounds: Bounds::new(-10.0, 10.0, -10.0, 10.0).unwrap(),
        iters: n,
        skip: 50,
        seed: 0,
        segment: 0,
        exact_state: None,
    };
    let h = run_gpu(&ctx, &job);
    assert_eq!(h.tally.total(), n);
    assert_eq!(h.counts[0], h.tally.counted);
    assert_eq!(h.counts[0], n, "{:?}", h.tally);
}

#[test]
fn gpu_shading_matches_cpu_within_one_level() {
    let Some(ctx) = gpu() else { return };
    let p = presets()
        .into_iter()
        .find(|p| p.name == "Clifford")
        .unwrap();
    let job = Job {
        preset: p,
        width: 200,
        height: 150,
        bounds: Bounds::new(-3.0, 3.0, -3.0, 3.0).unwrap(),
        iters: 2_000_000,
        skip: 100,
        seed: 0,
        segment: 0,
        exact_state: None,
    };
    let mut hist = accumulate_sampled(&job, &Control::new());
    hist.counts[0] = (1u64 << 33) + 7; // a count beyond u32, as a long run makes
    let pass = ShadePass::new(&ctx);
    for (shade_kind, palette, bg) in [
        (Shade::EqHist, "fire", [0, 0, 0, 255]),
        (Shade::Log, "viridis", [10, 20, 30, 255]),
        (Shade::Cbrt, "kbc_r", [255, 255, 255, 255]),
        (Shade::Linear, "bgy", [0, 0, 0, 0]),
    ] {
        let style = Style {
            shade: shade_kind,
            palette: Palette::from_name(palette).unwrap(),
            background: Color(bg),
            span: None,
        };
        let cpu = shade(&hist, &style);
        let gpu = pass.shade(&ctx, &hist, &style).unwrap();
        assert_eq!(cpu.len(), gpu.len());
        let worst = cpu
            .iter()
            .zip(&gpu)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        let differing = cpu.iter().zip(&gpu).filter(|(a, b)| a != b).count();
        println!("{shade_kind}: worst channel difference {worst}, {differing} channels differ");
        assert!(
            worst <= 1,
            "{shade_kind}/{palette}: GPU and CPU differ by {worst} levels"
        );
    }
}

#[test]
fn pcg_hash_is_bit_identical_on_gpu_and_cpu() {
    let Some(ctx) = gpu() else { return };
    // The hash functions exactly as they appear in accumulate.wgsl, in a tiny probe shader.
    let src = include_str!("../shaders/accumulate.wgsl");
    let start = src.find("// PCG hash").unwrap();
    let end = src.find("fn signed_unit").unwrap();
    let probe = format!(
        "{}\n@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) id: vec3<u32>) {{ out[id.x] = hash3(12345u, id.x, id.x * 7u); }}\n",
        &src[start..end]
    );
    let device = &ctx.device;
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("test.pcg"),
        source: wgpu::ShaderSource::Wgsl(probe.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some("test.pcg"),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    let n = 1024u32;
    let out = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("test.pcg.out"),
        contents: &vec![0u8; n as usize * 4],
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
    });
    let bg = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &[wgpu::BindGroupEntry {
            binding: 0,
            resource: out.as_entire_binding(),
        }],
    });
    let mut enc = device.create_command_encoder(&Default::default());
    {
        let mut cp = enc.begin_compute_pass(&Default::default());
        cp.set_pipeline(&pipeline);
        cp.set_bind_group(0, &bg, &[]);
        cp.dispatch_workgroups(n / 64, 1, 1);
    }
    ctx.queue.submit([enc.finish()]);
    let bytes = attractors::gpu::readback::read_buffer(&ctx, &out, n as u64 * 4).unwrap();
    let got: &[u32] = bytemuck::cast_slice(&bytes);
    for (i, g) in got.iter().enumerate() {
        assert_eq!(
            *g,
            attractors::rng::hash3(12345, i as u32, i as u32 * 7),
            "index {i}"
        );
    }
}

#[test]
fn too_large_a_size_is_refused_with_the_limit() {
    let Some(ctx) = gpu() else { return };
    let side = 1 << 15;
    match attractors::gpu::accumulate::check_size(&ctx, side, side) {
        Err(e @ GpuError::TooLarge { .. }) => {
            let m = e.to_string();
            assert!(m.contains("the largest square that fits is"), "{m}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}
