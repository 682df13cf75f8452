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
//! Input rules as everywhere: only regular files, read by the one `.npy` reader
//! ([`crate::npy`]). Standard input (`shade -`) is read once, into memory, when the header's
//! array fits there; nothing is copied to disk.

use super::shade_input::resolve_input;
use crate::checkpoint::Meta;
use crate::cli::{ShadeArg, ShadeArgs};
use crate::npy::NpyCounts;
use crate::output::{Kind, OutputFile, Roles, is_stdio};
use crate::shade::{Color, CountStats, Palette, Shade, Style, ToneMap};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// Bytes a picture column costs while one row is shaded (u64 count, 16-bit RGBA, its copies).
const ROW_BYTES_PER_COLUMN: u64 = 32;

pub fn run(args: &ShadeArgs) -> Result<()> {
    if is_stdio(&args.file) {
        shade_stdin(args)
    } else {
        shade_file(args)
    }
}

/// Shades the counts file `args.file` names (a `.npy`, or a checkpoint's).
fn shade_file(args: &ShadeArgs) -> Result<()> {
    let (npy_path, meta) = resolve_input(&args.file)?;
    let png_path = args.png.clone().unwrap_or_else(|| default_png(&args.file));
    check_roles(args, &npy_path, &png_path)?;
    let npy = NpyCounts::open(&npy_path)?;
    if let Some(m) = &meta
        && (m.key.width, m.key.height) != (npy.width(), npy.height())
    {
        bail!(
            "{}: {}x{} counts, but its checkpoint sidecar says {}x{}; the checkpoint is damaged",
            npy_path.display(),
            npy.width(),
            npy.height(),
            m.key.width,
            m.key.height
        );
    }
    let look = look_of(&npy, &npy_path, meta.as_ref(), args.config.as_deref())?;
    let (style, depth) = style_of(args, look)?;
    let out = match &args.png {
        Some(p) => OutputFile::prepare_or_stdout(p, Kind::Png, "--png")?,
        None => prepare_default(&png_path)?,
    };
    let text = png_text(Some(&args.file), meta.as_ref(), &style, depth);
    shade_to(args, &npy, &style, depth, out, &text)
}

/// Shades a `.npy` read from standard input: the output is checked first, then the stream is
/// read once, into memory, when its header says it fits (nothing is copied to disk).
fn shade_stdin(args: &ShadeArgs) -> Result<()> {
    use std::io::IsTerminal;
    if let Some(c) = &args.config {
        bail!(
            "--config {}: shade reads it only for the preset a checkpoint names, and standard input has none; drop --config (give --palette, --shade, --background instead)",
            c.display()
        );
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        bail!(
            "FILE -: standard input is a terminal; pipe a .npy of counts into it (`attractors --hist - | attractors shade -`) or give a file name"
        );
    }
    let (style, depth) = style_of(args, Look::default())?;
    let png_path = args.png.clone().unwrap_or_else(|| PathBuf::from("-"));
    let out = OutputFile::prepare_or_stdout(&png_path, Kind::Png, "--png")?;
    let npy = NpyCounts::from_stream(&mut stdin.lock(), "standard input (-)")?;
    let text = png_text(None, None, &style, depth);
    shade_to(args, &npy, &style, depth, out, &text)
}

/// No output may be one of the files shade reads.
fn check_roles(args: &ShadeArgs, npy_path: &Path, png_path: &Path) -> Result<()> {
    let recipe = crate::recipe::sidecar_path(npy_path);
    let label = if args.png.is_some() {
        "--png"
    } else {
        "the default output"
    };
    Roles::new()
        .input("FILE", Some(&args.file))
        .input("the counts of FILE", Some(npy_path))
        .input("the recipe of FILE", Some(&recipe))
        .input("--config", args.config.as_deref())
        .derived(label, Some(png_path), "give --png another name")
        .check()
}

/// The default output (`X.png`): a name the user did not type never replaces a file.
fn prepare_default(png_path: &Path) -> Result<OutputFile> {
    if png_path.is_dir() {
        bail!(
            "shade: the default output {} is a directory; pass --png OTHER.png",
            png_path.display()
        );
    }
    if std::fs::symlink_metadata(png_path).is_ok() {
        bail!(
            "shade: the default output {} exists; a name you did not give never replaces a file: pass --png {} to replace it, or --png OTHER.png",
            png_path.display(),
            png_path.display()
        );
    }
    Ok(OutputFile::prepare_for(png_path, Kind::Png, "--png")?.keep_existing())
}

/// Streams the counts twice (statistics, then shading a row at a time into the PNG), puts the
/// PNG in place and reports.
fn shade_to(
    args: &ShadeArgs,
    npy: &NpyCounts,
    style: &Style,
    depth: u8,
    out: OutputFile,
    text: &crate::output::PngText,
) -> Result<()> {
    check_rows_fit(npy)?;
    let out_name = out.describe();
    let mut stats = CountStats::new(style.shade);
    npy.for_each_row(|row| row.iter().for_each(|&c| stats.add(c)))?;
    let tone = ToneMap::from_stats(style.shade, &stats, style.span)?;
    let opaque = style.background.0[3] == 255 || stats.zeros == 0;
    let (w, h) = (npy.width(), npy.height());
    let layout = crate::output::PngLayout {
        width: w,
        height: h,
        depth,
        alpha: !opaque,
    };
    let mut rows = npy.rows()?;
    out.write_png_rows(layout, text, |_, line| {
        let row = rows.next_row()?;
        super::render_out::shade_row(&tone, style, layout, row, line);
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
            style.shade,
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

/// The picture is shaded a row at a time: a row's counts, pixels and encoder copies must fit.
fn check_rows_fit(npy: &NpyCounts) -> Result<()> {
    let w = npy.width() as u64;
    let row_bytes = w * ROW_BYTES_PER_COLUMN;
    if let Some(avail) = crate::backend::available_memory()
        && row_bytes > avail
    {
        bail!(
            "{}: rows of {w} counts need about {} MiB of memory each, but only {} MiB are available; free some memory or raise the process's limit",
            npy.shown,
            row_bytes >> 20,
            avail >> 20
        );
    }
    Ok(())
}

/// The PNG's text: the recipe of the counts in `file` (from their `.recipe.json` or checkpoint
/// sidecar) shaded in `style`, or only a description when the counts came without one (`None`:
/// standard input).
fn png_text(
    file: Option<&Path>,
    meta: Option<&Meta>,
    style: &Style,
    depth: u8,
) -> crate::output::PngText {
    let recipe = file.and_then(|f| {
        crate::recipe::load(f)
            .ok()
            .and_then(|d| d.into_picture("").ok())
            .or_else(|| meta.and_then(|m| crate::recipe::of_checkpoint(m).ok()))
    });
    match recipe {
        Some(r) => {
            let mut r = r.with_style(style);
            r.depth = depth;
            crate::recipe::Document::picture(r).png_text()
        }
        None => crate::output::PngText::plain(format!(
            "attractors shade of {} (counts without a recipe)",
            file.map_or("standard input".to_string(), |f| f.display().to_string())
        )),
    }
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
        if let Some(c) = config {
            bail!(
                "--config {}: shade takes the look from the recipe {}, so no preset file is read; drop --config",
                c.display(),
                side.display()
            );
        }
        return recipe_look(counts, npy, &side);
    }
    match meta {
        Some(m) => checkpoint_look(m, config),
        None => {
            if let Some(c) = config {
                bail!(
                    "--config {}: shade reads it only for the preset a checkpoint names, and {} has no checkpoint or recipe; drop --config (give --palette, --shade, --background instead)",
                    c.display(),
                    npy.display()
                );
            }
            Ok(Look::default())
        }
    }
}

/// The look of the recipe `side` beside the counts `npy`, which must be of their size.
fn recipe_look(counts: &NpyCounts, npy: &Path, side: &Path) -> Result<Look> {
    let shown = side.display().to_string();
    let damaged = |e: String| {
        anyhow!(
            "{e}; shade takes its look (tone map, palette, background) from it: fix it, or move it away"
        )
    };
    let recipe = crate::recipe::load(side)
        .and_then(|d| d.into_picture(&shown))
        .map_err(|e| damaged(e.to_string()))?;
    let style =
        crate::cli::from::recipe_style(&recipe, &shown).map_err(|e| damaged(format!("{e:#}")))?;
    let quality =
        crate::cli::from::recipe_quality(&recipe, &shown).map_err(|e| damaged(format!("{e:#}")))?;
    let n = quality.supersample.max(1);
    let [w, h] = recipe.size;
    let want = (w.saturating_mul(n), h.saturating_mul(n));
    if want != (counts.width(), counts.height()) {
        let ss = if n > 1 {
            format!(" at --supersample {n}, a {}x{} canvas,", want.0, want.1)
        } else {
            String::new()
        };
        return Err(damaged(format!(
            "{shown}: \"size\" {w}x{h}{ss} disagrees with the {}x{} counts of {}; it is another picture's recipe",
            counts.width(),
            counts.height(),
            npy.display()
        )));
    }
    Ok(Look {
        shade: Some(style.shade),
        palette: Some(style.palette.name.clone()),
        background: Some(style.background),
        span: style.span,
        depth: Some(quality.depth),
    })
}

/// The look of the preset a checkpoint names (in `--config`, else the built-in presets).
fn checkpoint_look(m: &Meta, config: Option<&Path>) -> Result<Look> {
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
