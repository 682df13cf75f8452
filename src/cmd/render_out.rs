//! The outputs of a headless render, checked before the work and written after it: the PNG (with
//! its recipe), the counts `.npy` and the recipe beside it (`FILE.recipe.json`).
//!
//! The PNG is shaded on the GPU when the engine has one and the picture is small, else on the CPU
//! in bands of rows that are compressed as they come (no whole-picture RGBA buffer); both give the
//! same picture (tests/shade_parity.rs).

use crate::cli::RenderArgs;
use crate::engine::Engine;
use crate::histogram::Histogram;
use crate::output::{Kind, OutputFile, PngLayout, is_stdio};
use crate::recipe::{Document, Recipe};
use crate::shade::{Style, ToneMap, pixel8, pixel16};
use anyhow::Result;

/// Rows shaded together (in parallel) before they go to the encoder.
const BAND_ROWS: usize = 64;
/// Largest picture shaded by the engine (the GPU pass holds it whole); larger ones are banded.
const WHOLE_PICTURE_PIXELS: u64 = 4096 * 4096;

/// The checked outputs of a render.
pub struct Outputs {
    png: Option<OutputFile>,
    npy: Option<OutputFile>,
    npy_recipe: Option<OutputFile>,
}

impl Outputs {
    /// Checks the recipe sidecar's path too (the `.npy` and PNG are already prepared).
    pub fn prepare(
        r: &RenderArgs,
        png: Option<OutputFile>,
        npy: Option<OutputFile>,
    ) -> Result<Outputs> {
        let npy_recipe = r
            .hist
            .as_deref()
            .filter(|p| !is_stdio(p))
            .map(|p| OutputFile::prepare_for(&crate::recipe::sidecar_path(p), Kind::Json, "--hist"))
            .transpose()?;
        Ok(Outputs {
            png,
            npy,
            npy_recipe,
        })
    }

    /// Writes every output; returns their paths.
    pub fn write(
        self,
        hist: &Histogram,
        engine: &mut dyn Engine,
        style: &Style,
        recipe: Recipe,
        quiet: bool,
    ) -> Result<Vec<String>> {
        let doc = Document::picture(recipe);
        let mut written = Vec::new();
        let mut done = |name: String, path: &std::path::Path| {
            if !quiet {
                eprintln!("wrote {name}");
            }
            written.push(path.display().to_string());
        };
        if let Some(out) = self.npy {
            let (name, path) = (out.describe(), out.path.clone());
            out.write_npy(hist)?;
            if let Some(side) = self.npy_recipe {
                side.write_bytes(&serde_json::to_vec_pretty(&doc)?)?;
            }
            done(name, &path);
        }
        if let Some(out) = self.png {
            let (name, path) = (out.describe(), out.path.clone());
            let text = doc.png_text();
            let pixels = hist.width as u64 * hist.height as u64;
            if pixels <= WHOLE_PICTURE_PIXELS {
                let rgba = engine.shade(hist, style)?;
                out.write_png(&rgba, hist.width, hist.height, &text)?;
            } else {
                write_png_banded(out, hist, style, 8, &text)?;
            }
            done(name, &path);
        }
        Ok(written)
    }
}

/// Shades `hist` on the CPU in bands of rows straight into the PNG encoder.
pub fn write_png_banded(
    out: OutputFile,
    hist: &Histogram,
    style: &Style,
    depth: u8,
    text: &crate::output::PngText,
) -> Result<()> {
    use rayon::prelude::*;
    let tone = ToneMap::of(hist, style);
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
                    shade_row(&tone, style, layout, src, &mut v);
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
