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

/// Points `XDG_RUNTIME_DIR` at a private directory when it is unset, so Mesa's Wayland probe
/// stays quiet (see [`attractors::gpu::runtime_dir`]). Runs first in `main`, before any thread
/// exists.
fn quiet_mesa_wayland_probe() {
    if let Some(dir) = attractors::gpu::runtime_dir::private_runtime_dir() {
        // SAFETY: called at the top of main, while the process has a single thread.
        unsafe { std::env::set_var("XDG_RUNTIME_DIR", &dir) };
    }
}
