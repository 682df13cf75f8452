//! `attractors shade FILE`: re-colour a saved histogram without re-rendering.
//!
//! FILE is a 2-D uint32/uint64 `.npy` (ours, or any such array with row 0 = top, e.g. a
//! datashader aggregate flipped with `np.flipud`), or a checkpoint's `.ckpt.json`. The counts are
//! streamed twice, a row at a time: once for the tone map's statistics (smallest and largest
//! count, and the distinct counts for eq_hist), once to colour each row into the PNG. Memory is a
//! row plus the distinct counts, whatever the file's size.
//!
//! The look (tone map, palette, background, span, depth) defaults to the counts' own: the recipe
//! beside them (`X.recipe.json`), else the look of the preset a checkpoint's sidecar names (for
//! `OUT.ckpt.a.npy` / `OUT.ckpt.b.npy` that is `OUT.ckpt.json`; for `X.npy`, `X.ckpt.json` when
//! it exists and has the same size); each flag given overrides its part.
//!
//! The default output (`X.png`, not typed by the user) is written only where no file is: it never
//! replaces the render's own picture.
//!
//! Input rules as everywhere: only regular files; the `.npy` header is bounded
//! (`shade_npy.rs`) and the file must be exactly header + height * width * item size bytes.

use super::shade_input::resolve_input;
use super::shade_npy::NpyCounts;
use crate::checkpoint::Meta;
use crate::cli::{ShadeArg, ShadeArgs};
use crate::output::{Kind, OutputFile, Roles};
use crate::shade::{Color, CountStats, Palette, Shade, Style, ToneMap};
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};

pub fn run(args: &ShadeArgs) -> Result<()> {
    if !crate::output::is_stdio(&args.file) {
        return shade_file(args, None);
    }
    // Standard input is read whole into a temporary file first: the counts are streamed twice.
    let spooled = spool_stdin()?;
    let temp = spooled.path().display().to_string();
    shade_file(args, Some(spooled.path())).map_err(|e| {
        // Messages name the input as the user gave it, not the temporary copy.
        anyhow!("{}", format!("{e:#}").replace(&temp, "standard input (-)"))
    })
}

/// Shades `args.file`, or `stdin_copy` (a temporary copy of standard input) when given.
fn shade_file(args: &ShadeArgs, stdin_copy: Option<&Path>) -> Result<()> {
    let from_stdin = stdin_copy.is_some();
    let (npy_path, meta) = match stdin_copy {
        Some(t) => (t.to_path_buf(), None),
        None => resolve_input(&args.file)?,
    };
    let png_path = match &args.png {
        Some(p) => p.clone(),
        None if from_stdin => PathBuf::from("-"),
        None => default_png(&args.file),
    };
    if !from_stdin {
        let recipe = crate::recipe::sidecar_path(&npy_path);
        Roles::new()
            .input("FILE", Some(&args.file))
            .input("the counts of FILE", Some(&npy_path))
            .input("the recipe of FILE", Some(&recipe))
            .input("--config", args.config.as_deref())
            .derived(
                if args.png.is_some() {
                    "--png"
                } else {
                    "the default output"
                },
                Some(&png_path),
                "give --png another name",
            )
            .check()?;
    }
    let npy = NpyCounts::open(&npy_path)?;
    if let Some(m) = &meta
        && (m.key.width, m.key.height) != (npy.width, npy.height)
    {
        bail!(
            "{}: {}x{} counts, but its checkpoint sidecar says {}x{}; the checkpoint is damaged",
            npy_path.display(),
            npy.width,
            npy.height,
            m.key.width,
            m.key.height
        );
    }
    let look = if from_stdin {
        if let Some(c) = &args.config {
            bail!(
                "--config {}: shade reads it only for the preset a checkpoint names, and standard input has none; drop --config (give --palette, --shade, --background instead)",
                c.display()
            );
        }
        Look::default()
    } else {
        look_of(&npy, &npy_path, meta.as_ref(), args.config.as_deref())?
    };
    let (style, depth) = style_of(args, look)?;
    let shade = style.shade;
    let out = if args.png.is_none() && !from_stdin {
        // A name the user did not type never replaces a file.
        if png_path.is_dir() {
            bail!(
                "shade: the default output {} is a directory; pass --png OTHER.png",
                png_path.display()
            );
        }
        if std::fs::symlink_metadata(&png_path).is_ok() {
            bail!(
                "shade: the default output {} exists; a name you did not give never replaces a file: pass --png {} to replace it, or --png OTHER.png",
                png_path.display(),
                png_path.display()
            );
        }
        OutputFile::prepare_for(&png_path, Kind::Png, "--png")?.keep_existing()
    } else {
        OutputFile::prepare_or_stdout(&png_path, Kind::Png, "--png")?
    };
    let out_name = out.describe();
    let text = png_text(&args.file, meta.as_ref(), from_stdin, &style, depth);

    let mut stats = CountStats::new(shade);
    npy.for_each_row(|row| row.iter().for_each(|&c| stats.add(c)))?;
    let tone = ToneMap::from_stats(shade, &stats, style.span)?;
    let opaque = style.background.0[3] == 255 || stats.zeros == 0;
    let (w, h) = (npy.width, npy.height);
    let layout = crate::output::PngLayout {
        width: w,
        height: h,
        depth,
        alpha: !opaque,
    };
    let mut rows = npy.rows()?;
    out.write_png_rows(layout, &text, |_, line| {
        let row = rows.next_row()?;
        super::render_out::shade_row(&tone, &style, layout, row, line);
        Ok(())
    })?
    .commit()?;
    if !args.quiet {
        eprintln!(
            "{}: {w}x{h}, {} lit bins, counts {}..{}, {} {}{} -> {} ({}-bit)",
            args.file.display(),
            w as u64 * h as u64 - stats.zeros,
            tone.cmin,
            tone.cmax,
            shade,
            style.palette.name,
            style
                .span
                .map(|s| format!(" span {},{}", s.min, s.max))
                .unwrap_or_default(),
            out_name,
            depth
        );
    }
    Ok(())
}

/// The PNG's text: the recipe of the counts (from their `.recipe.json` or checkpoint sidecar)
/// shaded in `style`, or only a description when the counts came without one.
fn png_text(
    file: &Path,
    meta: Option<&Meta>,
    from_stdin: bool,
    style: &Style,
    depth: u8,
) -> crate::output::PngText {
    let recipe = if from_stdin {
        None
    } else {
        crate::recipe::load(file)
            .ok()
            .and_then(|d| d.into_picture("").ok())
            .or_else(|| meta.and_then(|m| crate::recipe::of_checkpoint(m).ok()))
    };
    match recipe {
        Some(r) => {
            let mut r = r.with_style(style);
            r.depth = depth;
            crate::recipe::Document::picture(r).png_text()
        }
        None => crate::output::PngText::plain(format!(
            "attractors shade of {} (counts without a recipe)",
            if from_stdin {
                "standard input".to_string()
            } else {
                file.display().to_string()
            }
        )),
    }
}

/// Copies standard input into a temporary file (refused when it is a terminal).
fn spool_stdin() -> Result<tempfile::NamedTempFile> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        bail!(
            "FILE -: standard input is a terminal; pipe a .npy of counts into it (`attractors --hist - | attractors shade -`) or give a file name"
        );
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".attractors-stdin-")
        .suffix(".npy")
        .tempfile()
        .context("FILE -: cannot make a temporary file for standard input")?;
    std::io::copy(&mut stdin.lock(), temp.as_file_mut())
        .context("FILE -: reading standard input")?;
    Ok(temp)
}

/// `X.npy` -> `X.png`; `OUT.ckpt.json` -> `OUT.ckpt.png`.
fn default_png(input: &Path) -> PathBuf {
    input.with_extension("png")
}

/// The look the counts came with: the recipe beside them (`X.recipe.json`, written with
/// `--hist X.npy`), else the look of the preset a checkpoint names (its `.atr` columns, looked up
/// in `--config`). Each part is a default that a flag overrides.
#[derive(Default)]
struct Look {
    shade: Option<Shade>,
    palette: Option<String>,
    background: Option<Color>,
    span: Option<crate::shade::Span>,
    depth: Option<u8>,
}

/// `--config` (given) is read only for a checkpoint's preset without a recipe: anywhere else it
/// would do nothing, so it is refused. A recipe beside the counts must be a file, and of them.
fn look_of(
    counts: &NpyCounts,
    npy: &Path,
    meta: Option<&Meta>,
    config: Option<&Path>,
) -> Result<Look> {
    let side = crate::recipe::sidecar_path(npy);
    if std::fs::symlink_metadata(&side).is_ok() && !side.is_file() {
        bail!(
            "{}: the recipe beside the counts is not a file; shade takes its look (tone map, palette, background) from it: move it away",
            side.display()
        );
    }
    if side.is_file() {
        let shown = side.display().to_string();
        if let Some(c) = config {
            bail!(
                "--config {}: shade takes the look from the recipe {shown}, so no preset file is read; drop --config",
                c.display()
            );
        }
        let damaged = |e: String| {
            anyhow!(
                "{e}; shade takes its look (tone map, palette, background) from it: fix it, or move it away"
            )
        };
        let recipe = crate::recipe::load(&side)
            .and_then(|d| d.into_picture(&shown))
            .map_err(|e| damaged(e.to_string()))?;
        let style = crate::cli::from::recipe_style(&recipe, &shown)
            .map_err(|e| damaged(format!("{e:#}")))?;
        let quality = crate::cli::from::recipe_quality(&recipe, &shown)
            .map_err(|e| damaged(format!("{e:#}")))?;
        let n = quality.supersample.max(1);
        let [w, h] = recipe.size;
        let want = (w.saturating_mul(n), h.saturating_mul(n));
        if want != (counts.width, counts.height) {
            let ss = if n > 1 {
                format!(" at --supersample {n}, a {}x{} canvas,", want.0, want.1)
            } else {
                String::new()
            };
            return Err(damaged(format!(
                "{shown}: \"size\" {w}x{h}{ss} disagrees with the {}x{} counts of {}; it is another picture's recipe",
                counts.width,
                counts.height,
                npy.display()
            )));
        }
        return Ok(Look {
            shade: Some(style.shade),
            palette: Some(style.palette.name.clone()),
            background: Some(style.background),
            span: style.span,
            depth: Some(quality.depth),
        });
    }
    let Some(m) = meta else {
        if let Some(c) = config {
            bail!(
                "--config {}: shade reads it only for the preset a checkpoint names, and {} has no checkpoint or recipe; drop --config (give --palette, --shade, --background instead)",
                c.display(),
                npy.display()
            );
        }
        return Ok(Look::default());
    };
    let presets = crate::attractor::Presets::load(config)?;
    Ok(match presets.get(&m.preset) {
        Ok(p) => Look {
            shade: p.shade,
            palette: p.palette.clone(),
            background: p.background,
            ..Look::default()
        },
        Err(e) if config.is_some() => bail!(
            "--config {}: {e}; the checkpoint names preset '{}': give the preset file it came from, or drop --config",
            config.unwrap_or(Path::new("")).display(),
            m.preset
        ),
        Err(_) => Look::default(),
    })
}

/// The style and depth: each flag given, else the look's, else the default (eq_hist, fire,
/// black, no span, 8 bits). The look's span goes with its tone map only (eq_hist takes none).
fn style_of(args: &ShadeArgs, look: Look) -> Result<(Style, u8)> {
    let shade = match args.shade {
        Some(ShadeArg::EqHist) => Shade::EqHist,
        Some(ShadeArg::Log) => Shade::Log,
        Some(ShadeArg::Cbrt) => Shade::Cbrt,
        Some(ShadeArg::Linear) => Shade::Linear,
        None => look.shade.unwrap_or(Shade::EqHist),
    };
    let palette_name = args
        .palette
        .clone()
        .or(look.palette)
        .unwrap_or_else(|| "fire".to_string());
    let palette = Palette::from_name(&palette_name).map_err(|e| anyhow!("--palette: {e}"))?;
    let background = match &args.background {
        Some(b) => b.parse().map_err(|e| anyhow!("--background: {e}"))?,
        None => look.background.unwrap_or(Color([0, 0, 0, 255])),
    };
    let span = args.span.or(look.span.filter(|_| shade != Shade::EqHist));
    let style = Style {
        shade,
        palette,
        background,
        span,
    };
    crate::shade::check_style(&style)?;
    Ok((style, args.depth.or(look.depth).unwrap_or(8)))
}
