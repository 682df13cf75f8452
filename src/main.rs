//! Thin entry point: parse flags, run, print the error chain once, exit code.

fn main() {
    quiet_mesa_wayland_probe();
    let args = attractors::cli::parse();
    match attractors::cmd::run(args) {
        Ok(attractors::cmd::Outcome::Complete) => {}
        Ok(attractors::cmd::Outcome::Interrupted) => std::process::exit(130),
        Err(err) => {
            eprintln!("error: {}", attractors::message::error_text(&err));
            std::process::exit(2);
        }
    }
}

/// Mesa's Vulkan and EGL drivers probe for Wayland and print "error: XDG_RUNTIME_DIR is invalid or
/// not set" on headless machines, which reads like one of our errors. When the variable is unset,
/// point it at a private directory. Runs first in `main`, before any thread exists.
fn quiet_mesa_wayland_probe() {
    #[cfg(unix)]
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        let uid = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("attractors-runtime-{uid}"));
        let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
        if dir.is_dir() {
            // SAFETY: called at the top of main, while the process has a single thread.
            unsafe { std::env::set_var("XDG_RUNTIME_DIR", &dir) };
        }
    }
}
