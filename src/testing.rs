//! Test hooks, read once from the environment in this one place, so no test-only flag threads
//! through production code. Each is inert unless its variable is set.
//!
//! * `ATTRACTORS_TEST_INTERRUPT_AT=N`: after N points of a run, behave exactly as on Ctrl-C.
//!   Tests stop renders at a point count instead of after a sleep, so the verdict is the same on
//!   a 2-core and a 64-core machine.
//! * `ATTRACTORS_TEST_CHECKPOINT_EVERY=N`: checkpoints every N points instead of every
//!   `--checkpoint` seconds (a test sees the same number of checkpoints on any machine).
//! * `ATTRACTORS_TEST_LOSE_DEVICE_AT=N`: the GPU engine destroys its device after N points (a
//!   simulated device loss).
//! * `ATTRACTORS_TEST_GPU_BINDING_BYTES=N`: the GPU histogram's storage bindings hold at most N
//!   bytes each (when smaller than the adapter's limit), so a small canvas spans several of them
//!   and a test can compare it with the one-binding histogram on the same adapter.
//! * `ATTRACTORS_TEST_GPU_DENSITY=1`: `--de` on a software adapter (lavapipe) runs the GPU's
//!   density pass, which such an adapter otherwise leaves to the CPU (faster there), so the
//!   pass is tested end to end on machines without a real GPU.
//! * `ATTRACTORS_TEST_ORBIT_LEN=N`: sampled orbits count at most N points (1 <= N <= 2^32 - 1)
//!   instead of [`crate::sampling::ORBIT_LEN`], on every backend and shard alike, so the orbit
//!   length can be calibrated (examples/calibrate_agreement.rs) without a rebuild.
//! * `ATTRACTORS_TEST_RESIZE_AT=FRAME:WxH`: the window asks for a new inner size at that frame.
//! * `ATTRACTORS_TEST_SAVE_AT_FRAME=N`: the window starts a "save PNG" at frame N, as the S key.
//! * `ATTRACTORS_TEST_WINDOW_REPORT=DIR`: the window writes `DIR/live.txt` (what it shows and
//!   where the panel's widgets are, after every frame) and `DIR/state.txt` (the same at exit), so
//!   a test that drives it with real input (xdotool) knows where to click and can check the outcome.
//! * `ATTRACTORS_TEST_DISK_FULL=NAME`: writing an output file named NAME (its file name, no
//!   directory) fails as on a full disk after [`DISK_FULL_AFTER`] bytes, so a test sees what a
//!   failed write leaves (no partial file, every old file kept) without filling a disk.

use std::sync::OnceLock;

/// The hooks of this process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hooks {
    /// `ATTRACTORS_TEST_INTERRUPT_AT`: interrupt the run (as Ctrl-C) once this many points are done.
    pub interrupt_at: Option<u64>,
    /// `ATTRACTORS_TEST_CHECKPOINT_EVERY`: checkpoint at every multiple of this many points
    /// instead of by time.
    pub checkpoint_every: Option<u64>,
    /// `ATTRACTORS_TEST_LOSE_DEVICE_AT`: the GPU engine acts as if its device were lost at this
    /// many points.
    pub lose_device_at: Option<u64>,
    /// `ATTRACTORS_TEST_GPU_BINDING_BYTES`: the storage binding limit assumed instead of the
    /// adapter's.
    pub gpu_binding_bytes: Option<u64>,
    /// `ATTRACTORS_TEST_ORBIT_LEN`: the sampled orbit length instead of the planned one
    /// (1..=u32::MAX).
    pub orbit_len: Option<u64>,
    /// `ATTRACTORS_TEST_GPU_DENSITY=1`: `--de` runs on the GPU even on a software adapter.
    pub gpu_density: bool,
    /// `ATTRACTORS_TEST_RESIZE_AT=FRAME:WxH`: the window resizes itself at that frame.
    pub resize_at: Option<(u64, u32, u32)>,
    /// `ATTRACTORS_TEST_SAVE_AT_FRAME`: the window saves a PNG at that frame.
    pub save_at_frame: Option<u64>,
}

fn number(var: &str) -> Option<u64> {
    std::env::var(var).ok()?.trim().parse().ok()
}

fn resize(var: &str) -> Option<(u64, u32, u32)> {
    let v = std::env::var(var).ok()?;
    let (frame, size) = v.split_once(':')?;
    let (w, h) = size.split_once('x')?;
    Some((frame.parse().ok()?, w.parse().ok()?, h.parse().ok()?))
}

/// The hooks, read from the environment on first use.
pub fn hooks() -> Hooks {
    static HOOKS: OnceLock<Hooks> = OnceLock::new();
    *HOOKS.get_or_init(|| Hooks {
        interrupt_at: number("ATTRACTORS_TEST_INTERRUPT_AT"),
        checkpoint_every: number("ATTRACTORS_TEST_CHECKPOINT_EVERY"),
        lose_device_at: number("ATTRACTORS_TEST_LOSE_DEVICE_AT"),
        gpu_binding_bytes: number("ATTRACTORS_TEST_GPU_BINDING_BYTES"),
        gpu_density: number("ATTRACTORS_TEST_GPU_DENSITY") == Some(1),
        orbit_len: number("ATTRACTORS_TEST_ORBIT_LEN")
            .filter(|n| (1..=u32::MAX as u64).contains(n)),
        resize_at: resize("ATTRACTORS_TEST_RESIZE_AT"),
        save_at_frame: number("ATTRACTORS_TEST_SAVE_AT_FRAME"),
    })
}

/// The directory of `ATTRACTORS_TEST_WINDOW_REPORT`, read on first use.
pub fn window_report_dir() -> Option<&'static std::path::Path> {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("ATTRACTORS_TEST_WINDOW_REPORT").map(Into::into))
        .as_deref()
}

/// Bytes an output named by `ATTRACTORS_TEST_DISK_FULL` takes before its disk "fills".
pub const DISK_FULL_AFTER: u64 = 64;

/// The file name of `ATTRACTORS_TEST_DISK_FULL`, read on first use.
pub fn disk_full_for() -> Option<&'static str> {
    static NAME: OnceLock<Option<String>> = OnceLock::new();
    NAME.get_or_init(|| std::env::var("ATTRACTORS_TEST_DISK_FULL").ok())
        .as_deref()
}

/// Raises the same flag a Ctrl-C or SIGTERM raises.
pub fn interrupt() {
    crate::signals::raise();
}
