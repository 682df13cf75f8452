//! Mesa's Vulkan and EGL drivers probe for Wayland and print "error: XDG_RUNTIME_DIR is invalid
//! or not set" on headless machines (twice per adapter search), which reads like one of our
//! errors. Every client that may open a GPU (the command line, the Python package) points the
//! variable at a private directory first, when it is unset: this module says which.

use std::path::PathBuf;

/// A private runtime directory (`$TMPDIR/attractors-runtime-UID`, mode 0700) for
/// `XDG_RUNTIME_DIR` when the variable is unset, created if need be; `None` when it is set, or
/// when no such directory could be made (the drivers then print their line, harmlessly).
/// The caller sets the variable: the command line at the top of `main`, before any thread
/// exists; the Python package through `os.environ` when it is imported.
pub fn private_runtime_dir() -> Option<PathBuf> {
    #[cfg(unix)]
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        let uid = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("attractors-runtime-{uid}"));
        let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
        return dir.is_dir().then_some(dir);
    }
    None
}
