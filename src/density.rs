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

/// Smallest `--de` radius accepted: a kernel narrower than half a pixel is a single tap, so a
/// smaller radius would change no pixel.
pub const MIN_RADIUS: f64 = 0.5;

/// `--de RADIUS[,MIN[,CURVE]]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct De {
    /// Kernel width in pixels of a bin hit once ([`MIN_RADIUS`]..=[`MAX_RADIUS`]; flam3's default 9).
    pub radius: f64,
    /// Smallest kernel width in pixels, the floor of the densest bins (0..=`radius`).
    pub min: f64,
    /// How fast the width shrinks with the count c: `max(min, radius / c^curve)` (0..=2).
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

impl De {
    /// Checks the ranges ([`MIN_RADIUS`] <= RADIUS <= [`MAX_RADIUS`], 0 <= MIN <= RADIUS, 0 <=
    /// CURVE <= 2):
    /// the one check of `--de` and of a recipe's `de`; the error says what was expected.
    pub fn check(self) -> Result<De, String> {
        let why = if (0.0..MIN_RADIUS).contains(&self.radius) && self.radius > 0.0 {
            format!(
                "RADIUS {} is below half a pixel, where the blur changes no pixel",
                crate::histogram::show_f64(self.radius)
            )
        } else if !(self.radius >= MIN_RADIUS && self.radius <= MAX_RADIUS) {
            format!(
                "RADIUS {} is out of range",
                crate::histogram::show_f64(self.radius)
            )
        } else if !(0.0..=self.radius).contains(&self.min) {
            format!(
                "MIN {} is out of range",
                crate::histogram::show_f64(self.min)
            )
        } else if !(0.0..=2.0).contains(&self.curve) {
            format!(
                "CURVE {} is out of range",
                crate::histogram::show_f64(self.curve)
            )
        } else {
            return Ok(self);
        };
        Err(format!("{why}; {}", de_expected()))
    }
}

fn de_expected() -> String {
    format!(
        "expected RADIUS[,MIN[,CURVE]] like 9 or 9,0,0.4 ({MIN_RADIUS} <= RADIUS <= {MAX_RADIUS}, 0 <= MIN <= RADIUS, 0 <= CURVE <= 2)"
    )
}

impl FromStr for De {
    type Err = String;
    fn from_str(s: &str) -> Result<De, String> {
        let bad = |why: String| format!("--de '{s}': {why}; {}", de_expected());
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
        De {
            radius: num(0, 9.0)?,
            min: num(1, 0.0)?,
            curve: num(2, 0.4)?,
        }
        .check()
        .map_err(|e| format!("--de '{s}': {e}"))
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
    /// Density estimation (`--de`): each bin blurred by a kernel that narrows with its count; `None` keeps the counts.
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

/// The kernels of one `--de`, tabulated from [`De::width`] once, for every renderer (the CPU
/// blur below and the GPU pass, `shaders/density.wgsl`): kernel *level* q has width
/// q x [`WIDTH_STEP`]; a bin's level comes from its count through [`Kernels::thresholds`], and
/// its taps from [`Kernels::taps`]. Both renderers read these tables, so they blur every bin by
/// the same kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct Kernels {
    /// `thresholds[q]`: the smallest count whose level is q or less (`u64::MAX`: none; counts
    /// never come near it, as a job has at most 1e15 points). The
    /// widths shrink as counts grow, so this never increases with q, and a count c has the
    /// smallest level q with `c >= thresholds[q]`.
    pub thresholds: Vec<u64>,
    /// The taps of every level (2r + 1 of them for radius r; `[1.0]` when the width is below 0.5).
    pub taps: Vec<Vec<f64>>,
}

impl Kernels {
    /// The tables of `de`: levels 0 up to the level of a count of 1 (the widest kernel).
    pub fn new(de: &De) -> Kernels {
        let level = |c: u64| (de.width(c as f64) / WIDTH_STEP).round() as usize;
        let top = level(1);
        let thresholds = (0..=top)
            .map(|q| {
                if level(u64::MAX) > q {
                    return u64::MAX;
                }
                // The smallest count of level <= q: widths never grow with the count.
                let (mut lo, mut hi) = (1u64, u64::MAX);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if level(mid) <= q {
                        hi = mid
                    } else {
                        lo = mid + 1
                    }
                }
                lo
            })
            .collect();
        let taps = (0..=top).map(|q| taps(q as f64 * WIDTH_STEP)).collect();
        Kernels { thresholds, taps }
    }

    /// The level of a bin holding `count` (> 0) points.
    pub fn level(&self, count: u64) -> usize {
        self.thresholds.partition_point(|&t| count < t)
    }

    /// The largest kernel radius in pixels (the widest kernel's).
    pub fn reach(&self) -> usize {
        self.taps.iter().map(|t| t.len() / 2).max().unwrap_or(0)
    }
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

/// A density after `--de` and the processor that estimated it (for the summary line).
#[derive(Clone, Debug)]
pub struct Estimated {
    /// Counts per pixel, row-major like the histogram.
    pub density: Vec<f64>,
    /// "CPU" or "GPU".
    pub by: &'static str,
}

impl Estimated {
    /// [`estimate`] on every core.
    pub fn on_cpu(hist: &Histogram, de: &De) -> Estimated {
        Estimated {
            density: estimate(hist, de),
            by: "CPU",
        }
    }
}

/// The density of `hist` after density estimation: counts per pixel, as floats (on the CPU).
pub fn estimate(hist: &Histogram, de: &De) -> Vec<f64> {
    let kernels = Kernels::new(de);
    let w = hist.width as usize;
    let levels: Vec<usize> = hist
        .counts
        .par_iter()
        .map(|&c| if c > 0 { kernels.level(c) } else { usize::MAX })
        .collect();
    let mut present = vec![false; kernels.taps.len()];
    levels
        .iter()
        .filter(|&&q| q != usize::MAX)
        .for_each(|&q| present[q] = true);
    let mut out = vec![0.0; hist.counts.len()];
    let mut layer = vec![0.0; hist.counts.len()];
    for (level, k) in kernels.taps.iter().enumerate() {
        if !present[level] {
            continue;
        }
        layer
            .par_iter_mut()
            .zip(hist.counts.par_iter().zip(levels.par_iter()))
            .for_each(|(l, (&c, &q))| *l = if q == level { c as f64 } else { 0.0 });
        if k.len() > 1 {
            blur(&mut layer, w, k);
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

/// The output picture's counts of `hist` (accumulated at `n` times the output size), given its
/// density after `--de` (`estimated`, from [`estimate`] or the GPU's pass; `None` without
/// `--de`): `None` when neither applies (the histogram is shaded as it is). The result is
/// fixed-point ([`DENSITY_SCALE`] per count).
pub fn finish(hist: &Histogram, estimated: Option<Vec<f64>>, n: u32) -> Option<Histogram> {
    if estimated.is_none() && n <= 1 {
        return None;
    }
    let density = match estimated {
        Some(d) => d,
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
