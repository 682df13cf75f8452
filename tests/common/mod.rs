//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

#[cfg(unix)]
pub mod files;

/// The built binary, run in the repository root (so ./attractors.atr is found).
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("attractors").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs with `args`, expects exit code 2, exactly one `error:` line containing `want`, and no
/// panic; returns stderr.
pub fn fails(args: &[&str], want: &str) -> String {
    fails_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, want)
}

/// [`fails`], run in `dir`.
pub fn fails_in(dir: &Path, args: &[&str], want: &str) -> String {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "args {args:?}: stderr {err}");
    assert!(
        err.contains(want),
        "args {args:?}: expected '{want}' in: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "panic for {args:?}: {err}"
    );
    assert_eq!(
        err.trim_end()
            .lines()
            .filter(|l| l.starts_with("error"))
            .count(),
        1,
        "{err}"
    );
    err
}

/// Whether a GPU adapter is there (or required by ATTRACTORS_REQUIRE_GPU=1, which makes a
/// missing one fail the GPU tests themselves).
pub fn have_gpu() -> bool {
    std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1")
        || attractors::gpu::GpuContext::new(None).is_ok()
}

/// An open GPU device, or None (printing why) when there is none; with ATTRACTORS_REQUIRE_GPU=1 a
/// missing one fails the test instead.
pub fn gpu() -> Option<std::sync::Arc<attractors::gpu::GpuContext>> {
    match attractors::gpu::GpuContext::new(None) {
        Ok(c) => Some(std::sync::Arc::new(c)),
        Err(e) if std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") => {
            panic!("ATTRACTORS_REQUIRE_GPU=1 but no GPU: {e}")
        }
        Err(e) => {
            eprintln!("skipping GPU test: {e}");
            None
        }
    }
}

/// The counts of preset `name` on a `w` x `h` canvas with `points` points and `seed`, rendered
/// by the library on the CPU (sampled mode).
pub fn render_cpu(name: &str, w: u32, h: u32, points: u64, seed: u64) -> attractors::Histogram {
    use attractors::{Backend, Control, Job, Presets, drive, open_engine};
    let preset = Presets::builtin().get(name).unwrap().clone();
    let job = Job::builder(preset)
        .size(w, h)
        .points(points)
        .seed(seed)
        .build()
        .unwrap();
    let mut engine = open_engine(Backend::Cpu, None, &job, |_| {}).unwrap();
    drive(engine.as_mut(), job.iters, &Control::new(), None)
        .unwrap()
        .hist
}

/// The histogram of `job` rendered by the library on the GPU `ctx` (its own pipeline).
pub fn render_gpu(
    ctx: &std::sync::Arc<attractors::gpu::GpuContext>,
    job: &attractors::Job,
) -> attractors::Histogram {
    use attractors::gpu::{AccumulatePass, GpuEngine};
    use attractors::{Control, drive};
    let pass = std::sync::Arc::new(AccumulatePass::for_preset(ctx, &job.preset).unwrap());
    let mut engine = GpuEngine::with_pass(ctx.clone(), pass, job).unwrap();
    drive(&mut engine, job.iters, &Control::new(), None)
        .unwrap_or_else(|f| panic!("{}", f.error))
        .hist
}

/// A tiny, quiet CPU animation of Clifford (a healthy sweep, 32x32, 1e4 points a frame) of
/// `frames` frames, followed by `extra` (its outputs).
pub fn tiny_animation<'a>(frames: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "animate",
        "Clifford",
        "--sweep",
        "a=-1.3:-1.2",
        "--frames",
        frames,
        "--size",
        "32x32",
        "--iters",
        "1e4",
        "--backend",
        "cpu",
        "-q",
    ];
    a.extend_from_slice(extra);
    a
}
