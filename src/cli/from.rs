//! `--from FILE`: the configuration of a render taken from the recipe a picture carries, with
//! every flag the command line gave overriding it (a default does not: `--from old.png --size
//! 8192x8192` changes the size only). The recipe's bounds stay unless `--bounds` is given, or
//! `--equation`, `--formula` or `--aspect` ask for another map or framing (then the pilot chooses
//! them again). A recipe's span is dropped when `--shade` is given (a span does not carry over to
//! another tone map).
//!
//! Every recipe value that is used goes through the check of its flag ([`super::parse`], the
//! shade and density parsers), before the pilot or any output: a recipe may have been edited by
//! hand or written by another program. An error names the file and the field, never a flag the
//! command line did not give: `r.json: "size" 70000x1: expected WIDTHxHEIGHT ...`.

use super::args::{RenderArgs, ShadeArg};
use super::config::{RenderConfig, apply_overrides, check_bounds, check_start, shade_of, style};
use super::parse::{check_count, check_depth, check_size, check_skip, check_supersample};
use crate::attractor::Presets;
use crate::density::Quality;
use crate::histogram::Bounds;
use crate::job::Job;
use crate::recipe::RecipeError;
use crate::recipe::{FieldError, Recipe};
use crate::shade::{Color, Palette, Span, Style};
use anyhow::{Result, anyhow};

/// `file: "field" value: why`.
fn bad(
    file: &str,
    field: &'static str,
    value: impl std::fmt::Display,
    why: String,
) -> anyhow::Error {
    anyhow!("{file}: {}", FieldError::new(field, value, why))
}

/// The recipe's tone map, checked.
fn shade(rc: &Recipe, file: &str) -> Result<ShadeArg> {
    <ShadeArg as clap::ValueEnum>::from_str(&rc.shade, true).map_err(|_| {
        bad(
            file,
            "shade",
            format!("'{}'", rc.shade),
            "expected one of eq_hist, log, cbrt, linear".into(),
        )
    })
}

/// The recipe's span (`None` when it has none), checked; `with_eq_hist` when it goes with eq_hist.
fn span(rc: &Recipe, file: &str, with_eq_hist: bool) -> Result<Option<Span>> {
    let Some([min, max]) = rc.span else {
        return Ok(None);
    };
    let value = format!("{min},{max}");
    if with_eq_hist {
        let why = "a span does not apply to eq_hist; give --shade linear, log or cbrt to keep it";
        return Err(bad(file, "span", value, why.into()));
    }
    Span::check(min, max)
        .map(Some)
        .map_err(|e| bad(file, "span", value, e))
}

/// The recipe's background colour, checked.
fn background(rc: &Recipe, file: &str) -> Result<String> {
    rc.background
        .parse::<Color>()
        .map(|_| rc.background.clone())
        .map_err(|e| bad(file, "background", format!("'{}'", rc.background), e))
}

/// The recipe's palette name, checked.
fn palette(rc: &Recipe, file: &str) -> Result<()> {
    Palette::from_name(&rc.palette)
        .map(|_| ())
        .map_err(|e| bad(file, "palette", format!("'{}'", rc.palette), e))
}

/// The whole style of a recipe, every field checked (what `merge` shades with).
pub fn recipe_style(rc: &Recipe, file: &str) -> Result<Style> {
    let shade = shade(rc, file)?;
    palette(rc, file)?;
    let background = background(rc, file)?;
    let span = span(rc, file, shade == ShadeArg::EqHist)?;
    Ok(Style {
        shade: shade_of(shade),
        palette: Palette::from_name(&rc.palette).map_err(|e| anyhow!(e))?,
        background: background.parse().map_err(|e: String| anyhow!(e))?,
        span,
    })
}

/// The print quality of a recipe, every field checked (what `merge` writes with).
pub fn recipe_quality(rc: &Recipe, file: &str) -> Result<Quality> {
    Ok(Quality {
        depth: depth(rc, file)?,
        supersample: supersample(rc, file)?,
        de: de(rc, file)?,
    })
}

fn depth(rc: &Recipe, file: &str) -> Result<u8> {
    check_depth(rc.depth).map_err(|e| bad(file, "depth", rc.depth, e))
}

fn supersample(rc: &Recipe, file: &str) -> Result<u32> {
    check_supersample(rc.supersample).map_err(|e| bad(file, "supersample", rc.supersample, e))
}

fn de(rc: &Recipe, file: &str) -> Result<Option<crate::density::De>> {
    rc.de
        .map(|d| {
            d.check()
                .map_err(|e| bad(file, "de", format!("{},{},{}", d.radius, d.min, d.curve), e))
        })
        .transpose()
}

/// The configuration of `r` with `--from file`.
pub fn render_config_from(r: &RenderArgs, file: &std::path::Path) -> Result<RenderConfig> {
    let shown = file.display().to_string();
    let f = shown.as_str();
    let rc = load_recipe(file, &shown)?;
    let given = |id: &str| r.given.has(id);

    // The map: the recipe's, with --equation, --formula, --start and --params over it.
    let preset = apply_overrides(rc.preset().map_err(|e| anyhow!("{f}: {e}"))?, r)?;
    if !given("start") {
        check_start(&preset).map_err(|e| {
            let why = format!("{e}; give --start X,Y to render it without z");
            bad(f, "start", format!("{:?}", rc.start), why)
        })?;
    }
    let style = style_from(r, &rc, f, &preset)?;

    // The canvas, the points and the print quality.
    let (w, h) = if given("size") {
        r.size
    } else {
        let [w, h] = rc.size;
        check_size(w, h).map_err(|e| bad(f, "size", format!("{w}x{h}"), e))?
    };
    let quality = quality_from(r, &rc, f)?;
    let points = if given("iters") {
        r.iters
    } else {
        check_count(rc.points).map_err(|e| bad(f, "points", rc.points, e))?
    };
    let skip = if given("skip") {
        r.skip
    } else {
        check_skip(rc.skip).map_err(|e| bad(f, "skip", rc.skip, e))?
    };
    // Any u64 is a seed.
    let seed = if given("seed") { r.seed } else { rc.seed };
    let n = quality.supersample;
    let canvas = (w * n, h * n);
    let exact = r.exact
        || r.backend == crate::Backend::CpuExact
        || (!given("exact") && rc.mode == crate::recipe::Mode::Exact);
    let bounds = bounds_from(r, &rc, f, canvas, exact)?;

    let mut builder = Job::builder(preset)
        .size(canvas.0, canvas.1)
        .points(points)
        .skip(skip)
        .seed(seed)
        .exact(exact)
        .aspect(r.aspect);
    if let Some(b) = bounds {
        builder = builder.bounds(b);
    }
    let (job, pilot) = builder.build_with_pilot()?;
    Ok(RenderConfig {
        presets: Presets::load(None)?,
        job,
        style,
        pilot_diverged: pilot.diverged_fraction,
        quality,
    })
}

/// The picture recipe in `file` (`shown` in messages); a recipe that cannot be read as a whole
/// points at the flags instead.
fn load_recipe(file: &std::path::Path, shown: &str) -> Result<Recipe> {
    crate::recipe::load(file)
        .and_then(|d| d.into_picture(shown))
        .map_err(|e| match e {
            RecipeError::MissingField { .. }
            | RecipeError::UnknownField { .. }
            | RecipeError::Damaged { .. } => {
                anyhow!("--from {e}; render it with flags instead of --from")
            }
            e => anyhow!("--from {e}"),
        })
}

/// The style: each of shade, background, span and palette from the flag when given, else from
/// the recipe (checked).
fn style_from(r: &RenderArgs, rc: &Recipe, f: &str, preset: &crate::Preset) -> Result<Style> {
    let given = |id: &str| r.given.has(id);
    let shade = if given("shade") {
        r.shade
    } else {
        shade(rc, f)?
    };
    let background = if given("background") {
        r.background.clone()
    } else {
        background(rc, f)?
    };
    let span = if given("span") || given("shade") {
        r.span
    } else {
        span(rc, f, shade == ShadeArg::EqHist)?
    };
    if r.palette.is_none() {
        palette(rc, f)?;
    }
    style(r.palette.as_deref(), preset, shade, &background, span)
}

/// The print quality: each of depth, supersample and `--de` from the flag when given, else from
/// the recipe (checked).
fn quality_from(r: &RenderArgs, rc: &Recipe, f: &str) -> Result<Quality> {
    let given = |id: &str| r.given.has(id);
    Ok(Quality {
        depth: if given("depth") {
            r.depth
        } else {
            depth(rc, f)?
        },
        supersample: if given("supersample") {
            r.supersample
        } else {
            supersample(rc, f)?
        },
        de: if given("de") { r.de } else { de(rc, f)? },
    })
}

/// The view: `--bounds` when given; none (the pilot frames it) when another map or framing is
/// asked for; else the recipe's, checked against the `canvas`.
fn bounds_from(
    r: &RenderArgs,
    rc: &Recipe,
    f: &str,
    canvas: (u32, u32),
    exact: bool,
) -> Result<Option<Bounds>> {
    Ok(match r.bounds {
        Some(b) => Some(check_bounds(b, canvas, exact).map_err(|e| anyhow!("--bounds {e}"))?),
        None if ["equation", "formula", "aspect"]
            .iter()
            .any(|id| r.given.has(id)) =>
        {
            None
        }
        None => {
            let b = rc.bounds().map_err(|e| anyhow!("{f}: {e}"))?;
            b.check_canvas(canvas.0, canvas.1, !exact)
                .map_err(|e| bad(f, "bounds", b, e))?;
            Some(b)
        }
    })
}
