//! Statistical agreement of two histograms of the same job. Chaotic orbits never match point by
//! point, so renderers are compared by their normalised densities:
//!
//! * `log_corr`: Pearson correlation of ln(1 + count) over the bins where either histogram is
//!   non-zero (1 = same shape of the picture);
//! * `tvd`: total variation distance of the normalised histograms, half the sum of
//!   |p_i - q_i| (0 = identical densities, 1 = disjoint).
//!
//! Thresholds are calibrated in the tests that use them (tests/sampled_vs_exact.rs, the GPU tests).

/// The two agreement metrics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agreement {
    /// Pearson correlation of ln(1 + count) over the bins either grid hits (1 = same picture).
    pub log_corr: f64,
    /// Total variation distance of the normalised grids (0 = identical, 1 = disjoint).
    pub tvd: f64,
}

impl std::fmt::Display for Agreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "log-corr {:.4}, TVD {:.4}", self.log_corr, self.tvd)
    }
}

/// Compares two count grids of the same size.
pub fn agreement(a: &[u64], b: &[u64]) -> Agreement {
    assert_eq!(a.len(), b.len(), "comparing histograms of different sizes");
    let (sa, sb) = (
        a.iter().sum::<u64>().max(1) as f64,
        b.iter().sum::<u64>().max(1) as f64,
    );
    let tvd = 0.5
        * a.iter()
            .zip(b)
            .map(|(&x, &y)| (x as f64 / sa - y as f64 / sb).abs())
            .sum::<f64>();
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| **x > 0 || **y > 0)
        .map(|(&x, &y)| ((x as f64).ln_1p(), (y as f64).ln_1p()))
        .collect();
    let n = pairs.len().max(1) as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    let log_corr = if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else if sxx == syy {
        1.0
    } else {
        0.0
    };
    Agreement { log_corr, tvd }
}

/// Sums `side x side`-pixel blocks so the coarser grid has at most `max_side` bins a side.
pub fn block_sum(counts: &[u64], width: u32, height: u32, max_side: u32) -> (Vec<u64>, u32, u32) {
    let f = width.max(height).div_ceil(max_side).max(1);
    let (w2, h2) = (width.div_ceil(f), height.div_ceil(f));
    let mut out = vec![0u64; w2 as usize * h2 as usize];
    for row in 0..height {
        for col in 0..width {
            out[(row / f) as usize * w2 as usize + (col / f) as usize] +=
                counts[row as usize * width as usize + col as usize];
        }
    }
    (out, w2, h2)
}

/// [`agreement`] on both grids block-summed to at most 256 bins a side: at a million points a
/// 1024x1024 grid holds about one point per bin, where Poisson noise, not the renderer, would
/// dominate the metrics.
pub fn agreement_coarse(a: &[u64], b: &[u64], width: u32, height: u32) -> Agreement {
    let (ca, _, _) = block_sum(a, width, height, 256);
    let (cb, _, _) = block_sum(b, width, height, 256);
    agreement(&ca, &cb)
}

#[cfg(test)]
mod tests {
    #[test]
    fn block_sums_keep_the_total() {
        let counts: Vec<u64> = (0..1000 * 700).map(|i| (i % 7) as u64).collect();
        let (c, w, h) = super::block_sum(&counts, 1000, 700, 256);
        assert_eq!((w, h), (250, 175));
        assert_eq!(c.iter().sum::<u64>(), counts.iter().sum::<u64>());
        let (same, w, _) = super::block_sum(&counts, 100, 70, 256);
        assert_eq!((same.len(), w), (7000, 100));
    }

    use super::*;

    #[test]
    fn identical_disjoint_and_scaled() {
        let a = [0, 1, 5, 10];
        assert_eq!(
            agreement(&a, &a),
            Agreement {
                log_corr: 1.0,
                tvd: 0.0
            }
        );
        let d = agreement(&[1, 0], &[0, 1]);
        assert!((d.tvd - 1.0).abs() < 1e-12 && d.log_corr < 0.0);
        // scaling the counts leaves the density (TVD) unchanged
        assert!(agreement(&[2, 4, 6], &[1, 2, 3]).tvd < 1e-12);
    }
}
