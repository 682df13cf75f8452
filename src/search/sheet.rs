//! The contact sheet: a grid of thumbnails, each rendered by the CPU sampled renderer with the
//! same pilot bounds and shading as `attractors NAME`, and labelled with its name and its metrics
//! (DejaVu Sans compiled in, so any image viewer shows it).

use crate::attractor::Preset;
use crate::cpu::render_sampled;
use crate::engine::Control;
use crate::histogram::Bounds;
use crate::job::Job;
use crate::shade::{Color, Palette, Shade, Style, shade};
use anyhow::{Result, anyhow};
use plotters::prelude::*;

/// Side of one thumbnail's cell, in pixels (a thumbnail fills it on its longer side).
pub const TILE: u32 = 220;
/// Height of the label band under each thumbnail.
const LABEL: u32 = 40;
/// Gap around tiles.
const GAP: u32 = 8;
/// Points counted per thumbnail.
pub const TILE_POINTS: u64 = 1_000_000;
const SHEET_BG: [u8; 3] = [24, 24, 24];

/// One tile: the preset to draw and the two label lines.
pub struct Tile {
    /// The attractor drawn.
    pub preset: Preset,
    /// The first label line.
    pub title: String,
    /// The second label line.
    pub caption: String,
}

/// The job and style of `preset`'s thumbnail: the preset's bounds, tone map, background and
/// palette where it sets them, else pilot bounds, eq_hist, black and fire; in true proportions
/// (square pixels), `TILE` pixels on its longer side (see [`fit`]).
pub fn thumbnail_job(preset: &Preset) -> Result<(Job, Style)> {
    let bounds = match preset.bounds {
        Some(b) => b,
        None => {
            crate::pilot::run(preset, 1000, 0)
                .map_err(|e| anyhow!("{}: {e}", preset.name))?
                .bounds
        }
    };
    let (w, h) = fit(&bounds);
    let bounds = bounds.with_equal_aspect(w, h);
    let job = Job::new(preset.clone(), (w, h), bounds, TILE_POINTS, 1000, 0);
    let palette = Palette::from_name(preset.palette.as_deref().unwrap_or("fire"))
        .map_err(|e| anyhow!("{}: {e}", preset.name))?;
    let style = Style {
        shade: preset.shade.unwrap_or(Shade::EqHist),
        palette,
        background: preset.background.unwrap_or(Color([0, 0, 0, 255])),
        span: None,
    };
    Ok((job, style))
}

/// The canvas of a thumbnail of `bounds`: their proportions, `TILE` pixels on the longer side
/// (one pixel at least on the other).
pub fn fit(bounds: &Bounds) -> (u32, u32) {
    let aspect = (bounds.xmax - bounds.xmin) / (bounds.ymax - bounds.ymin);
    let short = |r: f64| ((TILE as f64 * r).round() as u32).clamp(1, TILE);
    if aspect >= 1.0 {
        (TILE, short(1.0 / aspect))
    } else {
        (short(aspect), TILE)
    }
}

/// The thumbnail of `preset` as RGBA8, with its size (see [`thumbnail_job`]).
pub fn thumbnail(preset: &Preset) -> Result<(Vec<u8>, u32, u32)> {
    let (job, style) = thumbnail_job(preset)?;
    let hist = render_sampled(&job, &Control::new());
    Ok((shade(&hist, &style), job.width, job.height))
}

/// The sheet's recipe: the list of its candidates, each as its thumbnail was rendered.
pub fn recipe(tiles: &[Tile]) -> Result<crate::recipe::Document> {
    let recipes = tiles
        .iter()
        .map(|t| {
            let (job, style) = thumbnail_job(&t.preset)?;
            Ok(crate::recipe::Recipe::of(&job, job.iters, &style))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(crate::recipe::Document::sheet(recipes))
}

/// Columns of a sheet of `n` tiles: at most 4, fewer for small sheets.
fn columns(n: usize) -> usize {
    n.clamp(1, 4)
}

/// The sheet as RGB8 pixels and its size.
pub fn render(tiles: &[Tile]) -> Result<(Vec<u8>, u32, u32)> {
    let cols = columns(tiles.len());
    let rows = tiles.len().div_ceil(cols).max(1);
    let w = GAP + cols as u32 * (TILE + GAP);
    let h = GAP + rows as u32 * (TILE + LABEL + GAP);
    let mut rgb: Vec<u8> = SHEET_BG
        .iter()
        .copied()
        .cycle()
        .take(w as usize * h as usize * 3)
        .collect();
    let origin = |i: usize| {
        let (c, r) = ((i % cols) as u32, (i / cols) as u32);
        (GAP + c * (TILE + GAP), GAP + r * (TILE + LABEL + GAP))
    };
    for (i, t) in tiles.iter().enumerate() {
        let (pic, tw, th) = thumbnail(&t.preset)?;
        // letterboxed: centred in its cell, the sheet's colour around it
        let (x0, y0) = origin(i);
        let (x0, y0) = (x0 + (TILE - tw) / 2, y0 + (TILE - th) / 2);
        for row in 0..th {
            for col in 0..tw {
                let s = ((row * tw + col) * 4) as usize;
                let d = (((y0 + row) * w + x0 + col) * 3) as usize;
                rgb[d..d + 3].copy_from_slice(&pic[s..s + 3]);
            }
        }
    }
    let _ =
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        let title = ("sans-serif", 15)
            .into_font()
            .color(&RGBColor(235, 235, 235));
        let caption = ("sans-serif", 13)
            .into_font()
            .color(&RGBColor(170, 170, 170));
        for (i, t) in tiles.iter().enumerate() {
            let (x0, y0) = origin(i);
            let (x, y) = (x0 as i32 + 2, (y0 + TILE) as i32 + 4);
            root.draw_text(&t.title, &title, (x, y))
                .map_err(|e| anyhow!("drawing the sheet labels: {e:?}"))?;
            root.draw_text(&t.caption, &caption, (x, y + 18))
                .map_err(|e| anyhow!("drawing the sheet labels: {e:?}"))?;
        }
        root.present()
            .map_err(|e| anyhow!("drawing the sheet: {e:?}"))?;
    }
    Ok((rgb, w, h))
}

/// RGB8 to RGBA8 (opaque), for [`crate::output::OutputFile::write_png`].
pub fn to_rgba(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect()
}
