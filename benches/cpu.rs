//! CPU accumulation (sampled and exact) and shading throughput, Clifford at 1024x1024 (and the
//! sampled mode at 4096x4096).
//! `cargo bench --bench cpu`; tiny under `cargo test --benches`.

use attractors::cpu::{render_exact, render_sampled};
use attractors::engine::Control;
use attractors::shade::{Color, Palette, Shade, Style, shade};
mod common;
use common::clifford;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn accumulate(c: &mut Criterion) {
    let mut g = c.benchmark_group("cpu_accumulate_clifford_1024");
    g.sample_size(10);
    let sampled = clifford(100_000_000);
    g.throughput(Throughput::Elements(sampled.iters));
    g.bench_function("sampled_1e8", |b| {
        b.iter(|| render_sampled(&sampled, &Control::new()))
    });
    // The same at 4096x4096: the partitioned scatter keeps the rate near the 1024x1024 one.
    let big = attractors::job::Job {
        width: 4096,
        height: 4096,
        ..clifford(100_000_000)
    };
    g.bench_function("sampled_1e8_4096", |b| {
        b.iter(|| render_sampled(&big, &Control::new()))
    });
    let exact = clifford(20_000_000);
    g.throughput(Throughput::Elements(exact.iters));
    g.bench_function("exact_2e7", |b| {
        b.iter(|| render_exact(&exact, &Control::new()))
    });
    g.finish();
}

fn shading(c: &mut Criterion) {
    let hist = render_sampled(&clifford(10_000_000), &Control::new());
    let mut g = c.benchmark_group("shade_1024");
    g.throughput(Throughput::Elements(hist.counts.len() as u64));
    for s in [Shade::EqHist, Shade::Log] {
        let style = Style {
            shade: s,
            palette: Palette::from_name("fire").unwrap(),
            background: Color([0, 0, 0, 255]),
            span: None,
        };
        g.bench_function(s.name(), |b| b.iter(|| shade(&hist, &style)));
    }
    g.finish();
}

criterion_group!(benches, accumulate, shading);
criterion_main!(benches);
