//! Colours: colormaps by name (colorcet and matplotlib's perceptual maps, `NAME_r` reversed) and
//! single colours (names or `#rrggbb[aa]`). Pure data and parsing; [`crate::shade`] uses them.

use std::str::FromStr;

/// A colormap as a list of RGB8 colours.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The name it is chosen by (`fire`, a matplotlib name, or a list of colours as written).
    pub name: String,
    /// The colours from the lowest density to the highest (at least one).
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
        // Truncated, not rounded: colorcet's Python `palette` lists (what datashader users pass)
        // are `rgb_to_hex(int(r*255), int(g*255), int(b*255))`; rounding differs by one level in
        // most entries.
        let colors: Vec<[u8; 3]> = map
            .get_rgb_float::<f64>()
            .into_iter()
            .map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0) as u8))
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

    /// Colour at level u in [0, 1] (the normalised form of step 5 of the module docs).
    pub fn at(&self, u: f64) -> [u8; 3] {
        self.channels(u.clamp(0.0, 1.0), 0.0, 1.0).map(|v| v as u8)
    }

    /// Step 5 of the module docs before truncation: each channel of `np.interp(x,
    /// np.linspace(lo, hi, n), channel, left=255)`, in [0, 255].
    pub fn channels(&self, x: f64, lo: f64, hi: f64) -> [f64; 3] {
        let n = self.colors.len();
        // np.linspace(lo, hi, n): j * step + lo, the last stop exactly hi; (j / div) * delta when
        // the step is zero.
        let div = (n - 1) as f64;
        let (delta, step) = (hi - lo, (hi - lo) / div);
        let stop = |j: usize| {
            if j == n - 1 {
                hi
            } else if step == 0.0 {
                j as f64 / div * delta + lo
            } else {
                j as f64 * step + lo
            }
        };
        // np.interp: below the first stop `left` (255); at or past the last, the last colour;
        // at a stop, its colour; between stops j and j + 1, slope * (x - stop_j) + colour_j.
        if x < stop(0) {
            return [255.0; 3];
        }
        if x >= stop(n - 1) {
            return self.colors[n - 1].map(f64::from);
        }
        // Largest j with stop(j) <= x (stops ascend; x < stop(n - 1) so j <= n - 2).
        let (mut a, mut b) = (0usize, n - 1);
        while b - a > 1 {
            let m = (a + b) / 2;
            if stop(m) <= x { a = m } else { b = m }
        }
        let (x0, x1) = (stop(a), stop(a + 1));
        let (c0, c1) = (self.colors[a], self.colors[a + 1]);
        std::array::from_fn(|k| {
            if x == x0 {
                return c0[k] as f64;
            }
            let slope = (c1[k] as f64 - c0[k] as f64) / (x1 - x0);
            slope * (x - x0) + c0[k] as f64
        })
    }
}

/// An RGBA8 colour parsed from a name or `#rrggbb[aa]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color(pub [u8; 4]);

impl FromStr for Color {
    type Err = String;
    fn from_str(s: &str) -> Result<Color, String> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "transparent" {
            return Ok(Color([0, 0, 0, 0]));
        }
        if let Some([r, g, b]) = crate::css_colors::css_color(&lower) {
            return Ok(Color([r, g, b, 255]));
        }
        let bad = || {
            let names = crate::css_colors::CSS_COLORS.iter().map(|(n, _)| *n);
            format!(
                "unknown colour '{s}'; expected a CSS colour name (`attractors list --colors` shows \
                 all 148), transparent, #rrggbb or #rrggbbaa{}",
                crate::suggest::did_you_mean(&lower, names)
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
