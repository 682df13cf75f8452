//! The program's flow: raw flags -> presets -> validated [`Job`] and [`Style`] -> a backend fills the
//! histogram (with progress and Ctrl-C) -> shading and outputs. `main.rs` only prints the error.

use crate::attractor::{self, Equation, Preset, atr};
use crate::backend::Backend;
use crate::cli::{Args, AspectArg, BackendArg, Command, ListArgs, RenderArgs, ShadeArg};
use crate::gpu::GpuError;
use crate::histogram::Bounds;
use crate::job::Job;
use crate::output::{Kind, OutputFile};
use crate::pilot;
use crate::shade::{Color, Palette, Shade, Style};
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;

/// The preset file compiled into the binary (used when ./attractors.atr does not exist).
pub const BUILTIN_ATR: &[u8] = include_bytes!("../attractors.atr");

/// How a run ended, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Complete,
    /// Stopped early (Ctrl-C); what was accumulated was written.
    Interrupted,
}

pub fn run(args: Args) -> Result<Outcome> {
    match args.command {
        Some(Command::List(l)) => list(&l).map(|_| Outcome::Complete),
        Some(Command::Bench(b)) => bench(&b).map(|_| Outcome::Complete),
        Some(Command::Search(s)) => crate::search_cmd::run(&s).map(|_| Outcome::Complete),
        Some(Command::Info) => {
            print!("{}", crate::gpu::context::info_text());
            Ok(Outcome::Complete)
        }
        None => crate::render::render(&args.render),
    }
}

/// Loads the preset file: `--config`, else ./attractors.atr, else the built-in copy.
/// Returns the presets and the name used in messages.
pub fn load_presets(config: Option<&Path>) -> Result<(Vec<Preset>, String)> {
    let (bytes, name) = match config {
        Some(p) => (read_limited(p)?, p.display().to_string()),
        None if Path::new("attractors.atr").is_file() => (
            read_limited(Path::new("attractors.atr"))?,
            "attractors.atr".to_string(),
        ),
        None => (
            BUILTIN_ATR.to_vec(),
            "<built-in attractors.atr>".to_string(),
        ),
    };
    let presets = atr::parse(&bytes, &name)?;
    for p in &presets {
        if let Some(pal) = &p.palette {
            Palette::from_name(pal)
                .map_err(|e| anyhow!("{name}:{}: column palette: {e}", p.line))?;
        }
    }
    Ok((presets, name))
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "--config {}: cannot read it; check the path",
            path.display()
        )
    })?;
    if meta.is_dir() {
        bail!(
            "--config {}: is a directory; expected a .atr file",
            path.display()
        );
    }
    if meta.len() > atr::MAX_FILE_BYTES as u64 {
        bail!(
            "{}:1: file is {} bytes, expected a preset file under {} bytes; is this the right file?",
            path.display(),
            meta.len(),
            atr::MAX_FILE_BYTES
        );
    }
    std::fs::read(path).with_context(|| format!("--config {}: cannot read it", path.display()))
}

fn find_preset(presets: &[Preset], name: &str, file: &str) -> Result<Preset> {
    presets
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .cloned()
        .ok_or_else(|| {
            anyhow!(
                "no preset '{name}' in {file}{} (attractors list shows all)",
                crate::suggest::did_you_mean(name, presets.iter().map(|p| p.name.as_str()))
            )
        })
}

/// Applies `--equation`, `--start` and `--params` to a preset.
fn apply_overrides(mut p: Preset, r: &RenderArgs) -> Result<Preset> {
    if let Some(eq) = &r.equation {
        let eq = attractor::lookup_equation(eq)
            .map_err(|e| anyhow!("--equation: {e} (attractors list --equations shows all)"))?;
        if eq != p.equation {
            p.equation = eq;
            p.params = vec![f64::NAN; eq.params().len()];
        }
    }
    if let Some(crate::cli::StartPoint(s)) = &r.start {
        p.start = [s[0], s[1], s.get(2).copied().unwrap_or(0.0)];
    }
    let names = p.equation.params();
    for (k, v) in r.params.iter().flat_map(|p| &p.0) {
        let i = names.iter().position(|n| n == k).ok_or_else(|| {
            anyhow!(
                "--params: '{}' has no parameter '{k}'; its parameters are {}",
                p.equation.name(),
                list_or_none(names)
            )
        })?;
        p.params[i] = *v;
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&p.params)
        .filter(|(_, v)| v.is_nan())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        bail!(
            "--equation {}: give its parameters with --params ({} missing), for example --params {}",
            p.equation.name(),
            missing.join(", "),
            names
                .iter()
                .map(|n| format!("{n}=1"))
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    attractor::check_params(p.equation, &p.params).map_err(|e| anyhow!("--params: {e}"))?;
    Ok(p)
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn shade_of(s: ShadeArg) -> Shade {
    match s {
        ShadeArg::EqHist => Shade::EqHist,
        ShadeArg::Log => Shade::Log,
        ShadeArg::Cbrt => Shade::Cbrt,
        ShadeArg::Linear => Shade::Linear,
    }
}

/// Everything needed to render, validated before any work starts.
pub struct Plan {
    pub job: Job,
    pub style: Style,
    pub exact: bool,
    pub pilot_diverged: f64,
}

/// Validates flags and runs the pilot; no output is touched.
pub fn plan(r: &RenderArgs) -> Result<Plan> {
    let (presets, file) = load_presets(r.config.as_deref())?;
    let name = r.name.as_deref().unwrap_or("Clifford");
    let preset = apply_overrides(find_preset(&presets, name, &file)?, r)?;
    let palette_name = r
        .palette
        .clone()
        .or_else(|| preset.palette.clone())
        .unwrap_or_else(|| "fire".into());
    let palette = Palette::from_name(&palette_name).map_err(|e| anyhow!("--palette: {e}"))?;
    let background: Color = r
        .background
        .parse()
        .map_err(|e| anyhow!("--background: {e}"))?;
    let (width, height) = r.size;
    let pilot = pilot::run(&preset, r.skip, r.seed).map_err(|e| anyhow!("{}: {e}", preset.name))?;
    let bounds = match r.bounds {
        Some([a, b, c, d]) => Bounds::new(a, b, c, d).map_err(|e| anyhow!("--bounds: {e}"))?,
        None if r.aspect == AspectArg::Equal => pilot.bounds.with_equal_aspect(width, height),
        None => pilot.bounds,
    };
    let job = Job {
        preset,
        width,
        height,
        bounds,
        iters: r.iters,
        skip: r.skip,
        seed: r.seed,
        segment: 0,
        exact_state: None,
    };
    let style = Style {
        shade: shade_of(r.shade),
        palette,
        background,
    };
    Ok(Plan {
        job,
        style,
        exact: r.exact,
        pilot_diverged: pilot.diverged_fraction,
    })
}

/// The backend a render runs on: `--exact` is the CPU; `auto` is the GPU when an adapter opens.
pub fn choose_backend(r: &RenderArgs, plan: &Plan) -> Result<Backend> {
    if plan.exact {
        return Ok(Backend::CpuExact);
    }
    let backend = match r.backend {
        BackendArg::Cpu => Backend::CpuSampled,
        BackendArg::Gpu => Backend::gpu(r.adapter.as_deref(), &plan.job)?,
        BackendArg::Auto => match Backend::gpu(r.adapter.as_deref(), &plan.job) {
            Ok(b) => b,
            Err(e @ GpuError::NoSuchAdapter { .. }) => return Err(e.into()),
            Err(e) => {
                if !r.quiet {
                    eprintln!("note: using the CPU: {e}");
                }
                Backend::CpuSampled
            }
        },
    };
    if let Backend::Gpu { ctx, .. } = &backend {
        crate::gpu::accumulate::check_size(ctx, plan.job.width, plan.job.height)?;
    }
    if !r.quiet {
        eprintln!("backend: {}", backend.describe());
    }
    Ok(backend)
}

fn list(l: &ListArgs) -> Result<()> {
    use std::fmt::Write as _;
    let mut out = String::new();
    if l.palettes {
        out = Palette::names().join("\n") + "\n";
    } else if l.equations {
        for e in Equation::ALL {
            let _ = writeln!(out, "{} ({})", e.name(), list_or_none(e.params()));
            for line in e.formula_readable().lines() {
                let _ = writeln!(out, "  {}", line.trim());
            }
        }
    } else {
        let (presets, file) = load_presets(l.config.as_deref())?;
        let _ = writeln!(out, "# {file}: {} presets", presets.len());
        let _ = writeln!(
            out,
            "{:<22} {:<15} {:<10} parameters",
            "name", "equation", "palette"
        );
        for p in &presets {
            let params: Vec<String> = p
                .equation
                .params()
                .iter()
                .zip(&p.params)
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            let _ = writeln!(
                out,
                "{:<22} {:<15} {:<10} {}",
                p.name,
                p.equation.name(),
                p.palette.as_deref().unwrap_or("-"),
                params.join(" ")
            );
        }
    }
    // A closed pipe (`attractors list | head`) is not an error worth a message.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    Ok(())
}

fn bench(b: &crate::cli::BenchArgs) -> Result<()> {
    use crate::bench::{self, BenchPlan};
    if b.max_seconds.is_nan() || b.max_seconds <= 0.0 {
        bail!(
            "--max-seconds {}: expected a positive number of seconds",
            b.max_seconds
        );
    }
    let (presets, file) = load_presets(b.config.as_deref())?;
    let preset = find_preset(&presets, b.name.as_deref().unwrap_or("Clifford"), &file)?;
    let palette = Palette::from_name(preset.palette.as_deref().unwrap_or("fire"))
        .map_err(|e| anyhow!("{e}"))?;
    let pilot = pilot::run(&preset, b.skip, 0).map_err(|e| anyhow!("{}: {e}", preset.name))?;
    // Outputs are checked (and their temporary files made) before the sweep starts.
    let csv = b
        .csv
        .as_deref()
        .map(|p| OutputFile::prepare(p, Kind::Csv))
        .transpose()?;
    let plot_png = b
        .plot
        .as_deref()
        .map(|p| OutputFile::prepare_for(p, Kind::Png, "--plot"))
        .transpose()?;
    let plot_svg = b
        .plot
        .as_deref()
        .map(|p| OutputFile::prepare_for(&p.with_extension("svg"), Kind::Svg, "--plot"))
        .transpose()?;
    let (width, height) = b.size;
    let plan = BenchPlan {
        job: Job {
            preset,
            width,
            height,
            bounds: pilot.bounds,
            iters: 1,
            skip: b.skip,
            seed: 0,
            segment: 0,
            exact_state: None,
        },
        style: Style {
            shade: Shade::EqHist,
            palette,
            background: Color([0, 0, 0, 255]),
        },
        iters: b.iters.0.clone(),
        reps: b.reps,
        backends: b.backends.0.clone(),
        max_seconds: b.max_seconds,
        no_skip: b.no_skip,
        adapter: b.adapter.clone(),
        quiet: b.quiet,
    };
    let report = bench::run(&plan)?;
    let _ = std::io::Write::write_all(
        &mut std::io::stdout().lock(),
        format!("{}{}", report.header, bench::table(&report)).as_bytes(),
    );
    if let Some(out) = csv {
        let path = out.path.clone();
        bench::write_csv(&report, out)?;
        if !b.quiet {
            eprintln!("wrote {}", path.display());
        }
    }
    if let (Some(png), Some(svg)) = (plot_png, plot_svg) {
        const PLOT_SIZE: (u32, u32) = (1600, 1200);
        let rgb = bench::plot::render_rgb(&report, b.with_seed_figures, PLOT_SIZE)?;
        let rgba: Vec<u8> = rgb
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        let (png_path, svg_path) = (png.path.clone(), svg.path.clone());
        png.write_png(&rgba, PLOT_SIZE.0, PLOT_SIZE.1)?;
        svg.write_bytes(
            bench::plot::render_svg(&report, b.with_seed_figures, PLOT_SIZE)?.as_bytes(),
        )?;
        if !b.quiet {
            eprintln!("wrote {} and {}", png_path.display(), svg_path.display());
        }
    }
    Ok(())
}
