//! GPU accumulation (submit to completion, 64-bit fold included) and the GPU shade pass, Clifford
//! at 1024x1024, on the adapter wgpu picks. Prints the adapter; skips when there is none.
//! `cargo bench --bench gpu`; tiny under `cargo test --benches`.

use attractors::attractor::Equation;
use attractors::engine::{Control, drive};
use attractors::gpu::accumulate::AccumulatePass;
use attractors::gpu::{GpuContext, GpuEngine, ShadePass};
use attractors::histogram::Histogram;
use attractors::job::Job;
use attractors::shade::{Color, Palette, Shade, Style};
use std::sync::Arc;
mod common;
use common::clifford;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::{Duration, Instant};

fn accumulate(ctx: &Arc<GpuContext>, pass: &Arc<AccumulatePass>, job: &Job) -> Histogram {
    let mut engine = GpuEngine::with_pass(ctx.clone(), pass.clone(), job).expect("gpu engine");
    drive(&mut engine, job.iters, &Control::new(), None)
        .expect("gpu accumulate")
        .hist
}

fn gpu(c: &mut Criterion) {
    let ctx = match GpuContext::new(None) {
        Ok(ctx) => Arc::new(ctx),
        Err(e) => {
            eprintln!("skipping GPU benchmarks: {e}");
            return;
        }
    };
    eprintln!("adapter: {}", ctx.describe());
    let pass = Arc::new(AccumulatePass::new(&ctx, Equation::Clifford));
    let iters = if ctx.is_software() {
        100_000_000
    } else {
        10_000_000_000
    };
    let job = clifford(iters);
    let mut g = c.benchmark_group("gpu_accumulate_clifford_1024");
    g.sample_size(10);
    g.throughput(Throughput::Elements(job.iters));
    g.bench_function(format!("{iters:e}"), |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                let t = Instant::now();
                let h = accumulate(&ctx, &pass, &job);
                total += t.elapsed();
                assert_eq!(h.tally.total(), job.iters);
            }
            total
        })
    });
    g.finish();

    let hist = accumulate(&ctx, &pass, &clifford(10_000_000));
    let shade = ShadePass::new(&ctx);
    let style = Style {
        shade: Shade::EqHist,
        palette: Palette::from_name("fire").unwrap(),
        background: Color([0, 0, 0, 255]),
        span: None,
    };
    let mut g = c.benchmark_group("gpu_shade_1024");
    g.throughput(Throughput::Elements(hist.counts.len() as u64));
    g.bench_function("eq_hist", |b| {
        b.iter(|| shade.shade(&ctx, &hist, &style).unwrap())
    });
    g.finish();
}

criterion_group!(benches, gpu);
criterion_main!(benches);
