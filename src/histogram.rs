//! The histogram every backend produces: a W x H grid of u64 hit counts over plot [`Bounds`], plus
//! the tally of points that fell outside the bounds or were lost to divergence.
//!
//! Binning rule (datashader's `Canvas.points`): with `sx = W / (xmax - xmin)` and
//! `tx = -xmin * sx`, a point counts iff `xmin <= x <= xmax` and `ymin <= y <= ymax`; its column
//! is `trunc(x * sx + tx)` clamped to `W - 1` (so `x == xmax` lands in the last column), and its
//! row counted from the bottom is the same in y. Storage is row-major with row 0 at the TOP
//! (largest y), as in a PNG and in the `.npy` output; datashader's own array has row 0 at the
//! bottom.

use std::fmt;

/// Plot bounds in map coordinates. Invariant: finite and `xmin < xmax`, `ymin < ymax`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Left edge (map units).
    pub xmin: f64,
    /// Right edge (map units), greater than `xmin`.
    pub xmax: f64,
    /// Bottom edge (map units).
    pub ymin: f64,
    /// Top edge (map units), greater than `ymin`.
    pub ymax: f64,
}

impl Bounds {
    /// Validated constructor.
    pub fn new(xmin: f64, xmax: f64, ymin: f64, ymax: f64) -> Result<Bounds, String> {
        if ![xmin, xmax, ymin, ymax].iter().all(|v| v.is_finite()) {
            return Err(format!(
                "bounds must be finite numbers, found {xmin},{xmax},{ymin},{ymax}"
            ));
        }
        if xmin >= xmax || ymin >= ymax {
            return Err(format!(
                "bounds need xmin < xmax and ymin < ymax, found {xmin},{xmax},{ymin},{ymax}"
            ));
        }
        for (axis, lo, hi) in [("x", xmin, xmax), ("y", ymin, ymax)] {
            if !(hi - lo).is_finite() {
                return Err(format!(
                    "the {axis} range {} - ({}) overflows 64-bit floats; give a narrower range, like -3,3,-3,3",
                    show_f64(hi),
                    show_f64(lo)
                ));
            }
        }
        Ok(Bounds {
            xmin,
            xmax,
            ymin,
            ymax,
        })
    }

    /// Checks what the binning rule derives from these bounds on a `width` x `height` canvas:
    /// the bounds and the scale `W / (xmax - xmin)` of each axis must be finite (and the scale
    /// above 0), in 64-bit floats for the exact orbit (`f32 == false`), and also in the 32-bit
    /// floats of the sampled and GPU renderers. A range too wide or too narrow would otherwise
    /// put every point in one column, or none.
    pub fn check_canvas(&self, width: u32, height: u32, f32: bool) -> Result<(), String> {
        let fits = |v: f64| v.is_finite() && (!f32 || (v as f32).is_finite());
        let precision = if f32 {
            "32-bit floats (the sampled and GPU renderers'; --exact uses 64-bit)"
        } else {
            "64-bit floats"
        };
        for (axis, lo, hi, n) in [
            ("x", self.xmin, self.xmax, width),
            ("y", self.ymin, self.ymax, height),
        ] {
            if !(fits(lo) && fits(hi)) {
                return Err(format!(
                    "{axis} bounds {},{} lie beyond {precision}; give bounds within +-3.4e38",
                    show_f64(lo),
                    show_f64(hi)
                ));
            }
            let scale = n as f64 / (hi - lo);
            if !(fits(scale) && scale > 0.0 && (!f32 || (scale as f32).is_normal())) {
                let (too, give) = if scale > 1.0 {
                    ("narrow", "wider")
                } else {
                    ("wide", "narrower")
                };
                return Err(format!(
                    "the {axis} range {} over {n} pixels is too {too} for {precision}; give a {give} range",
                    show_f64(hi - lo)
                ));
            }
            // The offset -lo * scale is then finite too: at most the pixels times 2^53.
        }
        Ok(())
    }

    /// Grows the shorter side (about its centre) so one pixel covers the same distance in x and y.
    pub fn with_equal_aspect(self, width: u32, height: u32) -> Bounds {
        let per_px =
            ((self.xmax - self.xmin) / width as f64).max((self.ymax - self.ymin) / height as f64);
        let (cx, cy) = ((self.xmin + self.xmax) / 2.0, (self.ymin + self.ymax) / 2.0);
        let (hw, hh) = (per_px * width as f64 / 2.0, per_px * height as f64 / 2.0);
        Bounds {
            xmin: cx - hw,
            xmax: cx + hw,
            ymin: cy - hh,
            ymax: cy + hh,
        }
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            show_f64(self.xmin),
            show_f64(self.xmax),
            show_f64(self.ymin),
            show_f64(self.ymax)
        )
    }
}

/// A number for messages: the shortest decimal that reads back to `v`, in exponent form (`1e300`)
/// when it is huge or tiny, so a message never holds a 300-digit number. Reads back exactly.
pub fn show_f64(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The binning rule for one grid, precomputed. `bin` returns the storage index (row 0 = top).
#[derive(Clone, Copy, Debug)]
pub struct Binner {
    /// The bounds binned.
    pub bounds: Bounds,
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Columns per map unit in x: `width / (xmax - xmin)`.
    pub sx: f64,
    /// Offset of the column: `col = x * sx + tx` (`-xmin * sx`).
    pub tx: f64,
    /// Rows per map unit in y: `height / (ymax - ymin)`.
    pub sy: f64,
    /// Offset of the row counted from the bottom: `row_up = y * sy + ty`.
    pub ty: f64,
}

impl Binner {
    /// The rule for a `width` x `height` grid over `bounds`.
    pub fn new(bounds: Bounds, width: u32, height: u32) -> Binner {
        let sx = width as f64 / (bounds.xmax - bounds.xmin);
        let sy = height as f64 / (bounds.ymax - bounds.ymin);
        Binner {
            bounds,
            width,
            height,
            sx,
            tx: -bounds.xmin * sx,
            sy,
            ty: -bounds.ymin * sy,
        }
    }

    /// Storage index of (x, y), or `None` when the point is outside the bounds (or NaN).
    #[inline(always)]
    pub fn bin(&self, x: f64, y: f64) -> Option<usize> {
        let b = &self.bounds;
        if !(b.xmin <= x && x <= b.xmax && b.ymin <= y && y <= b.ymax) {
            return None;
        }
        let col = ((x * self.sx + self.tx) as u32).min(self.width - 1);
        let row_up = ((y * self.sy + self.ty) as u32).min(self.height - 1);
        Some((self.height - 1 - row_up) as usize * self.width as usize + col as usize)
    }

    /// The same rule in f32 arithmetic (fast CPU mode and GPU).
    pub fn to_f32(&self) -> Binner32 {
        Binner32 {
            xmin: self.bounds.xmin as f32,
            xmax: self.bounds.xmax as f32,
            ymin: self.bounds.ymin as f32,
            ymax: self.bounds.ymax as f32,
            sx: self.sx as f32,
            tx: self.tx as f32,
            sy: self.sy as f32,
            ty: self.ty as f32,
            width: self.width,
            height: self.height,
        }
    }
}

/// The binning rule in f32 (see [`Binner`]).
#[derive(Clone, Copy, Debug)]
pub struct Binner32 {
    /// Left edge in f32.
    pub xmin: f32,
    /// Right edge in f32.
    pub xmax: f32,
    /// Bottom edge in f32.
    pub ymin: f32,
    /// Top edge in f32.
    pub ymax: f32,
    /// [`Binner::sx`] in f32.
    pub sx: f32,
    /// [`Binner::tx`] in f32.
    pub tx: f32,
    /// [`Binner::sy`] in f32.
    pub sy: f32,
    /// [`Binner::ty`] in f32.
    pub ty: f32,
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
}

impl Binner32 {
    /// The same rule without branches: (index, 1) inside the bounds, (0, 0) outside or NaN.
    #[inline(always)]
    pub fn bin_branchless(&self, x: f32, y: f32) -> (usize, u32) {
        let inside = (self.xmin <= x) & (x <= self.xmax) & (self.ymin <= y) & (y <= self.ymax);
        let col = ((x * self.sx + self.tx) as u32).min(self.width - 1);
        let row_up = ((y * self.sy + self.ty) as u32).min(self.height - 1);
        let idx = (self.height - 1 - row_up) as usize * self.width as usize + col as usize;
        (if inside { idx } else { 0 }, inside as u32)
    }

    /// The storage index of the bin holding (x, y) (row 0 = top), or `None` outside the bounds or NaN.
    #[inline(always)]
    pub fn bin(&self, x: f32, y: f32) -> Option<usize> {
        if !(self.xmin <= x && x <= self.xmax && self.ymin <= y && y <= self.ymax) {
            return None;
        }
        let col = ((x * self.sx + self.tx) as u32).min(self.width - 1);
        let row_up = ((y * self.sy + self.ty) as u32).min(self.height - 1);
        Some((self.height - 1 - row_up) as usize * self.width as usize + col as usize)
    }
}

/// Where the points asked for went. Invariant for a finished run: the three add up to `asked`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Points binned into the grid.
    pub counted: u64,
    /// Points outside the bounds.
    pub outside: u64,
    /// Points lost to divergence (non-finite or beyond |x|,|y| <= 1e10; the orbit was restarted).
    pub diverged: u64,
}

impl Tally {
    /// All points accounted for: counted + outside + diverged.
    pub fn total(&self) -> u64 {
        self.counted + self.outside + self.diverged
    }
    /// Adds another tally's three counts to this one.
    pub fn add(&mut self, o: &Tally) {
        self.counted += o.counted;
        self.outside += o.outside;
        self.diverged += o.diverged;
    }
}

/// Points beyond this magnitude (or non-finite) count as diverged and restart their orbit.
pub const DIVERGENCE_LIMIT: f64 = 1e10;

/// Whether a point has diverged (non-finite or beyond [`DIVERGENCE_LIMIT`]).
#[inline(always)]
pub fn diverged_f64(x: f64, y: f64) -> bool {
    !(x.abs() <= DIVERGENCE_LIMIT && y.abs() <= DIVERGENCE_LIMIT)
}

/// Hit counts on a grid, row 0 = top.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// The map-space rectangle the grid covers.
    pub bounds: Bounds,
    /// Hit counts, `width * height`, row-major with row 0 at the top.
    pub counts: Vec<u64>,
    /// Where every point asked for went (counted + outside + diverged).
    pub tally: Tally,
}

impl Histogram {
    /// An empty grid of `width` x `height` bins over `bounds`.
    pub fn new(width: u32, height: u32, bounds: Bounds) -> Histogram {
        Histogram {
            width,
            height,
            bounds,
            counts: vec![0; width as usize * height as usize],
            tally: Tally::default(),
        }
    }

    /// The binning rule of this grid.
    pub fn binner(&self) -> Binner {
        Binner::new(self.bounds, self.width, self.height)
    }

    /// Adds another histogram of the same grid (counts and tally).
    pub fn merge(&mut self, other: &Histogram) {
        assert_eq!(
            (self.width, self.height),
            (other.width, other.height),
            "merging different grids"
        );
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.tally.add(&other.tally);
    }

    /// Sum of all bins (equals `tally.counted` for a consistent histogram).
    pub fn sum(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Bins holding at least one point.
    pub fn nonzero_bins(&self) -> usize {
        self.counts.iter().filter(|&&c| c > 0).count()
    }

    /// The largest count.
    pub fn max(&self) -> u64 {
        self.counts.iter().copied().max().unwrap_or(0)
    }

    /// The effective number of lit pixels: exp of the Shannon entropy of the counts. Equals the
    /// number of lit pixels when they are equally bright, and stays near 1 when one pixel holds
    /// nearly every point whatever else is touched (a collapsed orbit). 0 for an empty histogram.
    pub fn effective_pixels(&self) -> f64 {
        let total = self.sum() as f64;
        if total == 0.0 {
            return 0.0;
        }
        let h: f64 = self
            .counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = c as f64 / total;
                -p * p.ln()
            })
            .sum();
        h.exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_whose_derived_quantities_overflow_are_refused() {
        // The width overflows: every point would land in column 0.
        let e = Bounds::new(-1e308, 1e308, -1.0, 1.0).unwrap_err();
        assert!(e.contains("the x range 1e308 - (-1e308) overflows"), "{e}");
        let e = Bounds::new(-1.0, 1.0, -1e308, 1e308).unwrap_err();
        assert!(e.contains("the y range"), "{e}");
        // Finite in 64 bits, beyond the renderers' 32 bits (the scale rounds to 0 there).
        let wide = Bounds::new(-1e300, 1e300, -1.0, 1.0).unwrap();
        assert!(wide.check_canvas(1024, 1024, false).is_ok());
        let e = wide.check_canvas(1024, 1024, true).unwrap_err();
        assert!(e.contains("beyond 32-bit floats"), "{e}");
        let e = Bounds::new(-1e38, 1e38, -1.0, 1.0)
            .unwrap()
            .check_canvas(1, 1, true)
            .unwrap_err();
        assert!(e.contains("too wide") && e.contains("narrower"), "{e}");
        // A range so narrow the scale overflows, in either precision.
        let narrow = Bounds::new(0.0, 1e-320, 0.0, 1.0).unwrap();
        let e = narrow.check_canvas(1024, 1024, false).unwrap_err();
        assert!(e.contains("too narrow") && e.contains("wider"), "{e}");
        // Ordinary bounds pass on the largest canvas.
        let b = Bounds::new(-3.0, 3.0, -2.5, 2.5).unwrap();
        assert!(b.check_canvas(262_144, 262_144, true).is_ok());
    }

    #[test]
    fn effective_pixels_judge_concentration() {
        let b = Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap();
        let mut h = Histogram::new(10, 10, b);
        assert_eq!(h.effective_pixels(), 0.0);
        h.counts[..4].fill(5);
        assert!((h.effective_pixels() - 4.0).abs() < 1e-9);
        // 99.998% in one pixel while 47 others are touched once: about 1 effective pixel.
        let mut c = Histogram::new(10, 10, b);
        c.counts[0] = 2_350_000;
        c.counts[1..48].fill(1);
        assert_eq!(c.nonzero_bins(), 48);
        assert!(c.effective_pixels() < 1.1, "{}", c.effective_pixels());
    }

    #[test]
    fn binning_edges_follow_datashader() {
        let b = Binner::new(Bounds::new(-1.0, 1.0, -1.0, 1.0).unwrap(), 4, 2);
        // min corner: column 0, bottom row (storage row 1)
        assert_eq!(b.bin(-1.0, -1.0), Some(4));
        // max corner clamps into the last column and the top row
        assert_eq!(b.bin(1.0, 1.0), Some(3));
        assert_eq!(b.bin(-0.5, 0.0), Some(1)); // x = -0.5 -> trunc(1.0) = 1; y = 0 -> row_up 1 -> top
        assert_eq!(b.bin(1.0000001, 0.0), None);
        assert_eq!(b.bin(0.0, -1.0000001), None);
        assert_eq!(b.bin(f64::NAN, 0.0), None);
        assert_eq!(b.bin(0.0, f64::INFINITY), None);
        let b32 = b.to_f32();
        assert_eq!(b32.bin(1.0, 1.0), Some(3));
        assert_eq!(b32.bin(-1.0, -1.0), Some(4));
        assert_eq!(b32.bin(f32::NAN, 0.0), None);
        for (x, y) in [
            (1.0, 1.0),
            (-1.0, -1.0),
            (0.3, -0.7),
            (2.0, 0.0),
            (f32::NAN, 0.0),
            (0.0, -1e30),
        ] {
            let want = b32.bin(x, y).map_or((0, 0), |i| (i, 1));
            assert_eq!(b32.bin_branchless(x, y), want, "({x}, {y})");
        }
    }

    #[test]
    fn bounds_validation_and_equal_aspect() {
        assert!(Bounds::new(1.0, 1.0, 0.0, 1.0).is_err());
        assert!(Bounds::new(0.0, 1.0, 0.0, f64::NAN).is_err());
        let b = Bounds::new(0.0, 2.0, 0.0, 1.0)
            .unwrap()
            .with_equal_aspect(100, 100);
        assert_eq!(
            b,
            Bounds {
                xmin: 0.0,
                xmax: 2.0,
                ymin: -0.5,
                ymax: 1.5
            }
        );
    }

    #[test]
    fn huge_and_tiny_numbers_are_shown_short_and_read_back() {
        for (v, want) in [
            (1e300, "1e300"),
            (-2.5e-300, "-2.5e-300"),
            (0.0, "0"),
            (-1.3, "-1.3"),
            (123456.5, "123456.5"),
        ] {
            assert_eq!(show_f64(v), want);
            assert_eq!(show_f64(v).parse::<f64>().unwrap(), v);
        }
    }
}
