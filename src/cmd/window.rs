//! Without `--png`/`--hist`: the live window on the chosen preset.

use crate::cli::RenderArgs;
use crate::cli::config::preset_bounds;
use crate::cli::render_config;
use anyhow::{Result, bail};
use std::path::PathBuf;

pub fn run(r: &RenderArgs) -> Result<()> {
    crate::cli::scope::check(r, crate::cli::scope::Mode::Window)?;
    if r.adapter
        .as_deref()
        .is_some_and(crate::gpu::GpuContext::is_many)
    {
        bail!(
            "--adapter {}: several devices render headless jobs (--png/--hist); the window uses one: give an adapter name",
            r.adapter.as_deref().unwrap_or_default()
        );
    }
    crate::output::Roles::new()
        .input("--config", r.config.as_deref())
        .input("--from", r.from.as_deref())
        .output("--screenshot", r.screenshot.as_deref())
        .check()?;
    // The screenshot's path is checked now, before a display or a GPU is looked for.
    if let Some(p) = &r.screenshot {
        crate::output::OutputFile::check_for(p, crate::output::Kind::Png, "--screenshot")?;
    }
    let cfg = render_config(r)?;
    let mut presets = cfg.presets.all().to_vec();
    let index = cfg.presets.index_of(&cfg.job.preset.name).unwrap_or(0);
    presets[index] = cfg.job.preset.clone();
    crate::window::run(crate::window::WindowOptions {
        presets,
        index,
        config_path: r
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("attractors.atr")),
        style: cfg.style,
        // Without --size the window fits the screen.
        size: size_given().then_some((cfg.job.width, cfg.job.height)),
        bounds: (r.bounds.is_some()
            || r.from.is_some()
            || preset_bounds(r, &cfg.job.preset).is_some())
        .then_some(cfg.job.bounds),
        skip: cfg.job.skip,
        seed: cfg.job.seed,
        cpu: accumulates_on_cpu(r),
        adapter: r.adapter.clone(),
        frames: r.frames,
        screenshot: r.screenshot.clone(),
        panel: r.panel,
        quiet: r.quiet,
    })
}

/// Whether the window accumulates on the CPU: `--backend cpu`, or `auto` where a software adapter
/// loses to the CPU engine ([`crate::backend::AutoChoice`]; the window still draws with the GPU).
fn accumulates_on_cpu(r: &RenderArgs) -> bool {
    match r.backend {
        crate::Backend::Auto => {
            let choice = crate::backend::AutoChoice::for_machine(r.adapter.as_deref());
            if !r.quiet {
                eprintln!("note: {}", choice.line());
            }
            choice.backend == crate::Backend::Cpu
        }
        b => b == crate::Backend::Cpu,
    }
}

/// Whether `--size` is on the command line (its default is the PNG size, not a window size).
fn size_given() -> bool {
    std::env::args_os().any(|a| {
        let a = a.to_string_lossy();
        a == "--size" || a.starts_with("--size=")
    })
}
