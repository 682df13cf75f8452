//! GPU tests, run for real on whatever adapter wgpu finds (Mesa lavapipe in CI). Without an
//! adapter they print why and skip, unless ATTRACTORS_REQUIRE_GPU=1 (set in CI), which makes a
//! missing driver a failure.

mod common;
use attractors::attractor::{Equation, Preset};
use attractors::compare::agreement;
use attractors::cpu::{render_exact, render_sampled};
use attractors::engine::Control;
use attractors::engine::drive;
use attractors::gpu::accumulate::{AccumulatePass, Accumulator};
use attractors::gpu::{GpuContext, GpuEngine, GpuError, ShadePass};
use attractors::histogram::{Bounds, Histogram};
use attractors::job::Job;
use attractors::pilot;
use attractors::shade::{Color, Palette, Shade, Style, shade};
use common::gpu;
use std::sync::Arc;
use wgpu::util::DeviceExt;

fn presets() -> Vec<Preset> {
    attractors::Presets::builtin().all().to_vec()
}

fn run_gpu(ctx: &Arc<GpuContext>, job: &Job) -> Histogram {
    let pass = Arc::new(AccumulatePass::new(ctx, job.preset.equation));
    let mut engine = GpuEngine::with_pass(ctx.clone(), pass, job).unwrap();
    drive(&mut engine, job.iters, &Control::new(), None)
        .unwrap_or_else(|f| panic!("{}: {}", job.preset.name, f.error))
        .hist
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
        let exact = render_exact(&job, &Control::new());
        let sampled = render_sampled(
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
            exact: false,
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
fn the_fold_carries_past_two_to_the_32() {
    let Some(ctx) = gpu() else { return };
    // Ikeda with u = 0.5 falls onto a fixed point: every point lands in the single bin, which is
    // preloaded just below 2^32 so the batch's u32 counts must carry into the high word.
    let p = Preset {
        formula: None,
        name: "fixed".into(),
        equation: Equation::Ikeda,
        start: [0.0; 3],
        params: vec![0.5],
        palette: None,
        shade: None,
        background: None,
        bounds: None,
        line: 0,
    };
    let job = Job::new(
        p,
        (1, 1),
        Bounds::new(-10.0, 10.0, -10.0, 10.0).unwrap(),
        1_000_000,
        50,
        0,
    );
    let pass = AccumulatePass::new(&ctx, Equation::Ikeda);
    let mut acc = Accumulator::new(&ctx, &pass, &job).unwrap();
    let mut start = job.empty_histogram();
    let near = (1u64 << 32) - 5;
    start.counts[0] = near;
    start.tally.counted = near;
    acc.preload(&ctx, &start).unwrap();
    let batch = acc.next_batch(job.iters);
    acc.run_batch(&ctx, &pass, batch, std::time::Duration::from_millis(40))
        .unwrap();
    let h = acc.read(&ctx, &job).unwrap();
    assert_eq!(h.tally.total(), near + batch, "{:?}", h.tally);
    assert_eq!(h.counts[0], near + batch);
    assert!(h.counts[0] > u32::MAX as u64);
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
        exact: false,
        segment: 0,
        exact_state: None,
    };
    let mut hist = render_sampled(&job, &Control::new());
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

/// `orbit_start` and `bin_index` of shaders/common.wgsl, composed exactly as the accumulate shader
/// gets them, against `rng::orbit_start` and `Binner32::bin`, bit for bit, edge cases included.
#[test]
fn shared_wgsl_matches_rust_bit_for_bit() {
    let Some(ctx) = gpu() else { return };
    let bounds = Bounds::new(-2.0, 3.0, -1.5, 2.5).unwrap();
    let (w, h) = (37u32, 23u32);
    let b64 = attractors::histogram::Binner::new(bounds, w, h);
    let b32 = b64.to_f32();
    let below = |v: f32| f32::from_bits(v.to_bits() + 1); // one ulp further from zero
    let mut pts: Vec<[f32; 2]> = vec![
        [3.0, 0.0],         // x == xmax
        [-2.0, -1.5],       // both minima
        [3.0, 2.5],         // both maxima
        [below(-2.0), 0.0], // x just below xmin
        [0.0, below(-1.5)], // y just below ymin
        [f32::NAN, 0.0],
        [0.0, f32::NAN],
        [1e10, 0.0],
        [-1e10, 1e10],
        [f32::INFINITY, 0.0],
    ];
    let mut r = 12345u32;
    while pts.len() < 4096 {
        r = attractors::rng::pcg(r);
        let x = attractors::rng::signed_unit(r) * 3.0 + 0.5;
        r = attractors::rng::pcg(r);
        let y = attractors::rng::signed_unit(r) * 2.5 + 0.5;
        pts.push([x, y]);
    }
    let start = [0.25f32, -0.5, 0.125, attractors::rng::START_JITTER];
    let key = 0xdead_beefu32;
    let src = format!(
        "{}\nstruct P {{ b: vec4<f32>, s: vec4<f32>, start: vec4<f32>, w: u32, h: u32, key: u32, n: u32 }}\n\
         @group(0) @binding(0) var<uniform> p: P;\n\
         @group(0) @binding(1) var<storage, read> pts: array<vec2<f32>>;\n\
         @group(0) @binding(2) var<storage, read_write> bins: array<i32>;\n\
         @group(0) @binding(3) var<storage, read_write> starts: array<vec4<f32>>;\n\
         @compute @workgroup_size(64)\n\
         fn main(@builtin(global_invocation_id) id: vec3<u32>) {{\n\
           let i = id.x;\n\
           if i >= p.n {{ return; }}\n\
           bins[i] = bin_index(pts[i].x, pts[i].y, p.b, p.s, p.w, p.h);\n\
           starts[i] = vec4<f32>(orbit_start(p.key, i, i * 7u, p.start), 0.0);\n\
         }}\n",
        attractors::gpu::compose::common_wgsl()
    );
    let device = &ctx.device;
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("test.common"),
        source: wgpu::ShaderSource::Wgsl(src.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some("test.common"),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    let n = pts.len() as u32;
    let mut uniform: Vec<u8> = Vec::new();
    for v in [
        b32.xmin, b32.xmax, b32.ymin, b32.ymax, b32.sx, b32.tx, b32.sy, b32.ty, start[0], start[1],
        start[2], start[3],
    ] {
        uniform.extend(v.to_le_bytes());
    }
    for v in [w, h, key, n] {
        uniform.extend(v.to_le_bytes());
    }
    let init = |label: &str, contents: &[u8], usage: wgpu::BufferUsages| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents,
            usage,
        })
    };
    let ubuf = init("test.common.p", &uniform, wgpu::BufferUsages::UNIFORM);
    let pbuf = init(
        "test.common.pts",
        bytemuck::cast_slice(&pts),
        wgpu::BufferUsages::STORAGE,
    );
    let out = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC;
    let bbuf = init("test.common.bins", &vec![0u8; n as usize * 4], out);
    let sbuf = init("test.common.starts", &vec![0u8; n as usize * 16], out);
    let bg = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &[
            wgpu::BindGroupEntry {
                binding: 0,
                resource: ubuf.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 1,
                resource: pbuf.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 2,
                resource: bbuf.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 3,
                resource: sbuf.as_entire_binding(),
            },
        ],
    });
    let mut enc = device.create_command_encoder(&Default::default());
    {
        let mut cp = enc.begin_compute_pass(&Default::default());
        cp.set_pipeline(&pipeline);
        cp.set_bind_group(0, &bg, &[]);
        cp.dispatch_workgroups(n.div_ceil(64), 1, 1);
    }
    ctx.queue.submit([enc.finish()]);
    let read = |b: &wgpu::Buffer, size: u64| {
        attractors::gpu::readback::read_buffer(&ctx, b, size).unwrap()
    };
    let bins_bytes = read(&bbuf, n as u64 * 4);
    let bins: &[i32] = bytemuck::cast_slice(&bins_bytes);
    let starts_bytes = read(&sbuf, n as u64 * 16);
    let starts: &[[f32; 4]] = bytemuck::cast_slice(&starts_bytes);
    for (i, p) in pts.iter().enumerate() {
        let want = b32.bin(p[0], p[1]).map_or(-1, |v| v as i32);
        assert_eq!(bins[i], want, "bin_index({}, {}) at {i}", p[0], p[1]);
        let s = attractors::rng::orbit_start(
            key,
            i as u32,
            i as u32 * 7,
            [start[0], start[1], start[2]],
        );
        for c in 0..3 {
            assert_eq!(
                starts[i][c].to_bits(),
                s[c].to_bits(),
                "orbit_start component {c} at {i}"
            );
        }
    }
    // The edge cases land where datashader's rule puts them.
    assert_eq!(bins[0], b32.bin(3.0, 0.0).unwrap() as i32);
    assert!(bins[3] < 0 && bins[5] < 0 && bins[6] < 0 && bins[7] < 0 && bins[9] < 0);
}

#[test]
fn too_large_a_size_is_refused_with_the_limit() {
    let Some(ctx) = gpu() else { return };
    let side = 1 << 15;
    match ctx.check_size(side, side) {
        Err(e @ GpuError::TooLarge { .. }) => {
            let m = e.to_string();
            assert!(m.contains("the largest square that fits is"), "{m}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}
