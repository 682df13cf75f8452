//! A sweep (`--sweep NAME=FROM:TO`): what it moves and how it eases between its ends.

/// How a sweep moves between its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Ease {
    /// Constant speed.
    Linear,
    /// Slow at both ends (the cosine ease: 0.5 - 0.5 cos(pi u)).
    Smooth,
}

impl Ease {
    pub(super) fn apply(self, u: f64) -> f64 {
        match self {
            Ease::Linear => u,
            Ease::Smooth => 0.5 - 0.5 * (std::f64::consts::PI * u).cos(),
        }
    }
}

/// What a sweep moves: a parameter slot, a start coordinate, or the zoom.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The parameter at this index of the preset's `params`.
    Param(usize),
    /// The start point's coordinate (0 = x, 1 = y, 2 = z).
    Start(usize),
    /// Magnification around the centre of the bounds (1 = the animation's bounds).
    Zoom,
}

/// One `--sweep NAME=FROM:TO`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// What moves: a parameter name, `x`/`y`/`z` (the start point) or `zoom`, as given.
    pub name: String,
    /// Its value at the first frame.
    pub from: f64,
    /// Its value at the last frame.
    pub to: f64,
}

/// Parses `NAME=FROM:TO` (clap value parser).
pub fn parse_sweep(s: &str) -> Result<Sweep, String> {
    let bad =
        || format!("sweep '{s}': expected NAME=FROM:TO, e.g. a=-1.3:-1.1, x=0:0.5 or zoom=1:4");
    let (name, range) = s.split_once('=').ok_or_else(bad)?;
    let (from, to) = range.split_once(':').ok_or_else(bad)?;
    let num = |t: &str| -> Result<f64, String> {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("sweep '{s}': '{t}' is not a finite number"))
    };
    Ok(Sweep {
        name: name.trim().to_string(),
        from: num(from)?,
        to: num(to)?,
    })
}
