//! What changes over an animation: sweeps (`--sweep a=-1.3:-1.1`) or keyframes (`--keys FILE`),
//! evaluated at a frame's position. Every frame's preset is a pure function of its index, so frames
//! can be rendered in any order and a stopped animation continues where it left off. A keyframe
//! file is read by [`Timeline::keys`] (`keys.rs`).

use crate::attractor::Preset;
use crate::attractor::atr;

pub use super::sweep::{Ease, Sweep, Target, parse_sweep};

/// How the segment after a keyframe is interpolated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interp {
    /// A straight line to the next keyframe.
    Linear,
    /// Catmull-Rom through the neighbouring keyframes.
    Smooth,
}

/// One keyframe: the preset at `time` seconds.
#[derive(Clone, Debug)]
pub struct Key {
    /// Seconds from the start of the animation.
    pub time: f64,
    /// The attractor at that time.
    pub preset: Preset,
    /// How the segment after it is interpolated.
    pub interp: Interp,
}

/// The animation's course: the base preset moved by sweeps, or keyframes.
#[derive(Clone, Debug)]
pub enum Timeline {
    /// A base preset whose targets move from one value to another.
    Sweeps {
        /// The preset every frame starts from.
        base: Preset,
        /// Each target with its first and last value.
        sweeps: Vec<(Target, f64, f64)>,
        /// How time maps onto the sweeps' progress.
        ease: Ease,
    },
    /// Keyframes in time order (at least two).
    Keys(Vec<Key>),
}

/// A frame's state: its preset and its zoom (1 unless swept).
#[derive(Clone, Debug)]
pub struct FrameState {
    /// The attractor at that frame.
    pub preset: Preset,
    /// Magnification around the centre of the bounds (1 = the animation's bounds).
    pub zoom: f64,
}

impl Timeline {
    /// The preset the animation starts from: the swept base, or the first keyframe (which
    /// carries the keyframes' look).
    pub fn base(&self) -> &Preset {
        match self {
            Timeline::Sweeps { base, .. } => base,
            Timeline::Keys(keys) => &keys[0].preset,
        }
    }

    /// Sweeps of `base`; names are its parameters, `x`, `y`, `z` or `zoom`.
    pub fn sweeps(base: Preset, sweeps: &[Sweep], ease: Ease) -> Result<Timeline, String> {
        let named = base.named_params();
        let mut out: Vec<(Target, f64, f64)> = Vec::new();
        for s in sweeps {
            let target = match s.name.as_str() {
                "x" => Target::Start(0),
                "y" => Target::Start(1),
                "z" if !base.uses_z() => {
                    return Err(format!(
                        "--sweep z: '{}' does not use z (a 2-D map: z is never read); sweep x, y, a parameter or zoom",
                        base.map_name()
                    ));
                }
                "z" => Target::Start(2),
                "zoom" => {
                    if s.from <= 0.0 || s.to <= 0.0 {
                        return Err(format!(
                            "--sweep zoom={}:{}: a zoom is a magnification; expected values > 0, e.g. zoom=1:4",
                            s.from, s.to
                        ));
                    }
                    Target::Zoom
                }
                name => {
                    let slot = match &base.formula {
                        Some(_) => crate::attractor::user::PARAM_NAMES
                            .iter()
                            .position(|c| c.to_string() == name)
                            .filter(|_| named.iter().any(|(n, _)| n == name)),
                        None => base.equation.params().iter().position(|n| *n == name),
                    };
                    let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
                    Target::Param(slot.ok_or_else(|| {
                        format!(
                            "--sweep {name}: '{}' has no parameter '{name}'; expected one of {}, x, y, z or zoom",
                            base.map_name(),
                            names.join(", ")
                        )
                    })?)
                }
            };
            if out.iter().any(|(t, ..)| *t == target) {
                return Err(format!(
                    "--sweep {}: given twice; sweep each value once",
                    s.name
                ));
            }
            out.push((target, s.from, s.to));
        }
        let tl = Timeline::Sweeps {
            base,
            sweeps: out,
            ease,
        };
        // Both ends must be valid presets (a symmetric_icon degree, for example).
        for u in [0.0, 1.0] {
            let state = tl.at(u);
            if state.preset.formula.is_none() {
                crate::attractor::check_params(state.preset.equation, &state.preset.params)
                    .map_err(|e| format!("--sweep: {e}"))?;
            }
        }
        Ok(tl)
    }

    /// Seconds a keyframe animation lasts (None for sweeps).
    pub fn duration(&self) -> Option<f64> {
        match self {
            Timeline::Keys(k) => k.last().map(|k| k.time),
            Timeline::Sweeps { .. } => None,
        }
    }

    /// The state at position `u` in [0, 1] of the whole animation.
    pub fn at(&self, u: f64) -> FrameState {
        let u = u.clamp(0.0, 1.0);
        match self {
            Timeline::Sweeps { base, sweeps, ease } => {
                let e = ease.apply(u);
                let mut preset = base.clone();
                let mut zoom = 1.0;
                for (target, from, to) in sweeps {
                    match target {
                        Target::Param(i) => preset.params[*i] = from + (to - from) * e,
                        Target::Start(i) => preset.start[*i] = from + (to - from) * e,
                        // Geometric, so equal steps look like equal magnifications.
                        Target::Zoom => zoom = from * (to / from).powf(e),
                    }
                }
                FrameState { preset, zoom }
            }
            Timeline::Keys(keys) => {
                let t = u * keys.last().map_or(0.0, |k| k.time);
                let i = keys
                    .iter()
                    .rposition(|k| k.time <= t)
                    .unwrap_or(0)
                    .min(keys.len() - 2);
                let (a, b) = (&keys[i], &keys[i + 1]);
                let w = ((t - a.time) / (b.time - a.time)).clamp(0.0, 1.0);
                let before = &keys[i.saturating_sub(1)].preset;
                let after = &keys[(i + 2).min(keys.len() - 1)].preset;
                let mix = |p0: f64, p1: f64, p2: f64, p3: f64| match a.interp {
                    Interp::Linear => p1 + (p2 - p1) * w,
                    Interp::Smooth => catmull_rom(p0, p1, p2, p3, w),
                };
                let mut preset = a.preset.clone();
                for j in 0..preset.params.len() {
                    preset.params[j] = mix(
                        before.params[j],
                        a.preset.params[j],
                        b.preset.params[j],
                        after.params[j],
                    );
                }
                for j in 0..3 {
                    preset.start[j] = mix(
                        before.start[j],
                        a.preset.start[j],
                        b.preset.start[j],
                        after.start[j],
                    );
                }
                FrameState { preset, zoom: 1.0 }
            }
        }
    }
}

/// The uniform Catmull-Rom spline through p1 (w = 0) and p2 (w = 1), with tangents from p0, p3.
fn catmull_rom(p0: f64, p1: f64, p2: f64, p3: f64, w: f64) -> f64 {
    let (w2, w3) = (w * w, w * w * w);
    0.5 * (2.0 * p1
        + (p2 - p0) * w
        + (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3) * w2
        + (3.0 * (p1 - p2) + p3 - p0) * w3)
}

/// The text of a `--keys` file for `keys` (time in seconds, preset): the `.atr` header with
/// every look column plus `time`, one row per keyframe; the first row carries the look
/// (palette, tone map, background, bounds) of the whole animation, the others leave it unset.
pub fn keys_text(keys: &[(f64, Preset)]) -> String {
    let layout = crate::attractor::look::Layout::all();
    let mut text = format!("{}{},time\n", atr::COLUMNS.join(","), layout.header_tail());
    for (i, (time, preset)) in keys.iter().enumerate() {
        let mut p = preset.clone();
        if i > 0 {
            (p.palette, p.shade, p.background, p.bounds) = (None, None, None, None);
        }
        text.push_str(&format!("{},{time}\n", atr::format_row_in(&p, &layout)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Presets;

    #[test]
    fn written_keys_read_back() {
        let mut a = Presets::builtin().get("Clifford").unwrap().clone();
        a.palette = Some("kbc".into());
        a.bounds = Some(crate::histogram::Bounds::new(-3.0, 3.0, -2.0, 2.0).unwrap());
        let mut b = a.clone();
        b.params[0] = -1.1;
        b.palette = None;
        let text = keys_text(&[(0.0, a.clone()), (1.5, b)]);
        let Timeline::Keys(keys) = Timeline::keys(text.as_bytes(), "k.csv").unwrap() else {
            panic!("not keyframes: {text}");
        };
        assert_eq!(keys.len(), 2, "{text}");
        assert_eq!((keys[0].time, keys[1].time), (0.0, 1.5));
        assert_eq!(keys[1].preset.params[0], -1.1);
        assert_eq!(keys[0].preset.params, a.params);
        assert_eq!(keys[0].preset.palette.as_deref(), Some("kbc"));
        assert_eq!(keys[0].preset.bounds, a.bounds);
    }

    fn clifford() -> Preset {
        Presets::builtin().get("Clifford").unwrap().clone()
    }

    #[test]
    fn sweeps_move_parameters_start_and_zoom() {
        let sweeps = [
            parse_sweep("a=-1.3:-1.1").unwrap(),
            parse_sweep("x=0:0.5").unwrap(),
            parse_sweep("zoom=1:4").unwrap(),
        ];
        let tl = Timeline::sweeps(clifford(), &sweeps, Ease::Linear).unwrap();
        let end = tl.at(1.0);
        assert_eq!(end.preset.params[0], -1.1);
        assert_eq!(end.preset.start[0], 0.5);
        assert!((end.zoom - 4.0).abs() < 1e-12);
        let mid = tl.at(0.5);
        assert!((mid.preset.params[0] + 1.2).abs() < 1e-12);
        assert!((mid.zoom - 2.0).abs() < 1e-12, "zoom is geometric");
        let smooth = Timeline::sweeps(clifford(), &sweeps, Ease::Smooth).unwrap();
        assert!((smooth.at(0.5).preset.params[0] + 1.2).abs() < 1e-12);
        assert!(smooth.at(0.1).preset.params[0] < tl.at(0.1).preset.params[0]);
    }

    #[test]
    fn keyframes_have_one_look_and_no_interp_after_the_last() {
        let head =
            "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette,shade,background,bounds,time,interp\n";
        let row = |look: &str, time: &str, interp: &str| {
            format!("k,clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,,{look},{time},{interp}\n")
        };
        let keys = |rows: &[String]| {
            Timeline::keys((head.to_string() + &rows.concat()).as_bytes(), "k.csv")
        };
        // set on the first row only (or the same on both): every keyframe and the base carry it
        let tl = keys(&[
            row("kbc,log,white,\"-2,2,-2,2\"", "0", ""),
            row(",,,", "1", ""),
        ])
        .unwrap();
        let base = tl.base();
        assert_eq!(base.palette.as_deref(), Some("kbc"));
        assert_eq!(base.shade, Some(crate::shade::Shade::Log));
        assert_eq!(base.bounds.map(|b| b.xmax), Some(2.0));
        let Timeline::Keys(k) = &tl else { panic!() };
        assert_eq!(k[1].preset.palette.as_deref(), Some("kbc"));
        // a later row may set what the first leaves out
        let tl = keys(&[row(",,,", "0", ""), row("kbc,,,", "1", "")]).unwrap();
        assert_eq!(tl.base().palette.as_deref(), Some("kbc"));
        // two values: refused, naming the row
        let e = keys(&[row("kbc,,,", "0", ""), row("fire,,,", "1", "")])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("k.csv:3: column palette: 'fire' differs from 'kbc'"),
            "{e}"
        );
        // an interp on the last row does nothing: refused
        let e = keys(&[row(",,,", "0", "smooth"), row(",,,", "1", "linear")])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("k.csv:3: column interp: the last keyframe starts no segment"),
            "{e}"
        );
        assert!(keys(&[row(",,,", "0", "smooth"), row(",,,", "1", "")]).is_ok());
    }

    #[test]
    fn bad_sweeps_name_the_problem() {
        let err = |s: &str| {
            Timeline::sweeps(clifford(), &[parse_sweep(s).unwrap()], Ease::Linear).unwrap_err()
        };
        assert!(err("q=0:1").contains("has no parameter 'q'; expected one of a, b, c, d"));
        assert!(err("zoom=0:2").contains("expected values > 0"));
        assert!(
            parse_sweep("a=1")
                .unwrap_err()
                .contains("expected NAME=FROM:TO")
        );
        assert!(
            parse_sweep("a=1:x")
                .unwrap_err()
                .contains("'x' is not a finite number")
        );
    }

    const KEYS: &str = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,time,interp\n\
        k0,clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,,0,smooth\n\
        k1,clifford,0,0,,-1.2,-1.3,-1.8,-1.9,,,,1,linear\n\
        k2,clifford,0,0,,-1.0,-1.3,-1.8,-1.9,,,,3,\n";

    #[test]
    fn keyframes_interpolate_by_time() {
        let tl = Timeline::keys(KEYS.as_bytes(), "k.csv").unwrap();
        assert_eq!(tl.duration(), Some(3.0));
        assert_eq!(tl.at(0.0).preset.params[0], -1.3);
        assert!((tl.at(1.0 / 3.0).preset.params[0] + 1.2).abs() < 1e-12);
        // the linear segment 1..3 s: halfway at 2 s
        assert!((tl.at(2.0 / 3.0).preset.params[0] + 1.1).abs() < 1e-12);
        assert_eq!(tl.at(1.0).preset.params[0], -1.0);
        // the smooth segment passes through its keys and stays between neighbours here
        let v = tl.at(1.0 / 6.0).preset.params[0];
        assert!(v > -1.3 && v < -1.2, "{v}");
    }

    #[test]
    fn bad_keyframes_name_file_line_and_column() {
        let err = |s: &str| {
            Timeline::keys(s.as_bytes(), "k.csv")
                .unwrap_err()
                .to_string()
        };
        let swap = KEYS.replace(",1,linear", ",0,linear");
        assert!(err(&swap).contains("k.csv:3: column time: 0 is not after 0"));
        let interp = KEYS.replace(",1,linear", ",1,cubic");
        assert!(err(&interp).contains("k.csv:3: column interp: 'cubic'"));
        let no_time = KEYS.replace(",time,", ",when,");
        assert!(err(&no_time).contains("no 'time' column"));
        let other = KEYS.replace(
            "k2,clifford,0,0,,-1.0,-1.3,-1.8,-1.9",
            "k2,de_jong,0,0,,-1.0,-1.3,-1.8,-1.9",
        );
        assert!(err(&other).contains("k.csv:4: column Equation: equation 'de_jong' differs"));
        let bad_row = KEYS.replace("-1.2,-1.3", "oops,-1.3");
        assert!(err(&bad_row).contains("k.csv:3"), "{}", err(&bad_row));
        let typed = |second: &str| {
            format!(
                "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,time\n\
                 K,\"x' = sin(a*y); y' = x\",0,0,,1,,,,,,,0\n\
                 K,\"{second}\",0,0,,2,,,,,,,1\n"
            )
        };
        let e = err(&typed("x' = cos(a*y); y' = x"));
        assert!(
            e.contains("k.csv:3: column Equation: formula 'x' = cos(a * y); y' = x' differs"),
            "{e}"
        );
    }

    #[test]
    fn keyframes_may_share_a_name_and_space_a_formula_their_way() {
        let same_name = KEYS.replace("k1,", "k0,").replace("k2,", "k0,");
        assert!(Timeline::keys(same_name.as_bytes(), "k.csv").is_ok());
        let spaced = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,time\n\
             K,\"x' = sin(a*y); y' = x\",0,0,,1,,,,,,,0\n\
             K,\"x'=sin( a * y );  y'=x\",0,0,,2,,,,,,,1\n";
        assert!(Timeline::keys(spaced.as_bytes(), "k.csv").is_ok());
    }
}
