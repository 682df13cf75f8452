//! Shading: histogram -> RGBA8, shared by every output (PNG, window) and mirrored by
//! `shaders/shade.wgsl`. Pure functions, no GPU or window types.
//!
//! The maths are datashader's `transfer_functions.shade` (0.19.1, `_interpolate` with a list
//! colormap, `alpha=255`, `span=None` unless `--span` is given), step by step. The CPU follows
//! numpy's float64 operations one for one (same offset, same transform, `np.linspace` for the
//! colour stops and `np.interp` between them), so it matches datashader within one level per
//! channel and usually exactly; the GPU pass implements the same steps in f32 and also agrees
//! within one level (tests/shade_parity.rs checks both against datashader's own pictures).
//!
//! 1. Empty bins (count 0) are masked: they get the background colour (datashader: transparent).
//!    Everything below is over non-empty counts c.
//! 2. Offset and clip. Without a span the offset is `cmin`, the smallest non-empty count, and
//!    d = c - cmin. With `span = (smin, smax)` each count is first clipped into [smin, smax] and
//!    d = clip(c) - smin.
//! 3. Transform, giving x (datashader's "data" after `how`):
//!    * `linear`: x = d;
//!    * `log`:    x = ln(1 + d) (numpy `log1p`);
//!    * `cbrt`:   x = d^(1/3) (numpy `d ** (1/3.)`, i.e. `pow`, not `cbrt`);
//!    * `eq_hist` (histogram equalisation): let v1 < v2 < ... < vk be the distinct non-empty
//!      counts, n_i how many bins hold v_i, N = sum n_i; then x(v_i) = (n_1 + ... + n_i) / N, the
//!      empirical cdf. Datashader computes exactly this when the counts span fewer than 65536
//!      values (cmax - cmin < 65536, its `nbins`); beyond that it switches to a 65536-bin
//!      `np.histogram` and interpolates the cdf between bin centres. We always use the exact cdf,
//!      so on such histograms the two differ (most in the sparse top bins, where datashader
//!      merges distinct counts into one bin); below 65536 they are identical.
//! 4. Span of the colour ramp, [lo, hi]: without a span, the smallest and largest x (so
//!    lo = 0 and hi = transform(cmax - cmin); for eq_hist lo = n_1 / N and hi = 1); with a span,
//!    [transform(0), transform(smax - smin)] (datashader refuses a span with eq_hist, and so do we).
//! 5. Colour: the palette's n >= 2 RGB8 colours are placed at `np.linspace(lo, hi, n)` and each
//!    channel is `np.interp(x, stops, channel)` truncated to an integer (`.astype(uint8)`). When
//!    lo == hi every stop is lo and x gets the last colour. Alpha is 255. For 16-bit output the
//!    interpolated channel v in [0, 255] is kept in float and written as round(v * 257).
//!
//! The normalised level u = (x - lo) / (hi - lo) (1 when lo == hi) gives the same colour:
//! channel = c_i + (c_{i+1} - c_i) * f with pos = u * (n - 1), i = floor(pos), f = pos - i; the
//! GPU uses that form.

use crate::histogram::Histogram;
pub use crate::palette::{Color, Palette};
use std::fmt;
use std::str::FromStr;

/// The tone mapping from counts to levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Shade {
    /// Histogram equalisation: each count's level is its rank among the counts (the default).
    #[default]
    EqHist,
    /// `ln(1 + d)` of the clipped, offset count d.
    Log,
    /// `d^(1/3)` of the clipped, offset count d.
    Cbrt,
    /// The clipped, offset count d itself.
    Linear,
}

impl Shade {
    /// Every tone map, in the order the command line lists them.
    pub const ALL: [Shade; 4] = [Shade::EqHist, Shade::Log, Shade::Cbrt, Shade::Linear];
    /// The name on the command line and in recipes (`eq_hist`, `log`, `cbrt`, `linear`).
    pub fn name(self) -> &'static str {
        match self {
            Shade::EqHist => "eq_hist",
            Shade::Log => "log",
            Shade::Cbrt => "cbrt",
            Shade::Linear => "linear",
        }
    }
    /// The transform applied before the linear span normalisation (identity for eq_hist, whose
    /// levels come from [`ToneMap`]). Also the index used by the GPU pass.
    pub fn index(self) -> u32 {
        self as u32
    }
}

impl fmt::Display for Shade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Shade {
    type Err = String;
    fn from_str(s: &str) -> Result<Shade, String> {
        Shade::ALL
            .iter()
            .copied()
            .find(|v| v.name() == s.to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown shade '{s}'{}; expected one of eq_hist, log, cbrt, linear",
                    crate::suggest::did_you_mean(s, Shade::ALL.iter().map(|v| v.name()))
                )
            })
    }
}

/// How counts become colours.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// The tone map from counts to levels.
    pub shade: Shade,
    /// The colours levels map to.
    pub palette: Palette,
    /// The colour of empty bins (its alpha is the picture's there).
    pub background: Color,
    /// Fixed normalisation (datashader's `span`), or `None` to span the histogram's own counts.
    pub span: Option<Span>,
}

impl Default for Style {
    /// The command line's default: eq_hist, fire, black background.
    fn default() -> Style {
        Style {
            shade: Shade::EqHist,
            palette: Palette::from_name("fire").expect("fire is built in"),
            background: Color([0, 0, 0, 255]),
            span: None,
        }
    }
}

/// Datashader's `span`: counts are clipped into `[min, max]` and the colour ramp covers exactly
/// that range, whatever the histogram holds (so frames of an animation shade alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Counts below are clipped up to it (the ramp's first colour).
    pub min: u64,
    /// Counts above are clipped down to it (the ramp's last colour); greater than `min`.
    pub max: u64,
}

const SPAN_EXPECTED: &str = "expected MIN,MAX with whole counts 0 <= MIN < MAX, like 1,5000";

impl Span {
    /// A span already read as numbers (a recipe's): MIN below MAX.
    pub fn check(min: u64, max: u64) -> Result<Span, String> {
        if min >= max {
            return Err(format!("MIN is not below MAX; {SPAN_EXPECTED}"));
        }
        Ok(Span { min, max })
    }
}

impl FromStr for Span {
    type Err = String;
    /// `MIN,MAX`: whole counts, 0 <= MIN < MAX (`1,5e4` works).
    fn from_str(s: &str) -> Result<Span, String> {
        let bad = |why: &str| format!("span '{s}': {why}; {SPAN_EXPECTED}");
        let (a, b) = s.split_once(',').ok_or_else(|| bad("not two values"))?;
        let num = |v: &str| -> Result<u64, String> {
            let v = v.trim().replace('_', "");
            if let Ok(n) = v.parse::<u64>() {
                return Ok(n);
            }
            let f: f64 = v
                .parse()
                .map_err(|_| bad(&format!("'{v}' is not a number")))?;
            if f.is_finite() && f >= u64::MAX as f64 {
                return Err(bad(&format!("'{v}' is too large (at most 2^64 - 1)")));
            }
            if !f.is_finite() || f < 0.0 || f.fract() != 0.0 {
                return Err(bad(&format!("'{v}' is not a whole count")));
            }
            Ok(f as u64)
        };
        Span::check(num(a)?, num(b)?).map_err(|e| format!("span '{s}': {e}"))
    }
}

/// Error of a tone map that datashader would refuse too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShadeError {
    /// A span with eq_hist, which ranks counts and has no span.
    #[error(
        "--span does not apply to eq_hist (datashader refuses it too); use --shade linear, log or cbrt with --span, or drop --span"
    )]
    SpanWithEqHist,
}

/// Summary of a histogram's non-empty counts that a [`ToneMap`] is built from, gathered in one
/// pass (so a file can be streamed twice instead of held).
#[derive(Clone, Debug, Default)]
pub struct CountStats {
    /// Smallest and largest non-empty count (`u64::MAX`, 0 while empty).
    pub cmin: u64,
    /// Largest non-empty count (0 while empty).
    pub cmax: u64,
    /// eq_hist only: how many bins hold each distinct non-empty count.
    pub distinct: std::collections::HashMap<u64, u64>,
    /// Empty bins seen.
    pub zeros: u64,
    eq_hist: bool,
}

impl CountStats {
    /// No counts yet; the distinct counts are kept only for `shade` eq_hist.
    pub fn new(shade: Shade) -> CountStats {
        CountStats {
            cmin: u64::MAX,
            cmax: 0,
            distinct: Default::default(),
            zeros: 0,
            eq_hist: shade == Shade::EqHist,
        }
    }
    /// Takes one bin's count into the summary.
    pub fn add(&mut self, c: u64) {
        if c == 0 {
            self.zeros += 1;
            return;
        }
        self.cmin = self.cmin.min(c);
        self.cmax = self.cmax.max(c);
        if self.eq_hist {
            *self.distinct.entry(c).or_insert(0) += 1;
        }
    }
    /// True when no non-empty bin was seen.
    pub fn is_empty(&self) -> bool {
        self.cmax == 0
    }
}

/// The tone mapping of one histogram, precomputed (steps 2-4 of the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct ToneMap {
    /// The tone map it applies.
    pub shade: Shade,
    /// Smallest and largest non-empty count (0, 0 when the histogram is empty).
    pub cmin: u64,
    /// Largest non-empty count (0 when the histogram is empty).
    pub cmax: u64,
    /// Counts are clipped into `[clip.0, clip.1]`, then `offset` is subtracted (step 2).
    pub clip: (u64, u64),
    /// Subtracted from every clipped count (step 2).
    pub offset: u64,
    /// The colour ramp's span in transformed units (step 4).
    pub lo: f64,
    /// The ramp's upper end in transformed units (step 4).
    pub hi: f64,
    /// eq_hist only: distinct non-empty counts, ascending, and the cdf x of each (step 3).
    pub values: Vec<u64>,
    /// eq_hist only: the cdf x of each of `values`, ascending (step 3).
    pub cdf: Vec<f64>,
    /// Units per count: 1 for histograms, [`crate::density::DENSITY_SCALE`] for the fixed-point
    /// densities of `--de`/`--supersample` (offset counts are divided by it before step 3).
    pub scale: f64,
}

impl ToneMap {
    /// The tone map of `counts` without a span (cannot fail).
    pub fn new(shade: Shade, counts: &[u64]) -> ToneMap {
        let mut stats = CountStats::new(shade);
        counts.iter().for_each(|&c| stats.add(c));
        ToneMap::from_stats(shade, &stats, None).expect("no span, no error")
    }

    /// The tone map of `hist` under `style`. Commands refuse a span with eq_hist up front
    /// ([`check_style`]); here (the window can switch to eq_hist with a span set) eq_hist ignores it.
    pub fn of(hist: &Histogram, style: &Style) -> ToneMap {
        let mut stats = CountStats::new(style.shade);
        hist.counts.iter().for_each(|&c| stats.add(c));
        let span = style.span.filter(|_| style.shade != Shade::EqHist);
        ToneMap::from_stats(style.shade, &stats, span).expect("no span with eq_hist")
    }

    /// The tone map of a histogram whose counts `stats` summarises, with an optional span.
    pub fn from_stats(
        shade: Shade,
        stats: &CountStats,
        span: Option<Span>,
    ) -> Result<ToneMap, ShadeError> {
        ToneMap::from_stats_scaled(shade, stats, span, 1)
    }

    /// [`ToneMap::from_stats`] of fixed-point counts, `scale` units per count (the span is in
    /// counts).
    pub fn from_stats_scaled(
        shade: Shade,
        stats: &CountStats,
        span: Option<Span>,
        scale: u64,
    ) -> Result<ToneMap, ShadeError> {
        let span = span.map(|s| Span {
            min: s.min.saturating_mul(scale),
            max: s.max.saturating_mul(scale),
        });
        let unit = scale as f64;
        if shade == Shade::EqHist && span.is_some() {
            return Err(ShadeError::SpanWithEqHist);
        }
        let (cmin, cmax) = if stats.is_empty() {
            (0, 0)
        } else {
            (stats.cmin, stats.cmax)
        };
        let (mut values, mut cdf) = (Vec::new(), Vec::new());
        let (lo, hi, clip, offset);
        if shade == Shade::EqHist {
            let mut pairs: Vec<(u64, u64)> = stats.distinct.iter().map(|(&v, &n)| (v, n)).collect();
            pairs.sort_unstable();
            let total: u64 = pairs.iter().map(|p| p.1).sum();
            let mut cum = 0u64;
            for (v, n) in pairs {
                cum += n;
                values.push(v);
                cdf.push(cum as f64 / total as f64);
            }
            (lo, hi) = (
                cdf.first().copied().unwrap_or(0.0),
                cdf.last().copied().unwrap_or(0.0),
            );
            (clip, offset) = ((0, u64::MAX), cmin);
        } else if let Some(s) = span {
            (clip, offset) = ((s.min, s.max), s.min);
            (lo, hi) = (
                0.0,
                ToneMap::transform(shade, (s.max - s.min) as f64 / unit),
            );
        } else {
            (clip, offset) = ((0, u64::MAX), cmin);
            (lo, hi) = (0.0, ToneMap::transform(shade, (cmax - cmin) as f64 / unit));
        }
        Ok(ToneMap {
            shade,
            cmin,
            cmax,
            clip,
            offset,
            lo,
            hi,
            values,
            cdf,
            scale: unit,
        })
    }

    /// The transform of the linear, log and cbrt shades (step 3), of an offset count.
    pub fn transform(shade: Shade, d: f64) -> f64 {
        match shade {
            Shade::Log => d.ln_1p(),
            Shade::Cbrt => d.powf(1.0 / 3.0),
            Shade::Linear | Shade::EqHist => d,
        }
    }

    /// Datashader's transformed value x of a non-empty count (steps 2 and 3).
    pub fn value(&self, c: u64) -> f64 {
        if self.shade == Shade::EqHist {
            return match self.values.binary_search(&c) {
                Ok(i) => self.cdf[i],
                Err(_) => self.hi, // not a count of this histogram; cannot happen for its own bins
            };
        }
        let d = c.clamp(self.clip.0, self.clip.1) - self.offset;
        ToneMap::transform(self.shade, d as f64 / self.scale)
    }

    /// The normalised level u = (x - lo) / (hi - lo) in [0, 1] of a non-empty count (1 when the
    /// span is a single value).
    pub fn level(&self, c: u64) -> f64 {
        if self.hi == self.lo {
            return 1.0;
        }
        ((self.value(c) - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0)
    }

    /// The colour channels (step 5, before truncation) of a non-empty count.
    pub fn channels(&self, palette: &Palette, c: u64) -> [f64; 3] {
        palette.channels(self.value(c), self.lo, self.hi)
    }
}

/// Shades a histogram into RGBA8 pixels, row 0 = top, `width * height * 4` bytes.
pub fn shade(hist: &Histogram, style: &Style) -> Vec<u8> {
    let tone = ToneMap::of(hist, style);
    let mut out = Vec::with_capacity(hist.counts.len() * 4);
    for &c in &hist.counts {
        out.extend_from_slice(&pixel8(&tone, style, c));
    }
    out
}

/// Refuses a style datashader would refuse (a span with eq_hist).
pub fn check_style(style: &Style) -> Result<(), ShadeError> {
    if style.shade == Shade::EqHist && style.span.is_some() {
        return Err(ShadeError::SpanWithEqHist);
    }
    Ok(())
}

/// One RGBA8 pixel of count `c`.
pub fn pixel8(tone: &ToneMap, style: &Style, c: u64) -> [u8; 4] {
    if c == 0 {
        return style.background.0;
    }
    let [r, g, b] = tone.channels(&style.palette, c).map(|v| v as u8);
    [r, g, b, 255]
}

/// One RGBA16 pixel of count `c` (the float channel scaled by 257 and rounded: no 8-bit banding).
pub fn pixel16(tone: &ToneMap, style: &Style, c: u64) -> [u16; 4] {
    if c == 0 {
        return style.background.0.map(|v| v as u16 * 257);
    }
    let [r, g, b] = tone
        .channels(&style.palette, c)
        .map(|v| (v * 257.0).round().clamp(0.0, 65535.0) as u16);
    [r, g, b, 65535]
}

/// One pixel of count `c` as linear-light RGBA floats for the EXR: the palette's sRGB channels
/// (before the 8-bit truncation) and the background converted with the sRGB transfer function,
/// premultiplied by alpha (OpenEXR's convention; opaque pixels are unchanged by it).
pub fn pixel_linear(tone: &ToneMap, style: &Style, c: u64) -> [f32; 4] {
    let ([r, g, b], a) = if c == 0 {
        let [r, g, b, a] = style.background.0.map(f64::from);
        ([r, g, b], a / 255.0)
    } else {
        (tone.channels(&style.palette, c), 1.0)
    };
    let lin = |v: f64| (srgb_to_linear(v / 255.0) * a) as f32;
    [lin(r), lin(g), lin(b), a as f32]
}

/// The sRGB transfer function's inverse (IEC 61966-2-1): an encoded value in [0, 1] to linear
/// light in [0, 1].
pub fn srgb_to_linear(v: f64) -> f64 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_to_linear_matches_the_standard() {
        assert_eq!(srgb_to_linear(0.0), 0.0);
        assert!((srgb_to_linear(1.0) - 1.0).abs() < 1e-12);
        // The two pieces meet at 0.04045; mid grey (128/255) is 0.2158605 in linear light.
        assert!((srgb_to_linear(0.04045) - 0.04045 / 12.92).abs() < 1e-12);
        assert!((srgb_to_linear(128.0 / 255.0) - 0.2158605).abs() < 1e-6);
    }

    #[test]
    fn palettes_load_with_endpoints_and_reverse() {
        let fire = Palette::from_name("fire").unwrap();
        assert_eq!(fire.colors.len(), 256);
        assert_eq!(fire.at(0.0), [0, 0, 0]);
        assert_eq!(fire.at(1.0), [255, 255, 255]);
        let rev = Palette::from_name("fire_r").unwrap();
        assert_eq!(rev.at(0.0), [255, 255, 255]);
        for name in [
            "bgy", "bgyw", "bmw", "bmy", "gray", "kbc", "kgy", "inferno", "viridis",
        ] {
            assert_eq!(
                Palette::from_name(name).unwrap().colors.len(),
                256,
                "{name}"
            );
        }
        // matplotlib's viridis starts at #440154
        assert_eq!(
            Palette::from_name("viridis").unwrap().colors[0],
            [0x44, 0x01, 0x54]
        );
        assert!(
            Palette::from_name("red").is_err(),
            "CSS colours are not palettes"
        );
        let e = Palette::from_name("fier").unwrap_err();
        assert!(
            e.starts_with("unknown palette 'fier'; did you mean fire"),
            "{e}"
        );
    }

    #[test]
    fn tone_maps_are_monotone_and_span_zero_to_one() {
        let counts: Vec<u64> = vec![0, 1, 1, 2, 5, 5, 5, 90, 1000, 0];
        for shade in Shade::ALL {
            let t = ToneMap::new(shade, &counts);
            let mut last = -1.0;
            for c in [1u64, 2, 5, 90, 1000] {
                let u = t.level(c);
                assert!(u > last || (u == 0.0 && last < 0.0), "{shade}: {c} -> {u}");
                last = u;
            }
            assert_eq!(t.level(1), 0.0, "{shade}");
            assert_eq!(t.level(1000), 1.0, "{shade}");
        }
    }

    #[test]
    fn eq_hist_levels_by_hand() {
        // counts 1,1,2,5: distinct 1 (x2), 2, 5; cdf = 0.5, 0.75, 1; u = 0, 0.5, 1
        let t = ToneMap::new(Shade::EqHist, &[1, 1, 2, 5, 0]);
        assert_eq!(t.values, vec![1, 2, 5]);
        assert_eq!(t.cdf, vec![0.5, 0.75, 1.0]);
        assert_eq!((t.lo, t.hi), (0.5, 1.0));
        assert_eq!([1, 2, 5].map(|c| t.level(c)), [0.0, 0.5, 1.0]);
    }

    #[test]
    fn background_and_colours() {
        assert_eq!(
            "#102030".parse::<Color>().unwrap(),
            Color([16, 32, 48, 255])
        );
        assert_eq!(
            "#10203040".parse::<Color>().unwrap(),
            Color([16, 32, 48, 64])
        );
        assert_eq!("white".parse::<Color>().unwrap(), Color([255; 4]));
        assert!("#12".parse::<Color>().is_err());
        assert!(
            "mauve-ish"
                .parse::<Color>()
                .unwrap_err()
                .contains("unknown colour 'mauve-ish'")
        );
        let mut h = Histogram::new(
            2,
            1,
            crate::histogram::Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap(),
        );
        h.counts = vec![0, 3];
        let style = Style {
            shade: Shade::EqHist,
            palette: Palette::from_name("gray").unwrap(),
            background: Color([1, 2, 3, 255]),
            span: None,
        };
        // colorcet's gray ends at (254, 255, 255) once truncated as colorcet's Python does.
        assert_eq!(shade(&h, &style), vec![1, 2, 3, 255, 254, 255, 255, 255]);
    }

    #[test]
    fn log_and_cbrt_transform_the_count_above_the_smallest() {
        // datashader: log1p(c - cmin), cbrt as (c - cmin) ** (1/3), spanned over [0, max].
        let t = ToneMap::new(Shade::Log, &[0, 3, 4, 10]);
        assert_eq!((t.offset, t.lo, t.hi), (3, 0.0, 8f64.ln()));
        assert_eq!(t.value(3), 0.0);
        assert!((t.level(4) - 1.0 / 3.0).abs() < 1e-12, "{}", t.level(4));
        let t = ToneMap::new(Shade::Cbrt, &[2, 3, 10, 0]);
        assert!((t.level(3) - 0.5).abs() < 1e-12, "{}", t.level(3));
        let t = ToneMap::new(Shade::Linear, &[7, 7, 0]);
        assert_eq!((t.lo, t.hi, t.level(7)), (0.0, 0.0, 1.0));
    }

    #[test]
    fn a_span_clips_offsets_and_fixes_the_ramp() {
        let span = Some("3,11".parse::<Span>().unwrap());
        let mut stats = CountStats::new(Shade::Linear);
        [0, 1, 5, 20].iter().for_each(|&c| stats.add(c));
        let t = ToneMap::from_stats(Shade::Linear, &stats, span).unwrap();
        assert_eq!((t.offset, t.lo, t.hi), (3, 0.0, 8.0));
        assert_eq!([1, 5, 20].map(|c| t.level(c)), [0.0, 0.25, 1.0]);
        assert_eq!(stats.zeros, 1);
        assert_eq!(
            ToneMap::from_stats(Shade::EqHist, &CountStats::new(Shade::EqHist), span),
            Err(ShadeError::SpanWithEqHist)
        );
        for bad in ["5", "5,5", "9,1", "-1,3", "1.5,3", "a,b"] {
            assert!(bad.parse::<Span>().is_err(), "{bad}");
        }
        assert_eq!("1,5e4".parse::<Span>(), Ok(Span { min: 1, max: 50000 }));
    }

    #[test]
    fn colours_interpolate_like_np_interp_on_np_linspace() {
        let p = Palette {
            name: "t".into(),
            colors: vec![[0, 0, 0], [100, 200, 50], [255, 255, 255]],
        };
        // stops at 2, 4, 6
        assert_eq!(p.channels(3.0, 2.0, 6.0), [50.0, 100.0, 25.0]);
        assert_eq!(p.channels(4.0, 2.0, 6.0), [100.0, 200.0, 50.0]);
        assert_eq!(p.channels(7.0, 2.0, 6.0), [255.0; 3]);
        assert_eq!(p.channels(1.0, 2.0, 6.0), [255.0; 3], "np.interp left=255");
        assert_eq!(
            p.channels(2.0, 2.0, 2.0),
            [255.0; 3],
            "one value: last colour"
        );
        assert_eq!(p.at(0.75), [177, 227, 152]);
    }
}
