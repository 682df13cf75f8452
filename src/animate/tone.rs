//! Tone mapping that does not flicker. Measured on slow sweeps (`tests/animate.rs`, the largest
//! change of mean luminance between consecutive frames): eq_hist equalised per frame is already
//! smooth (its levels are uniform over the non-empty bins whatever the counts: 0.09 of 255), while
//! log, cbrt and linear normalised by each frame's own extremes jump with the noisy maximum count
//! (5.1 for log). So eq_hist frames are equalised on their own, and the other shades are
//! normalised by the extremes of a few reference frames spread over the animation, interpolated
//! (geometrically) to each frame's position: log 1.5, linear 0.46 instead of 1.5. A frame's tone
//! depends on its position alone, so frames can be rendered in any order, or again after a stop.

use crate::histogram::Histogram;
use crate::shade::{Shade, Style, ToneMap};

/// One reference frame's extremes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    /// Position in the animation, 0..1.
    u: f64,
    cmin: f64,
    cmax: f64,
}

/// The normalisation of a whole animation, from its reference frames.
#[derive(Clone, Debug, PartialEq)]
pub struct StableTone {
    /// Not stored: the animation's flags give it.
    pub shade: Shade,
    refs: Vec<Reference>,
}

/// The version of the tone file [`StableTone::to_json`] writes.
const TONE_FORMAT: u32 = 1;
/// The most reference frames a tone file may hold.
const MAX_REFERENCES: usize = 64;

/// The tone file as stored.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ToneFile {
    format: u32,
    refs: Vec<Reference>,
}

impl StableTone {
    /// Whether this shade needs reference frames (eq_hist does not).
    pub fn needs_references(shade: Shade) -> bool {
        shade != Shade::EqHist
    }

    /// From reference histograms at positions `u` (ascending); empty ones are skipped.
    pub fn new(shade: Shade, refs: &[(f64, &Histogram)]) -> StableTone {
        let refs = refs
            .iter()
            .filter_map(|(u, h)| {
                let nonzero = h.counts.iter().copied().filter(|&c| c > 0);
                let cmin = nonzero.clone().min()?;
                Some(Reference {
                    u: *u,
                    cmin: cmin as f64,
                    cmax: nonzero.max().unwrap_or(cmin) as f64,
                })
            })
            .collect();
        StableTone { shade, refs }
    }

    /// The tone file's text: the references' positions and extremes.
    pub fn to_json(&self) -> String {
        let file = ToneFile {
            format: TONE_FORMAT,
            refs: self.refs.clone(),
        };
        serde_json::to_string(&file).expect("plain numbers")
    }

    /// Reads a tone file written by [`StableTone::to_json`], every value checked (the one place
    /// a tone file is read): `Err` names the file and the field.
    pub fn from_json(bytes: &[u8], shade: Shade, file: &str) -> Result<StableTone, String> {
        let f: ToneFile =
            serde_json::from_slice(bytes).map_err(|e| format!("{file}: not a tone file ({e})"))?;
        if f.format != TONE_FORMAT {
            return Err(format!(
                "{file}: field format: {} is not {TONE_FORMAT}, the tone file version this attractors reads",
                f.format
            ));
        }
        if f.refs.len() > MAX_REFERENCES {
            return Err(format!(
                "{file}: field refs: {} references; expected at most {MAX_REFERENCES}",
                f.refs.len()
            ));
        }
        for (i, r) in f.refs.iter().enumerate() {
            check_reference(r, i, f.refs.get(i.wrapping_sub(1)))
                .map_err(|m| format!("{file}: field refs[{i}].{m}"))?;
        }
        Ok(StableTone {
            shade,
            refs: f.refs,
        })
    }

    /// The extremes at position `u`: the two neighbouring references blended geometrically
    /// (counts scale multiplicatively). None without references.
    fn extremes(&self, u: f64) -> Option<(f64, f64)> {
        let j = self.refs.iter().rposition(|r| r.u <= u).unwrap_or(0);
        let a = self.refs.get(j)?;
        let b = self.refs.get(j + 1).unwrap_or(a);
        let w = if b.u > a.u {
            ((u - a.u) / (b.u - a.u)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let glerp = |x: f64, y: f64| match w {
            0.0 => x,
            1.0 => y,
            _ => (x.ln() + (y.ln() - x.ln()) * w).exp(),
        };
        Some((glerp(a.cmin, b.cmin), glerp(a.cmax, b.cmax)))
    }

    /// RGBA8 pixels of `hist`, the frame at position `u`, row 0 = top.
    pub fn shade(&self, u: f64, hist: &Histogram, style: &Style) -> Vec<u8> {
        let extremes = self
            .extremes(u)
            .filter(|_| Self::needs_references(self.shade));
        let Some((cmin, cmax)) = extremes else {
            return crate::shade::shade(hist, style);
        };
        let t = |c: f64| ToneMap::transform(self.shade, (c - cmin).max(0.0));
        let (lo, hi) = (0.0, t(cmax));
        let mut out = Vec::with_capacity(hist.counts.len() * 4);
        for &c in &hist.counts {
            if c == 0 {
                out.extend_from_slice(&style.background.0);
                continue;
            }
            let [r, g, b] = if hi > lo {
                let x = t(c as f64).clamp(lo, hi);
                style.palette.channels(x, lo, hi).map(|v| v as u8)
            } else {
                style.palette.at(1.0)
            };
            out.extend_from_slice(&[r, g, b, 255]);
        }
        out
    }
}

/// One reference of a tone file, after `prev`: `Err` is `field: why`.
fn check_reference(r: &Reference, i: usize, prev: Option<&Reference>) -> Result<(), String> {
    let show = crate::histogram::show_f64;
    if !(r.u.is_finite() && (0.0..=1.0).contains(&r.u)) {
        return Err(format!("u: {}; expected a position from 0 to 1", show(r.u)));
    }
    if let Some(p) = prev.filter(|p| r.u <= p.u) {
        return Err(format!(
            "u: {} is not after refs[{}].u {}; references go forward",
            show(r.u),
            i - 1,
            show(p.u)
        ));
    }
    let count = |v: f64| v.is_finite() && (1.0..=u64::MAX as f64).contains(&v);
    if !count(r.cmin) {
        return Err(format!(
            "cmin: {}; expected a count of at least 1",
            show(r.cmin)
        ));
    }
    if !count(r.cmax) || r.cmax < r.cmin {
        return Err(format!(
            "cmax: {}; expected a count of at least cmin ({})",
            show(r.cmax),
            show(r.cmin)
        ));
    }
    Ok(())
}

/// Mean luminance (Rec. 709 weights, 0..255) of RGBA8 pixels: the flicker metric compares it
/// between consecutive frames.
pub fn mean_luminance(rgba: &[u8]) -> f64 {
    let n = (rgba.len() / 4).max(1) as f64;
    rgba.chunks_exact(4)
        .map(|p| 0.2126 * p[0] as f64 + 0.7152 * p[1] as f64 + 0.0722 * p[2] as f64)
        .sum::<f64>()
        / n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Bounds;
    use crate::shade::{Color, Palette};

    fn hist(counts: Vec<u64>) -> Histogram {
        let mut h = Histogram::new(
            counts.len() as u32,
            1,
            Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap(),
        );
        h.counts = counts;
        h
    }

    fn style(shade: Shade) -> Style {
        Style {
            shade,
            palette: Palette::from_name("fire").unwrap(),
            background: Color([0, 0, 0, 255]),
            span: None,
        }
    }

    #[test]
    fn one_reference_at_the_frames_own_extremes_shades_like_a_still() {
        let h = hist(vec![0, 1, 1, 2, 5, 9, 9, 40]);
        for shade in [Shade::Log, Shade::Linear, Shade::Cbrt, Shade::EqHist] {
            let st = StableTone::new(shade, &[(0.0, &h)]);
            assert_eq!(
                st.shade(0.0, &h, &style(shade)),
                crate::shade::shade(&h, &style(shade))
            );
        }
    }

    #[test]
    fn extremes_move_geometrically_between_references() {
        let a = hist(vec![1, 10]);
        let b = hist(vec![1, 1000]);
        let st = StableTone::new(Shade::Log, &[(0.0, &a), (1.0, &b)]);
        assert_eq!(st.extremes(0.0), Some((1.0, 10.0)));
        let (_, mid) = st.extremes(0.5).unwrap();
        assert!((mid - 100.0).abs() < 1e-9, "{mid}");
        assert_eq!(st.extremes(1.0), Some((1.0, 1000.0)));
    }

    #[test]
    fn empty_references_give_a_plain_picture_not_a_panic() {
        let st = StableTone::new(Shade::Log, &[(0.0, &hist(vec![0, 0]))]);
        let px = st.shade(0.5, &hist(vec![0, 3]), &style(Shade::Log));
        assert_eq!(px.len(), 8);
        assert_eq!(&px[..4], &[0, 0, 0, 255]);
    }
}
