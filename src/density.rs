//! Print quality between the histogram and the tone map: density estimation (`--de`) and
//! supersampling (`--supersample`). Pure CPU functions (rayon), no GPU or window types.
//!
//! **Density estimation** is flam3's idea (Draves & Reckase, "The Fractal Flame Algorithm", 2008,
//! section 7; flam3's `estimator_radius`, `estimator_minimum`, `estimator_curve`, defaults 9, 0,
//! 0.4): every bin's count c is spread over a Gaussian blur whose width shrinks as the count grows,
//! [`De::width`]: `w(c) = max(MIN, RADIUS / c^CURVE)`. A bin hit once is spread over `RADIUS`
//! pixels, so sparse regions turn smooth; a bin of a dense filament keeps its pixel. The kernel of
//! width w is the normalised Gaussian with standard deviation w/2, cut at w (so a width below 0.5
//! leaves the bin alone). Widths are quantised to [`WIDTH_STEP`] so the bins of one width are
//! blurred together by a separable (rows, then columns) filter: each count's mass is kept, except
//! what a kernel spreads beyond the canvas edge. The result is a float density in counts per pixel.
//!
//! **Supersampling** N (1..4) accumulates at N times the width and height (the job's canvas) and,
//! after density estimation, sums each N x N block into one output pixel (a box filter; the
//! density stays in counts per output pixel). Without `--de` a box-filtered supersampled render
//! has the same counts as a plain render with the same points (the bins nest), so supersampling
//! pays off with `--de`, whose kernels then act at the finer scale.
//!
//! The float density reaches the tone maps as fixed-point counts ([`DENSITY_SCALE`] units per
//! count, [`to_counts`]); [`crate::shade::ToneMap`] divides it back, so log, cbrt and linear see
//! the same numbers as they would with float counts.

use crate::histogram::Histogram;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Kernel widths are rounded to multiples of this (pixels).
pub const WIDTH_STEP: f64 = 0.25;
/// Fixed-point units per count of a float density (2^16: 1/65536 of a count is kept).
pub const DENSITY_SCALE: u64 = 1 << 16;
/// Largest `--de` radius accepted (flam3's default is 9; wider blurs cost radius^1 per pixel).
pub const MAX_RADIUS: f64 = 64.0;

/// `--de RADIUS[,MIN[,CURVE]]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct De {
    pub radius: f64,
    pub min: f64,
    pub curve: f64,
}

impl De {
    /// The kernel width of a bin holding `count` (> 0) points, quantised to [`WIDTH_STEP`]: the
    /// one definition every renderer uses.
    pub fn width(&self, count: f64) -> f64 {
        let w = (self.radius / count.powf(self.curve)).max(self.min);
        (w / WIDTH_STEP).round() * WIDTH_STEP
    }
}

impl FromStr for De {
    type Err = String;
    fn from_str(s: &str) -> Result<De, String> {
        let bad = |why: String| {
            format!(
                "--de '{s}': {why}; expected RADIUS[,MIN[,CURVE]] like 9 or 9,0,0.4 (0 < RADIUS <= {MAX_RADIUS}, 0 <= MIN <= RADIUS, 0 <= CURVE <= 2)"
            )
        };
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() > 3 {
            return Err(bad(format!("found {} values", parts.len())));
        }
        let num = |i: usize, default: f64| -> Result<f64, String> {
            match parts.get(i) {
                None => Ok(default),
                Some(t) => t
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| bad(format!("'{t}' is not a number"))),
            }
        };
        let de = De {
            radius: num(0, 9.0)?,
            min: num(1, 0.0)?,
            curve: num(2, 0.4)?,
        };
        if !(de.radius > 0.0 && de.radius <= MAX_RADIUS) {
            return Err(bad(format!("RADIUS {} is out of range", de.radius)));
        }
        if !(0.0..=de.radius).contains(&de.min) {
            return Err(bad(format!("MIN {} is out of range", de.min)));
        }
        if !(0.0..=2.0).contains(&de.curve) {
            return Err(bad(format!("CURVE {} is out of range", de.curve)));
        }
        Ok(de)
    }
}

/// `--de` as a clap value parser.
pub fn parse_de(s: &str) -> Result<De, String> {
    s.parse()
}

/// The print-quality options of a render.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quality {
    /// Bits per channel of the PNG (8 or 16).
    pub depth: u8,
    /// Accumulation at this many times the width and height (1..4).
    pub supersample: u32,
    pub de: Option<De>,
}

impl Default for Quality {
    fn default() -> Quality {
        Quality {
            depth: 8,
            supersample: 1,
            de: None,
        }
    }
}

/// The normalised 1-D Gaussian taps of width `w` (sigma w/2, cut at ceil(w)); `[1.0]` below 0.5.
fn taps(w: f64) -> Vec<f64> {
    if w < 0.5 {
        return vec![1.0];
    }
    let r = w.ceil() as i64;
    let sigma = w / 2.0;
    let t: Vec<f64> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f64 = t.iter().sum();
    t.into_iter().map(|v| v / sum).collect()
}

/// Blurs `img` (width `w`) in place with the separable kernel `k` (rows, then columns).
fn blur(img: &mut [f64], w: usize, k: &[f64]) {
    let h = img.len() / w;
    let r = (k.len() / 2) as i64;
    let mut tmp = vec![0.0; img.len()];
    tmp.par_chunks_mut(w)
        .zip(img.par_chunks(w))
        .for_each(|(dst, src)| {
            for (x, &v) in src.iter().enumerate() {
                if v == 0.0 {
                    continue;
                }
                for (j, &kv) in k.iter().enumerate() {
                    let xx = x as i64 + j as i64 - r;
                    if (0..w as i64).contains(&xx) {
                        dst[xx as usize] += v * kv;
                    }
                }
            }
        });
    img.par_chunks_mut(w).enumerate().for_each(|(y, dst)| {
        dst.iter_mut().for_each(|v| *v = 0.0);
        for (j, &kv) in k.iter().enumerate() {
            let yy = y as i64 + j as i64 - r;
            if !(0..h as i64).contains(&yy) {
                continue;
            }
            let src = &tmp[yy as usize * w..(yy as usize + 1) * w];
            for (d, &s) in dst.iter_mut().zip(src) {
                *d += s * kv;
            }
        }
    });
}

/// The density of `hist` after density estimation: counts per pixel, as floats.
pub fn estimate(hist: &Histogram, de: &De) -> Vec<f64> {
    let w = hist.width as usize;
    let mut levels: std::collections::BTreeMap<u64, ()> = Default::default();
    let mut widths = vec![0u64; hist.counts.len()];
    for (slot, &c) in widths.iter_mut().zip(&hist.counts) {
        if c > 0 {
            *slot = (de.width(c as f64) / WIDTH_STEP) as u64;
            levels.insert(*slot, ());
        }
    }
    let mut out = vec![0.0; hist.counts.len()];
    let mut layer = vec![0.0; hist.counts.len()];
    for &level in levels.keys() {
        let k = taps(level as f64 * WIDTH_STEP);
        layer
            .par_iter_mut()
            .zip(hist.counts.par_iter().zip(widths.par_iter()))
            .for_each(|(l, (&c, &wl))| *l = if c > 0 && wl == level { c as f64 } else { 0.0 });
        if k.len() > 1 {
            blur(&mut layer, w, &k);
        }
        out.par_iter_mut()
            .zip(layer.par_iter())
            .for_each(|(o, l)| *o += l);
    }
    out
}

/// Sums each `n` x `n` block of `img` (width `w`, height `h`, both multiples of `n`): the box
/// filter of supersampling.
pub fn downsample(img: &[f64], w: usize, h: usize, n: usize) -> Vec<f64> {
    let (ow, oh) = (w / n, h / n);
    let mut out = vec![0.0; ow * oh];
    out.par_chunks_mut(ow).enumerate().for_each(|(oy, row)| {
        for dy in 0..n {
            let src = &img[(oy * n + dy) * w..(oy * n + dy + 1) * w];
            for (ox, o) in row.iter_mut().enumerate() {
                *o += src[ox * n..(ox + 1) * n].iter().sum::<f64>();
            }
        }
    });
    let _ = oh;
    out
}

/// A float density as a histogram of fixed-point counts ([`DENSITY_SCALE`] per count); a pixel
/// with any density keeps at least one unit, so nothing lit goes dark.
pub fn to_counts(density: &[f64], like: &Histogram, width: u32, height: u32) -> Histogram {
    let mut h = Histogram::new(width, height, like.bounds);
    h.tally = like.tally;
    h.counts = density
        .par_iter()
        .map(|&d| {
            if d <= 0.0 {
                0
            } else {
                ((d * DENSITY_SCALE as f64).round() as u64).max(1)
            }
        })
        .collect();
    h
}

/// The output picture's counts of `hist` (accumulated at `n` times the output size) after `de`:
/// `None` when neither applies (the histogram is shaded as it is). The result is fixed-point
/// ([`DENSITY_SCALE`] per count).
pub fn finish(hist: &Histogram, de: Option<&De>, n: u32) -> Option<Histogram> {
    if de.is_none() && n <= 1 {
        return None;
    }
    let density = match de {
        Some(de) => estimate(hist, de),
        None => hist.counts.par_iter().map(|&c| c as f64).collect(),
    };
    let (w, h) = (hist.width as usize, hist.height as usize);
    let n = n.max(1) as usize;
    let density = if n > 1 {
        downsample(&density, w, h, n)
    } else {
        density
    };
    Some(to_counts(&density, hist, (w / n) as u32, (h / n) as u32))
}

#[cfg(test)]
mod tests;
