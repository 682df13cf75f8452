//! The histogram judge: coverage and concentration of any histogram (the screen's thumbnail or a
//! rendered picture), with the screen's thresholds. The render warnings use it, so a render and
//! the search never disagree.

use super::rules::{COLLAPSED_PIXELS, MAX_DIVERGED_FRACTION, MIN_COVERAGE, Reason, THUMB};
use crate::histogram::Histogram;

/// Coverage and concentration of a histogram, judged at thumbnail resolution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistogramReport {
    /// Fraction of the points asked for that diverged.
    pub diverged_fraction: f64,
    /// Lit pixels of the thumbnail (the histogram summed in blocks to at most 64x64).
    pub lit_pixels: usize,
    /// `lit_pixels` over the thumbnail's pixel count.
    pub coverage: f64,
    /// exp(entropy) of the thumbnail's counts.
    pub effective_pixels: f64,
    /// Diverged, Collapsed or Sparse, checked in that order; `None` when none applies.
    pub problem: Option<Reason>,
}

/// Judges a histogram (a rendered picture, or the screen's thumbnail) by the same thresholds as the
/// search: diverged (more than [`MAX_DIVERGED_FRACTION`] of the points), collapsed (at most
/// [`COLLAPSED_PIXELS`] effective thumbnail pixels, exp of the entropy of the counts), sparse (coverage below [`MIN_COVERAGE`]). Larger
/// histograms are summed in square blocks down to at most 64x64 first, so a 4096x4096 render and
/// the screen's thumbnail are judged at the same resolution. A histogram without counted points is
/// collapsed (0 pixels) unless it diverged.
pub fn judge_histogram(hist: &Histogram) -> HistogramReport {
    let thumb = thumbnail_counts(hist);
    let pixels = thumb.len().max(1);
    let lit = thumb.iter().filter(|&&c| c > 0).count();
    let total: u64 = thumb.iter().sum();
    let entropy = if total == 0 {
        0.0
    } else {
        let t = total as f64;
        thumb
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = c as f64 / t;
                -p * p.ln()
            })
            .sum::<f64>()
    };
    let asked = hist.tally.total();
    let diverged_fraction = if asked == 0 {
        0.0
    } else {
        hist.tally.diverged as f64 / asked as f64
    };
    let coverage = lit as f64 / pixels as f64;
    let problem = if diverged_fraction > MAX_DIVERGED_FRACTION {
        Some(Reason::Diverged { iteration: 0 })
    } else if total == 0 || entropy.exp() <= COLLAPSED_PIXELS as f64 {
        // Judged by concentration, not by the count of lit pixels: an orbit that puts nearly all
        // its points into one pixel while touching a few dozen others has collapsed.
        Some(Reason::Collapsed {
            pixels: if total == 0 {
                0
            } else {
                entropy.exp().round() as usize
            },
        })
    } else if coverage < MIN_COVERAGE {
        Some(Reason::Sparse { coverage })
    } else {
        None
    };
    HistogramReport {
        diverged_fraction,
        lit_pixels: lit,
        coverage,
        effective_pixels: if total == 0 { 0.0 } else { entropy.exp() },
        problem,
    }
}

/// The counts summed in square blocks of `ceil(max(w, h) / 64)` pixels.
fn thumbnail_counts(hist: &Histogram) -> Vec<u64> {
    let block = hist.width.max(hist.height).div_ceil(THUMB).max(1) as usize;
    if block == 1 {
        return hist.counts.clone();
    }
    let (w, h) = (hist.width as usize, hist.height as usize);
    let tw = w.div_ceil(block);
    let th = h.div_ceil(block);
    let mut out = vec![0u64; tw * th];
    for row in 0..h {
        let dst = (row / block) * tw;
        for (col, &c) in hist.counts[row * w..(row + 1) * w].iter().enumerate() {
            out[dst + col / block] += c;
        }
    }
    out
}
