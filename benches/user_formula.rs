//! The float32 step of a user formula against the built-in map it spells, on the same points:
//! Clifford as a formula (register program over lanes of orbits) vs built-in Clifford (the map
//! inlined into an 8-lane loop, as the sampled CPU mode runs it). Steps only, no binning.
//! `cargo bench --bench user_formula`; tiny under `cargo test --benches`.

use attractors::attractor::user::{UserMap, builtin_formula};
use attractors::attractor::{Equation, F32Kernel};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Orbits and steps per orbit of one measured iteration.
const ORBITS: usize = 4096;
const STEPS: usize = 256;
const PARAMS: [f32; 7] = [-1.3, -1.3, -1.8, -1.9, 0.0, 0.0, 0.0];

fn starts(n: usize) -> Vec<[f32; 3]> {
    (0..n)
        .map(|i| {
            [
                (i as f32 * 0.618).fract() - 0.5,
                (i as f32 * 0.383).fract() - 0.5,
                0.0,
            ]
        })
        .collect()
}

/// Built-in: groups of 8 lanes in structure-of-arrays form, the equation's step inlined.
struct Builtin<'a>(&'a mut [[f32; 3]]);

impl F32Kernel for Builtin<'_> {
    type Output = ();
    fn run<S: Fn([f32; 3], &[f32; 7]) -> [f32; 3] + Copy>(self, step: S) {
        const L: usize = 8;
        for group in self.0.chunks_exact_mut(L) {
            let mut xs: [f32; L] = std::array::from_fn(|l| group[l][0]);
            let mut ys: [f32; L] = std::array::from_fn(|l| group[l][1]);
            let mut zs: [f32; L] = std::array::from_fn(|l| group[l][2]);
            for _ in 0..STEPS {
                for l in 0..L {
                    [xs[l], ys[l], zs[l]] = step([xs[l], ys[l], zs[l]], &PARAMS);
                }
            }
            for l in 0..L {
                group[l] = [xs[l], ys[l], zs[l]];
            }
        }
    }
}

fn formula<const N: usize>(map: &UserMap, pts: &mut [[f32; 3]]) {
    let mut ev = map.eval_f32::<N>(&PARAMS);
    for group in pts.chunks_exact_mut(N) {
        let mut xs: [f32; N] = std::array::from_fn(|l| group[l][0]);
        let mut ys: [f32; N] = std::array::from_fn(|l| group[l][1]);
        let mut zs: [f32; N] = std::array::from_fn(|l| group[l][2]);
        for _ in 0..STEPS {
            ev.step(&mut xs, &mut ys, &mut zs);
        }
        for l in 0..N {
            group[l] = [xs[l], ys[l], zs[l]];
        }
    }
}

fn clifford_step(c: &mut Criterion) {
    let map = UserMap::parse(&builtin_formula(Equation::Clifford).unwrap()).unwrap();
    let mut g = c.benchmark_group("clifford_f32_step");
    g.throughput(Throughput::Elements((ORBITS * STEPS) as u64));
    let mut pts = starts(ORBITS);
    g.bench_function("builtin_8_lanes", |b| {
        b.iter(|| Equation::Clifford.dispatch_f32(Builtin(black_box(&mut pts))))
    });
    g.bench_function("formula_8_lanes", |b| {
        b.iter(|| formula::<8>(&map, black_box(&mut pts)))
    });
    g.bench_function("formula_16_lanes", |b| {
        b.iter(|| formula::<16>(&map, black_box(&mut pts)))
    });
    g.bench_function("formula_64_lanes", |b| {
        b.iter(|| formula::<64>(&map, black_box(&mut pts)))
    });
    g.bench_function("formula_256_lanes", |b| {
        b.iter(|| formula::<256>(&map, black_box(&mut pts)))
    });
    g.finish();
}

criterion_group!(benches, clifford_step);
criterion_main!(benches);
