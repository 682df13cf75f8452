//! Flags -> validated configuration: the preset with its overrides, the job (pilot and automatic
//! bounds included) and the style. Nothing here touches an output or a GPU.

use super::args::{RenderArgs, ShadeArg, StartPoint};
use crate::attractor::{self, Preset, Presets};
use crate::histogram::{Bounds, show_f64};
use crate::job::Job;
use crate::shade::{Color, Palette, Shade, Style};
use anyhow::{Result, anyhow, bail};

/// A render's validated configuration.
pub struct RenderConfig {
    /// The loaded preset file (the window browses it).
    pub presets: Presets,
    /// The validated job (its bounds from the flags, the preset or the pilot).
    pub job: Job,
    /// How the counts become colours.
    pub style: Style,
    /// Fraction of pilot orbits that diverged.
    pub pilot_diverged: f64,
    /// Depth, supersampling, density estimation; the job's canvas is `supersample` times the
    /// picture's.
    pub quality: crate::density::Quality,
}

/// Validates the flags (without `--from`; see [`super::render_config`]) and runs the pilot; no
/// output is touched.
pub fn render_config_of_flags(r: &RenderArgs) -> Result<RenderConfig> {
    let presets = Presets::load(r.config.as_deref())?;
    let name = r.name.as_deref().unwrap_or("Clifford");
    let preset = apply_overrides(presets.get(name)?.clone(), r)?;
    let style = preset_style(r, &preset)?;
    let quality = crate::density::Quality {
        depth: r.depth,
        supersample: r.supersample,
        de: r.de,
    };
    let n = quality.supersample;
    let canvas = (r.size.0 * n, r.size.1 * n);
    let exact = r.exact || r.backend == crate::Backend::CpuExact;
    let look_bounds = preset_bounds(r, &preset);
    let mut builder = Job::builder(preset.clone())
        .size(canvas.0, canvas.1)
        .points(r.iters)
        .skip(r.skip)
        .seed(r.seed)
        .exact(exact)
        .aspect(r.aspect);
    if let Some(b) = r.bounds {
        builder =
            builder.bounds(check_bounds(b, canvas, exact).map_err(|e| anyhow!("--bounds {e}"))?);
    } else if let Some(b) = look_bounds {
        b.check_canvas(canvas.0, canvas.1, !exact).map_err(|e| {
            anyhow!(
                "preset {} (line {}): its bounds {b}: {e}; give --bounds, or --aspect for automatic bounds",
                preset.name,
                preset.line
            )
        })?;
        builder = builder.bounds(b);
    }
    let (job, pilot) = builder.build_with_pilot()?;
    Ok(RenderConfig {
        presets,
        job,
        style,
        pilot_diverged: pilot.diverged_fraction,
        quality,
    })
}

// A preset's look (its `.atr` columns palette, shade, background and bounds): each applies
// unless its flag is given. The bounds belong to the preset's map and framing, so `--equation`,
// `--formula` (see `apply_overrides`) and `--aspect` drop them, as they drop a recipe's.

/// The style of a render of `preset`: `--palette`, `--shade` and `--background` when given, else
/// the preset's, else the flags' defaults.
pub fn preset_style(r: &RenderArgs, preset: &Preset) -> Result<Style> {
    let shade = match preset.shade {
        Some(s) if !r.given.has("shade") => s,
        _ => shade_of(r.shade),
    };
    let background = match preset.background {
        Some(c) if !r.given.has("background") => crate::attractor::look::color_text(c),
        _ => r.background.clone(),
    };
    style_with(r.palette.as_deref(), preset, shade, &background, r.span)
}

/// `--bounds` on a `canvas` (the job's, supersampled), checked for the precision of the renderer
/// (see [`Bounds::check_canvas`]); the error starts with the bounds.
pub fn check_bounds(
    [a, b, c, d]: [f64; 4],
    (w, h): (u32, u32),
    exact: bool,
) -> std::result::Result<Bounds, String> {
    let shown = [a, b, c, d].map(show_f64).join(",");
    let bounds = Bounds::new(a, b, c, d).map_err(|e| format!("{shown}: {e}"))?;
    bounds
        .check_canvas(w, h, !exact)
        .map_err(|e| format!("{bounds}: {e}"))?;
    Ok(bounds)
}

/// A start point's z on a map that never reads it: refused ([`Preset::check_start`]).
pub fn check_start(p: &Preset) -> std::result::Result<(), String> {
    p.check_start()
}

/// The preset's view when neither `--bounds` nor `--aspect` is given.
pub fn preset_bounds(r: &RenderArgs, preset: &Preset) -> Option<Bounds> {
    preset
        .bounds
        .filter(|_| r.bounds.is_none() && !r.given.has("aspect"))
}

/// The style from `--palette` (else the preset's, else fire), `--shade` and `--background`.
pub fn style(
    palette: Option<&str>,
    preset: &Preset,
    shade: ShadeArg,
    background: &str,
    span: Option<crate::shade::Span>,
) -> Result<Style> {
    style_with(palette, preset, shade_of(shade), background, span)
}

fn style_with(
    palette: Option<&str>,
    preset: &Preset,
    shade: Shade,
    background: &str,
    span: Option<crate::shade::Span>,
) -> Result<Style> {
    let palette_name = palette
        .map(str::to_string)
        .or_else(|| preset.palette.clone())
        .unwrap_or_else(|| "fire".into());
    let palette = Palette::from_name(&palette_name).map_err(|e| anyhow!("--palette: {e}"))?;
    let background: Color = background
        .parse()
        .map_err(|e| anyhow!("--background: {e}"))?;
    let style = Style {
        shade,
        palette,
        background,
        span,
    };
    crate::shade::check_style(&style)?;
    Ok(style)
}

use crate::attractor::user::{Origin, UserMap};

/// Applies `--equation`/`--formula`, `--start` and `--params` to a preset.
pub fn apply_overrides(mut p: Preset, r: &RenderArgs) -> Result<Preset> {
    if let Some(eq) = &r.equation {
        apply_equation(&mut p, eq, r.name.is_none())?;
    }
    if let Some(StartPoint(s)) = &r.start {
        p.start = [s[0], s[1], s.get(2).copied().unwrap_or(0.0)];
    }
    if let Some(text) = &r.formula {
        apply_formula(&mut p, text, r.name.is_none())?;
    }
    let owned: Vec<String> = match &p.formula {
        Some(m) => m.param_names_used().iter().map(|c| c.to_string()).collect(),
        None => p.equation.params().iter().map(|n| n.to_string()).collect(),
    };
    let names: Vec<&str> = owned.iter().map(String::as_str).collect();
    for (k, v) in r.params.iter().flat_map(|p| &p.0) {
        let i = param_index(&p, &names, k).ok_or_else(|| {
            anyhow!(
                "--params: '{}' has no parameter '{k}'; its parameters are {}",
                p.map_name(),
                list_or_none(&names)
            )
        })?;
        p.params[i] = *v;
    }
    check_no_missing_params(&p, &names)?;
    if let Some(StartPoint(s)) = &r.start {
        check_start(&p).map_err(|e| {
            anyhow!(
                "--start {}: {e}; give --start {},{}",
                p.start.map(show_f64).join(","),
                s[0],
                s[1]
            )
        })?;
    }
    if p.formula.is_some() {
        return Ok(p);
    }
    attractor::check_params(p.equation, &p.params).map_err(|e| anyhow!("--params: {e}"))?;
    Ok(p)
}

/// `--equation`: another built-in map drops the preset's view and parameters (all to be given),
/// and (when `rename`, i.e. without `--name`) names the preset after the equation.
fn apply_equation(p: &mut Preset, eq: &str, rename: bool) -> Result<()> {
    let eq = attractor::lookup_equation(eq)
        .map_err(|e| anyhow!("--equation: {e} (attractors list --equations shows all)"))?;
    if eq == p.equation {
        return Ok(());
    }
    p.equation = eq;
    p.bounds = None; // the preset's view was of another map
    p.params = vec![f64::NAN; eq.params().len()];
    // The preset's name no longer describes the map: name the equation instead.
    if rename {
        p.name = eq
            .name()
            .split('_')
            .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
            .collect::<Vec<_>>()
            .join("_");
    }
    Ok(())
}

/// `--formula`: the parsed map replaces the preset's; the parameters it reads are to be given
/// (the others are 0), the view is chosen again, and (when `rename`) the preset is `Formula`.
fn apply_formula(p: &mut Preset, text: &str, rename: bool) -> Result<()> {
    let map = UserMap::parse(text)
        .map_err(|e| crate::message::Block(e.render(text, Origin::Flag("--formula"))))?;
    let used = map.params_used();
    p.params = (0..7)
        .map(|i| if used[i] { f64::NAN } else { 0.0 })
        .collect();
    p.formula = Some(std::sync::Arc::new(map));
    p.bounds = None;
    if rename {
        p.name = "Formula".into();
    }
    Ok(())
}

/// Index of parameter `k` in `p.params`, if the map has it (a..g map to 0..6 for a formula,
/// which has only the `names` it reads).
fn param_index(p: &Preset, names: &[&str], k: &str) -> Option<usize> {
    match &p.formula {
        Some(_) => names
            .contains(&k)
            .then(|| {
                attractor::user::PARAM_NAMES
                    .iter()
                    .position(|n| n.to_string() == k)
            })
            .flatten(),
        None => p.equation.params().iter().position(|n| *n == k),
    }
}

/// Refuses a map whose parameters (`names`) are not all given (still NaN), with an example.
fn check_no_missing_params(p: &Preset, names: &[&str]) -> Result<()> {
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| param_index(p, names, n).is_some_and(|i| p.params[i].is_nan()))
        .copied()
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    bail!(
        "{} {}: give its parameters with --params ({} missing), for example --params {}",
        if p.formula.is_some() {
            "--formula"
        } else {
            "--equation"
        },
        p.map_name(),
        missing.join(", "),
        names
            .iter()
            .map(|n| format!("{n}=1"))
            .collect::<Vec<_>>()
            .join(",")
    );
}

/// `a, b, c` or `none`.
pub fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The tone map of a `--shade` value.
pub fn shade_of(s: ShadeArg) -> Shade {
    match s {
        ShadeArg::EqHist => Shade::EqHist,
        ShadeArg::Log => Shade::Log,
        ShadeArg::Cbrt => Shade::Cbrt,
        ShadeArg::Linear => Shade::Linear,
    }
}
