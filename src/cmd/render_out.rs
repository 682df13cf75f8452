//! The outputs of a headless render, checked before the work and written after it: the PNG (with
//! its recipe), the counts `.npy` and the recipe beside it (`FILE.recipe.json`), the EXR. All of
//! them are written to their temporary files first and put in place together
//! ([`crate::output::Batch`]): a failed write replaces none of them.
//!
//! Between the histogram and the pictures: density estimation and supersampling
//! ([`crate::density`]) when asked. The PNG is shaded by the engine (on the GPU when it has one)
//! when the picture is 8-bit, plain and small; else on the CPU in bands of rows that are
//! compressed as they come (no whole-picture RGBA buffer), in 8 or 16 bits. Both shaders give the
//! same picture (tests/shade_parity.rs).

use crate::cli::RenderArgs;
use crate::density::{DENSITY_SCALE, Estimated, Quality};
use crate::engine::Engine;
use crate::histogram::Histogram;
use crate::job::Job;
use crate::output::{Batch, Kind, OutputFile, PngLayout, Staged, is_stdio};
use crate::recipe::{Document, Recipe};
use crate::shade::{CountStats, Shade, Style, ToneMap, pixel8, pixel16};
use anyhow::{Result, bail};

/// Rows shaded together (in parallel) before they go to the encoder.
const BAND_ROWS: usize = 64;
/// Largest picture shaded by the engine (the GPU pass holds it whole); larger ones are banded.
const WHOLE_PICTURE_PIXELS: u64 = 4096 * 4096;

/// The checked outputs of a render.
pub struct Outputs {
    png: Option<OutputFile>,
    npy: Option<OutputFile>,
    npy_recipe: Option<OutputFile>,
    exr: Option<OutputFile>,
}

impl Outputs {
    /// Checks the recipe sidecar's and the EXR's paths too (the `.npy` and PNG are already
    /// prepared).
    pub fn prepare(
        r: &RenderArgs,
        png: Option<OutputFile>,
        npy: Option<OutputFile>,
    ) -> Result<Outputs> {
        Outputs::with(png, npy, r.hist.as_deref(), r.exr.as_deref())
    }

    /// [`Outputs::prepare`] from the paths: `hist` names the `.npy` (its recipe goes beside it).
    pub fn with(
        png: Option<OutputFile>,
        npy: Option<OutputFile>,
        hist: Option<&std::path::Path>,
        exr: Option<&std::path::Path>,
    ) -> Result<Outputs> {
        let npy_recipe = hist
            .filter(|p| !is_stdio(p))
            .map(|p| OutputFile::prepare_for(&crate::recipe::sidecar_path(p), Kind::Json, "--hist"))
            .transpose()?;
        let exr = exr.map(|p| OutputFile::prepare(p, Kind::Exr)).transpose()?;
        Ok(Outputs {
            png,
            npy,
            npy_recipe,
            exr,
        })
    }

    /// Writes every output, then puts them all in place (none when any write fails: the files
    /// that were there are kept); returns their paths. The engine (when there is one) shades the
    /// PNG.
    pub fn write(
        self,
        hist: &Histogram,
        engine: Option<&mut dyn Engine>,
        style: &Style,
        quality: &Quality,
        recipe: Recipe,
        quiet: bool,
    ) -> Result<Vec<String>> {
        let doc = Document::picture(recipe);
        let mut batch = Batch::new();
        // What is reported: the outputs named on the command line (a recipe sidecar goes with
        // its .npy), in the order they are written.
        let mut written = Vec::new();
        let mut names = Vec::new();
        let mut note = |out: &OutputFile| {
            names.push(out.describe());
            written.push(out.path.display().to_string());
        };
        if let Some(out) = self.npy {
            note(&out);
            batch.push(out.write_npy(hist)?);
            if let Some(side) = self.npy_recipe {
                batch.push(side.write_bytes(&serde_json::to_vec_pretty(&doc)?)?);
            }
        }
        if self.png.is_some() || self.exr.is_some() {
            self.png.iter().chain(&self.exr).for_each(&mut note);
            write_pictures(
                hist, engine, style, quality, &doc, self.png, self.exr, &mut batch, quiet,
            )?;
        }
        batch.commit()?;
        if !quiet {
            names.iter().for_each(|n| eprintln!("wrote {n}"));
        }
        Ok(written)
    }
}

/// Stages the PNG and the EXR (either may be absent) into `batch`: the picture's counts are the
/// histogram itself, or its fixed-point density after --de and --supersample.
#[allow(clippy::too_many_arguments)]
fn write_pictures(
    hist: &Histogram,
    engine: Option<&mut dyn Engine>,
    style: &Style,
    quality: &Quality,
    doc: &Document,
    png: Option<OutputFile>,
    exr: Option<OutputFile>,
    batch: &mut Batch,
    quiet: bool,
) -> Result<()> {
    let t = std::time::Instant::now();
    let mut engine = engine;
    let estimated = match (&quality.de, engine.as_deref_mut()) {
        (Some(de), Some(e)) => Some(e.estimate_density(hist, de)?),
        (Some(de), None) => Some(Estimated::on_cpu(hist, de)),
        (None, _) => None,
    };
    let by = estimated.as_ref().map_or("CPU", |e| e.by);
    let finished = crate::density::finish(hist, estimated.map(|e| e.density), quality.supersample);
    if finished.is_some() && !quiet {
        eprintln!(
            "density: {} on the {by} in {:.2} s",
            describe_quality(quality),
            t.elapsed().as_secs_f64()
        );
    }
    let (pic, scale) = match &finished {
        Some(h) => (h, DENSITY_SCALE),
        None => (hist, 1),
    };
    let tone = tone_map(pic, style, scale);
    if let Some(out) = png {
        let text = doc.png_text();
        let pixels = pic.width as u64 * pic.height as u64;
        if finished.is_none() && quality.depth == 8 && pixels <= WHOLE_PICTURE_PIXELS {
            let rgba = match engine {
                Some(e) => e.shade(hist, style)?,
                None => crate::shade::shade(hist, style),
            };
            batch.push(out.write_png(&rgba, hist.width, hist.height, &text)?);
        } else {
            batch.push(write_png_banded(
                out,
                pic,
                &tone,
                style,
                quality.depth,
                &text,
            )?);
        }
    }
    if let Some(out) = exr {
        batch.push(crate::output::write_exr(
            out,
            pic,
            &tone,
            style,
            scale,
            &doc.to_json(),
        )?);
    }
    Ok(())
}

/// `--de 9,0,0.4, --supersample 2` (what applies).
fn describe_quality(q: &Quality) -> String {
    let mut parts = Vec::new();
    if let Some(de) = &q.de {
        parts.push(format!("--de {},{},{}", de.radius, de.min, de.curve));
    }
    if q.supersample > 1 {
        parts.push(format!("--supersample {}", q.supersample));
    }
    parts.join(", ")
}

/// The tone map of `hist` (fixed-point with `scale` units per count) under `style`.
pub fn tone_map(hist: &Histogram, style: &Style, scale: u64) -> ToneMap {
    let mut stats = CountStats::new(style.shade);
    hist.counts.iter().for_each(|&c| stats.add(c));
    let span = style.span.filter(|_| style.shade != Shade::EqHist);
    ToneMap::from_stats_scaled(style.shade, &stats, span, scale).expect("no span with eq_hist")
}

/// Refuses up front, with the numbers, a render whose quality passes (density estimation,
/// supersampling, EXR) would not fit in memory next to the histogram.
pub fn check_memory(job: &Job, q: &Quality, exr: bool) -> Result<()> {
    let bins = job.width as u64 * job.height as u64;
    let n = q.supersample.max(1) as u64;
    let out = bins / (n * n);
    let mut passes = 0;
    if q.de.is_some() {
        // density, one width level, the blur's row pass, the widths
        passes += bins * 32;
    } else if n > 1 {
        passes += bins * 8;
    }
    if q.de.is_some() || n > 1 {
        // the picture's density and its fixed-point counts
        passes += out * 16;
    }
    let parts = [
        ("the quality passes", passes),
        // six f32 channels (R, G, B, A, count, level) and the encoded file
        ("the EXR", if exr { out * 32 } else { 0 }),
    ];
    let what = format!(
        "--size {}x{} with {}",
        job.width / n as u32,
        job.height / n as u32,
        describe_quality(q)
    );
    check_parts(job, &what, &parts, "use a smaller --size or --supersample")
}

/// The one up-front memory check of what a command holds beside the engine's histogram: `parts`
/// (named for the message; empty ones left out) plus the histogram in a few copies (the engine's
/// own check counts it in detail). Refused, with the numbers, when it does not fit; nothing to
/// check when no part holds anything. `way_out` ends the message.
pub fn check_parts(job: &Job, what: &str, parts: &[(&str, u64)], way_out: &str) -> Result<()> {
    let bins = job.width as u64 * job.height as u64;
    let hist = bins * 8 * 4;
    let extra: u64 = parts.iter().map(|(_, b)| b).sum();
    let need = hist + extra;
    if extra > 0
        && let Some(avail) = crate::backend::available_memory()
        && need > avail
    {
        let named: Vec<String> = parts
            .iter()
            .filter(|(_, b)| *b > 0)
            .map(|(name, b)| format!("{} MiB for {name}", b >> 20))
            .collect();
        bail!(
            "{what}: needs about {} MiB of memory ({} MiB for the histogram at {}x{}, {}), but only {} MiB are available; {way_out}",
            need >> 20,
            hist >> 20,
            job.width,
            job.height,
            named.join(", "),
            avail >> 20
        );
    }
    Ok(())
}

/// Shades `hist` with `tone` on the CPU in bands of rows straight into the PNG encoder.
pub fn write_png_banded(
    out: OutputFile,
    hist: &Histogram,
    tone: &ToneMap,
    style: &Style,
    depth: u8,
    text: &crate::output::PngText,
) -> Result<Staged> {
    use rayon::prelude::*;
    let layout = PngLayout {
        width: hist.width,
        height: hist.height,
        depth,
        alpha: style.background.0[3] != 255 && hist.counts.contains(&0),
    };
    let w = hist.width as usize;
    let row_bytes = layout.row_bytes();
    let mut band: Vec<u8> = Vec::new();
    let mut band_start = 0usize;
    out.write_png_rows(layout, text, |y, line| {
        let y = y as usize;
        if y == 0 || y >= band_start + BAND_ROWS {
            band_start = y;
            let rows = &hist.counts[y * w..((y + BAND_ROWS).min(hist.height as usize)) * w];
            band.resize(rows.len() / w * row_bytes, 0);
            band.par_chunks_mut(row_bytes)
                .zip(rows.par_chunks(w))
                .for_each(|(dst, src)| {
                    let mut v = Vec::with_capacity(row_bytes);
                    shade_row(tone, style, layout, src, &mut v);
                    dst.copy_from_slice(&v);
                });
        }
        let at = (y - band_start) * row_bytes;
        line.extend_from_slice(&band[at..at + row_bytes]);
        Ok(())
    })
}

/// Appends one row of counts as PNG samples of `layout` (8- or 16-bit, RGB or RGBA).
pub fn shade_row(tone: &ToneMap, style: &Style, layout: PngLayout, row: &[u64], out: &mut Vec<u8>) {
    let channels = layout.channels();
    for &c in row {
        if layout.depth == 16 {
            let p = pixel16(tone, style, c);
            out.extend(p[..channels].iter().flat_map(|v| v.to_be_bytes()));
        } else {
            out.extend_from_slice(&pixel8(tone, style, c)[..channels]);
        }
    }
}
