//! The GPU histogram across several storage bindings (src/gpu/bindings.rs): the same counts, bit
//! for bit, whether a canvas goes through one binding or is forced through several (the test hook
//! `ATTRACTORS_TEST_GPU_BINDING_BYTES`), and canvases beyond one binding agree with the CPU.
//! Without an adapter the tests print why and skip, unless ATTRACTORS_REQUIRE_GPU=1.

mod common;
use attractors::compare::agreement_coarse;
use attractors::cpu::render_sampled;
use attractors::engine::{Control, drive};
use attractors::gpu::{AccumulatePass, GpuEngine};
use attractors::job::Job;
use attractors::output::read_npy_counts;
use common::{bin, gpu};
use std::sync::Arc;

/// Renders on the GPU into `dir/name.npy`, each binding holding at most `binding_bytes` when
/// given; returns the counts.
fn counts(dir: &std::path::Path, name: &str, size: &str, binding_bytes: Option<u64>) -> Vec<u64> {
    let path = dir.join(format!("{name}.npy"));
    let mut c = bin();
    c.args([
        "Clifford",
        "--backend",
        "gpu",
        "--size",
        size,
        "--iters",
        "3e6",
    ])
    .args(["--seed", "5", "--hist", path.to_str().unwrap()]);
    if let Some(b) = binding_bytes {
        c.env("ATTRACTORS_TEST_GPU_BINDING_BYTES", b.to_string());
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_npy_counts(&path).unwrap().2
}

#[test]
fn several_bindings_give_the_same_histogram_as_one() {
    if gpu().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // 700000 bins in buffers of 125000 (1e6 bytes of 64-bit totals): 6 buffers, the last one
    // partly filled; a hook that did nothing would still pass this comparison, so the refusal
    // below shows that it splits.
    let one = counts(dir.path(), "one", "1000x700", None);
    let six = counts(dir.path(), "six", "1000x700", Some(1_000_000));
    assert!(one.iter().sum::<u64>() > 2_000_000);
    assert!(one == six, "6 bindings differ from 1");
    // 998 bins in buffers of 1000: the second buffer holds only two tally totals.
    let one = counts(dir.path(), "one_small", "499x2", None);
    let two = counts(dir.path(), "two_small", "499x2", Some(8000));
    assert!(one == two, "2 bindings differ from 1");
    // 56 buffers of 12500 bins would be needed: refused, naming the forced binding size.
    let err = bin()
        .args(["Clifford", "--backend", "gpu", "--size", "1000x700"])
        .args([
            "--iters",
            "1e4",
            "--png",
            dir.path().join("no.png").to_str().unwrap(),
        ])
        .env("ATTRACTORS_TEST_GPU_BINDING_BYTES", "100000")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&err.stderr);
    assert_eq!(err.status.code(), Some(2), "{text}");
    assert!(
        text.contains("ATTRACTORS_TEST_GPU_BINDING_BYTES") && text.contains("largest square"),
        "{text}"
    );
}

#[test]
fn sizes_are_accepted_up_to_what_the_bindings_hold() {
    let Some(ctx) = gpu() else { return };
    let (bytes, _) = ctx.binding_bytes();
    let count = ctx.max_bindings();
    let per = bytes / 8;
    // The largest square the bindings hold is accepted, one pixel wider than that square's
    // area allows is refused.
    let most = per * count as u64 - 4;
    let side = ((most as f64).sqrt() as u32).min(ctx.limits.max_texture_dimension_2d);
    let split = ctx.check_size(side, side).unwrap();
    assert!(split.count <= count);
    assert_eq!(split.bins, side as u64 * side as u64);
    if (side as u64 + 1) * (side as u64 + 1) > most
        && side < ctx.limits.max_texture_dimension_2d
        && most < i32::MAX as u64
    {
        assert!(ctx.check_size(side + 1, side + 1).is_err());
    }
}

/// GPU (several bindings on lavapipe) vs CPU at `side x side`, compared in blocks (the canvas
/// summed to at most 256 x 256, [`agreement_coarse`]) with the thresholds of tests/gpu.rs.
fn agrees_with_cpu_at(side: u32, iters: u64) {
    let Some(ctx) = gpu() else { return };
    let p = attractors::Presets::builtin()
        .get("Clifford")
        .unwrap()
        .clone();
    let bounds = attractors::pilot::run(&p, 1000, 0).unwrap().bounds;
    let job = Job::new(p, (side, side), bounds, iters, 1000, 3);
    let split = ctx.check_size(side, side).unwrap();
    println!("{side}x{side}: {} binding(s)", split.count);
    let pass = Arc::new(AccumulatePass::new(&ctx, job.preset.equation));
    let mut engine = GpuEngine::with_pass(ctx.clone(), pass, &job).unwrap();
    let g = drive(&mut engine, job.iters, &Control::new(), None)
        .unwrap_or_else(|f| panic!("{}", f.error))
        .hist;
    assert_eq!(g.tally.total(), job.iters, "{:?}", g.tally);
    assert_eq!(g.sum(), g.tally.counted);
    drop(engine);
    let c = render_sampled(
        &Job {
            seed: 4,
            ..job.clone()
        },
        &Control::new(),
    );
    let a = agreement_coarse(&g.counts, &c.counts, side, side);
    println!("{side}x{side}, {iters} points, GPU vs CPU: {a}");
    assert!(a.log_corr >= 0.93 && a.tvd <= 0.06, "{a}");
}

#[test]
fn a_canvas_beyond_one_binding_agrees_with_the_cpu() {
    agrees_with_cpu_at(4608, 20_000_000);
}

/// `cargo test --release --test gpu_bindings -- --ignored --nocapture` (measured numbers in
/// the guide, "Print quality").
#[test]
#[ignore = "slow on a software adapter: 8192 x 8192 at 1e8 points"]
fn eight_k_agrees_with_the_cpu() {
    agrees_with_cpu_at(8192, 100_000_000);
}
