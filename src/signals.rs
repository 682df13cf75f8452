//! Ctrl-C, SIGTERM and SIGHUP, handled alike: the first asks the running work to stop and keep
//! what it accumulated (outputs, checkpoint, the resume command); a second ends the process at
//! once (exit 130) after removing the temporary files this process made.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

static SIGNALS: AtomicU32 = AtomicU32::new(0);
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler (once per process; later calls do nothing).
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if SIGNALS.fetch_add(1, Ordering::SeqCst) >= 1 {
                remove_temp_files();
                std::process::exit(130);
            }
        });
    });
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
