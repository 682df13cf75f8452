//! Ctrl-C, SIGTERM and SIGHUP, handled alike. In a command that keeps its work
//! ([`stop_gracefully`]: renders and animations) the first asks the running work to stop and keep
//! what it accumulated (outputs, checkpoint, the resume command); a second ends the process at
//! once (exit 130) after removing the temporary files this process made. In the other commands
//! (quick ones, or ones with nothing worth keeping half done) the first signal does that.
//!
//! A signal that comes within [`SAME_SIGNAL`] of the first is taken as the same one: `timeout`
//! and a closed terminal deliver one signal twice (to the process, then to its process group),
//! which would otherwise end a render at once and lose its work.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

static SIGNALS: AtomicU32 = AtomicU32::new(0);
static GRACEFUL: AtomicBool = AtomicBool::new(false);
static FIRST_AT: OnceLock<Instant> = OnceLock::new();
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A second signal sooner than this after the first is the same signal delivered twice.
const SAME_SIGNAL: Duration = Duration::from_millis(250);

/// Installs the handler (once per process; later calls do nothing). Until [`stop_gracefully`]
/// is called, a signal ends the process at once.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// Installs the handler, and from now on the first signal asks the running work to stop and
/// keep what it accumulated (the command polls [`interrupted`]).
pub fn stop_gracefully() {
    GRACEFUL.store(true, Ordering::SeqCst);
    install();
}

fn on_signal() {
    let first = *FIRST_AT.get_or_init(Instant::now);
    let n = SIGNALS.fetch_add(1, Ordering::SeqCst);
    if n == 0 && GRACEFUL.load(Ordering::SeqCst) {
        return;
    }
    if n > 0 && first.elapsed() < SAME_SIGNAL {
        return;
    }
    remove_temp_files();
    eprintln!(
        "{}",
        if n == 0 {
            "interrupted: stopped; nothing was written"
        } else {
            "interrupted again: stopped at once; what was not yet written is lost"
        }
    );
    std::process::exit(130);
}

/// Behaves as if a signal arrived (the test hook uses it).
pub fn raise() {
    SIGNALS.fetch_add(1, Ordering::SeqCst);
}

/// Whether a stop was asked for (a signal, or [`raise`]).
pub fn interrupted() -> bool {
    SIGNALS.load(Ordering::SeqCst) > 0
}

/// Remembers a temporary file to remove if the process is ended by a second signal.
pub fn register_temp(path: PathBuf) {
    TEMP_FILES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(path);
}

/// Forgets a temporary file (it was renamed into place or removed).
pub fn forget_temp(path: &std::path::Path) {
    TEMP_FILES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .retain(|p| p != path);
}

fn remove_temp_files() {
    // try_lock: the interrupted thread may hold the lock; then leave the files rather than hang.
    if let Ok(files) = TEMP_FILES.try_lock() {
        for f in files.iter() {
            let _ = std::fs::remove_file(f);
        }
    }
}
