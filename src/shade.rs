//! Shading: histogram -> RGBA8, shared by every output (PNG, window) and mirrored by
//! `shaders/shade.wgsl`. Pure functions, no GPU or window types.
//!
//! The maths, exactly (the GPU pass implements the same steps in f32 and must agree within one
//! level per channel):
//!
//! 1. Empty bins (count 0) get the background colour. Everything below is over non-empty bins.
//! 2. Tone mapping gives each count c a level u in [0, 1]:
//!    * `linear`: u = (c - cmin) / (cmax - cmin), cmin/cmax over non-empty bins;
//!    * `log`:    the same with ln(1 + c) in place of c (datashader's `log1p`);
//!    * `cbrt`:   the same with c^(1/3);
//!    * `eq_hist` (datashader's histogram equalisation): let v1 < v2 < ... < vk be the distinct
//!      non-empty counts, n_i how many bins hold v_i, N = sum n_i and cdf_i = (n_1 + ... + n_i)/N.
//!      Then u(v_i) = (cdf_i - cdf_1) / (1 - cdf_1). This is datashader's `eq_hist` on integer
//!      counts (exact whenever its 65536-bin histogram is exact, i.e. cmax - cmin < 65536; we stay
//!      exact beyond that). Datashader then rescales the cdf to its span, which is the division.
//!
//!    When all non-empty bins hold the same value (or there is a single level), u = 1.
//! 3. Colouring: the palette is n >= 2 RGB8 colours; pos = u * (n - 1), i = min(floor(pos), n - 2),
//!    f = pos - i, channel = c_i + (c_{i+1} - c_i) * f, truncated to an integer (datashader's
//!    `interp(...).astype(uint8)`). Alpha is 255.

use crate::histogram::Histogram;
use std::fmt;
use std::str::FromStr;

/// The tone mapping from counts to levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Shade {
    #[default]
    EqHist,
    Log,
    Cbrt,
    Linear,
}

impl Shade {
    pub const ALL: [Shade; 4] = [Shade::EqHist, Shade::Log, Shade::Cbrt, Shade::Linear];
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

/// A colormap as a list of RGB8 colours.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub name: String,
    pub colors: Vec<[u8; 3]>,
}

/// Matplotlib's perceptual maps. colorcet 0.2.2 lists these names but its `FromStr` only resolves
/// its aliases, so they come from `colorous` (d3's copies of matplotlib's 256-entry tables).
const MATPLOTLIB: [(&str, colorous::Gradient); 6] = [
    ("viridis", colorous::VIRIDIS),
    ("inferno", colorous::INFERNO),
    ("magma", colorous::MAGMA),
    ("plasma", colorous::PLASMA),
    ("cividis", colorous::CIVIDIS),
    ("turbo", colorous::TURBO),
];

impl Palette {
    /// Names from colorcet (the `colorcet` crate: fire, bgy, bgyw, bmw, bmy, kbc, kgy, gray, ...)
    /// and matplotlib (viridis, inferno, magma, plasma, cividis, turbo), with `_r` for reversed.
    pub fn from_name(name: &str) -> Result<Palette, String> {
        let lower = name.trim().to_ascii_lowercase();
        let (base, reversed) = match lower.strip_suffix("_r") {
            Some(b) => (b, true),
            None => (lower.as_str(), false),
        };
        let mut colors = Self::lookup(base).ok_or_else(|| {
            let names = Palette::names();
            format!(
                "unknown palette '{name}'{} (attractors list --palettes shows all)",
                crate::suggest::did_you_mean(name, names.iter().map(String::as_str))
            )
        })?;
        if reversed {
            colors.reverse();
        }
        Ok(Palette {
            name: lower,
            colors,
        })
    }

    fn lookup(base: &str) -> Option<Vec<[u8; 3]>> {
        if let Some((_, g)) = MATPLOTLIB.iter().find(|(n, _)| *n == base) {
            return Some(
                (0..256)
                    .map(|i| g.eval_rational(i, 256).as_array())
                    .collect(),
            );
        }
        // Only colorcet's own names: its parser would also turn any CSS colour into a gradient.
        if !colorcet::ColorMap::all_colormap_names()
            .iter()
            .any(|k| k == base)
        {
            return None;
        }
        let map: colorcet::ColorMap = base.parse().ok()?;
        let colors: Vec<[u8; 3]> = map
            .get_rgb_float::<f64>()
            .into_iter()
            .map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect();
        (colors.len() >= 2).then_some(colors)
    }

    /// Every palette name that loads, sorted (for `list --palettes` and suggestions).
    pub fn names() -> Vec<String> {
        let mut n: Vec<String> = colorcet::ColorMap::all_colormap_names()
            .into_iter()
            .filter(|k| k.parse::<colorcet::ColorMap>().is_ok())
            .chain(MATPLOTLIB.iter().map(|(n, _)| n.to_string()))
            .collect();
        n.sort();
        n.dedup();
        n
    }

    /// Colour at level u in [0, 1] (step 3 of the module docs).
    pub fn at(&self, u: f64) -> [u8; 3] {
        let n = self.colors.len();
        let pos = u.clamp(0.0, 1.0) * (n - 1) as f64;
        let i = (pos.floor() as usize).min(n - 2);
        let f = pos - i as f64;
        let (a, b) = (self.colors[i], self.colors[i + 1]);
        std::array::from_fn(|c| (a[c] as f64 + (b[c] as f64 - a[c] as f64) * f) as u8)
    }
}

/// An RGBA8 colour parsed from a name or `#rrggbb[aa]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color(pub [u8; 4]);

impl FromStr for Color {
    type Err = String;
    fn from_str(s: &str) -> Result<Color, String> {
        let named = [
            ("black", [0, 0, 0, 255]),
            ("white", [255, 255, 255, 255]),
            ("transparent", [0, 0, 0, 0]),
            ("gray", [128, 128, 128, 255]),
            ("grey", [128, 128, 128, 255]),
            ("red", [255, 0, 0, 255]),
            ("green", [0, 128, 0, 255]),
            ("blue", [0, 0, 255, 255]),
            ("navy", [0, 0, 128, 255]),
        ];
        let lower = s.trim().to_ascii_lowercase();
        if let Some((_, c)) = named.iter().find(|(n, _)| *n == lower) {
            return Ok(Color(*c));
        }
        let bad = || {
            format!(
                "unknown colour '{s}'; expected a name (black, white, transparent, ...) or #rrggbb or #rrggbbaa"
            )
        };
        let hex = lower.strip_prefix('#').ok_or_else(bad)?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        let a = if hex.len() == 8 { byte(6)? } else { 255 };
        Ok(Color([byte(0)?, byte(2)?, byte(4)?, a]))
    }
}

/// How counts become colours.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    pub shade: Shade,
    pub palette: Palette,
    pub background: Color,
}

impl Default for Style {
    /// The command line's default: eq_hist, fire, black background.
    fn default() -> Style {
        Style {
            shade: Shade::EqHist,
            palette: Palette::from_name("fire").expect("fire is built in"),
            background: Color([0, 0, 0, 255]),
        }
    }
}

/// The tone mapping of one histogram, precomputed (step 2). For eq_hist it holds the sorted
/// distinct counts and their levels; for the others the span.
#[derive(Clone, Debug, PartialEq)]
pub struct ToneMap {
    pub shade: Shade,
    /// Smallest and largest non-empty count (0, 0 when the histogram is empty).
    pub cmin: u64,
    pub cmax: u64,
    /// eq_hist only: distinct non-empty counts, ascending, and the level of each.
    pub values: Vec<u64>,
    pub levels: Vec<f64>,
}

impl ToneMap {
    pub fn new(shade: Shade, counts: &[u64]) -> ToneMap {
        let mut nonzero: Vec<u64> = counts.iter().copied().filter(|&c| c > 0).collect();
        let (cmin, cmax) = (
            nonzero.iter().copied().min().unwrap_or(0),
            nonzero.iter().copied().max().unwrap_or(0),
        );
        let (mut values, mut levels) = (Vec::new(), Vec::new());
        if shade == Shade::EqHist && !nonzero.is_empty() {
            nonzero.sort_unstable();
            let n = nonzero.len() as f64;
            let mut cum = 0usize;
            let mut cdf = Vec::new();
            for run in nonzero.chunk_by(|a, b| a == b) {
                cum += run.len();
                values.push(run[0]);
                cdf.push(cum as f64 / n);
            }
            let first = cdf[0];
            levels = cdf
                .iter()
                .map(|c| {
                    if values.len() > 1 {
                        (c - first) / (1.0 - first)
                    } else {
                        1.0
                    }
                })
                .collect();
        }
        ToneMap {
            shade,
            cmin,
            cmax,
            values,
            levels,
        }
    }

    /// The transform of the linear span shades (module docs, step 2).
    pub fn transform(shade: Shade, c: f64) -> f64 {
        match shade {
            Shade::Log => c.ln_1p(),
            Shade::Cbrt => c.cbrt(),
            Shade::Linear | Shade::EqHist => c,
        }
    }

    /// Level of a non-empty count.
    pub fn level(&self, c: u64) -> f64 {
        if self.shade == Shade::EqHist {
            return match self.values.binary_search(&c) {
                Ok(i) => self.levels[i],
                Err(_) => 1.0, // not a count of this histogram; cannot happen for its own bins
            };
        }
        if self.cmax == self.cmin {
            return 1.0;
        }
        let t = |v: u64| ToneMap::transform(self.shade, v as f64);
        ((t(c) - t(self.cmin)) / (t(self.cmax) - t(self.cmin))).clamp(0.0, 1.0)
    }
}

/// Shades a histogram into RGBA8 pixels, row 0 = top, `width * height * 4` bytes.
pub fn shade(hist: &Histogram, style: &Style) -> Vec<u8> {
    let tone = ToneMap::new(style.shade, &hist.counts);
    let mut out = Vec::with_capacity(hist.counts.len() * 4);
    for &c in &hist.counts {
        if c == 0 {
            out.extend_from_slice(&style.background.0);
        } else {
            let [r, g, b] = style.palette.at(tone.level(c));
            out.extend_from_slice(&[r, g, b, 255]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(t.levels, vec![0.0, 0.5, 1.0]);
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
        };
        assert_eq!(shade(&h, &style), vec![1, 2, 3, 255, 255, 255, 255, 255]);
    }
}
