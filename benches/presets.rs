//! Parsing a large `.atr` preset file (160 000 rows, about 8 MB) and looking a name up.
//! `cargo bench --bench presets`; tiny under `cargo test --benches`.

use attractors::attractor::atr;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn big_file() -> String {
    let mut text = String::from("Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n");
    for row in 0..160_000 {
        text.push_str(&format!("c{row},clifford,0.1,0,,-1.3,-1.3,-1.8,-1.9,,,\n"));
    }
    text
}

fn parse(c: &mut Criterion) {
    let text = big_file();
    let mut g = c.benchmark_group("atr_parse");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("160k_rows", |b| {
        b.iter(|| atr::parse(text.as_bytes(), "big.atr").unwrap().len())
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
