//! The plan of `attractors animate`: the animation resolved from the flags (what moves, how it
//! looks, how many frames, the bounds that hold them all) and each frame as a still render.

use super::animate_files::{check_tone, frame_count, union_bounds, zoomed};
use crate::animate::timeline::Timeline;
use crate::animate::tone::StableTone;
use crate::attractor::Presets;
use crate::cli::RenderArgs;
use crate::cli::animate_args::{AnimateArgs, ToneMode};
use crate::cli::config::{apply_overrides, preset_bounds, preset_style};
use crate::histogram::Bounds;
use crate::job::Job;
use crate::recipe::Recipe;
use crate::shade::Style;
use anyhow::{Result, anyhow, bail};

/// Reference frames the stable tone is interpolated between.
const REFERENCES: u64 = 5;

/// The animation resolved from the flags: what moves, how it looks, its frames and their bounds.
pub struct Plan<'a> {
    pub r: &'a RenderArgs,
    pub timeline: Timeline,
    pub style: Style,
    pub frames: u64,
    pub bounds: Bounds,
}

impl<'a> Plan<'a> {
    pub fn new(a: &'a AnimateArgs) -> Result<Plan<'a>> {
        let r = &a.render;
        let timeline = timeline(a)?;
        let style = preset_style(r, timeline.base())?;
        check_tone(a, &style)?;
        let frames = frame_count(a, &timeline)?;
        let bounds = match r.bounds {
            Some([x0, x1, y0, y1]) => {
                Bounds::new(x0, x1, y0, y1).map_err(|e| anyhow!("--bounds: {e}"))?
            }
            // The preset's view (the keyframes' bounds column for keyframes).
            None => match preset_bounds(r, timeline.base()) {
                Some(b) => b,
                None => union_bounds(&timeline, r)?,
            },
        };
        let plan = Plan {
            r,
            timeline,
            style,
            frames,
            bounds,
        };
        // The first and last frames, before any work: a zoom sweep's extremes are its ends.
        plan.job(0)?;
        plan.job(frames - 1)?;
        Ok(plan)
    }

    /// Frame `i`'s position in the animation, 0..1.
    pub fn position(&self, i: u64) -> f64 {
        if self.frames > 1 {
            i as f64 / (self.frames - 1) as f64
        } else {
            0.0
        }
    }

    /// The still render that frame `i` is.
    pub fn job(&self, i: u64) -> Result<Job> {
        let r = self.r;
        let state = self.timeline.at(self.position(i));
        Ok(Job::builder(state.preset)
            .size(r.size.0, r.size.1)
            .points(r.iters)
            .skip(r.skip)
            .seed(r.seed)
            .exact(r.exact)
            .bounds(zoomed(self.bounds, state.zoom))
            .build()?)
    }

    /// The recipe frame `i`'s PNG carries.
    pub fn recipe(&self, i: u64) -> Result<Recipe> {
        Ok(Recipe::of(&self.job(i)?, self.r.iters, &self.style))
    }

    /// The reference frames of the stable tone, spread over the animation. A --span fixes every
    /// frame's range itself, and eq_hist equalises each frame: no references.
    pub fn references(&self, tone: ToneMode) -> Vec<u64> {
        if tone != ToneMode::Stable
            || !StableTone::needs_references(self.style.shade)
            || self.style.span.is_some()
        {
            return Vec::new();
        }
        let (n, f) = (REFERENCES.min(self.frames), self.frames);
        (0..n)
            .map(|j| {
                if n > 1 {
                    (j * (f - 1) + (n - 1) / 2) / (n - 1)
                } else {
                    0
                }
            })
            .collect()
    }
}

/// What moves, frame by frame: keyframes, or sweeps of a preset.
fn timeline(a: &AnimateArgs) -> Result<Timeline> {
    let r = &a.render;
    match &a.keys {
        Some(path) => {
            crate::cli::scope::check_keys(r, path)?;
            let bytes = crate::input::read_file(path, "--keys", 1 << 20, "keyframe CSV file")?;
            Timeline::keys(&bytes, &path.display().to_string())
        }
        None if a.sweep.is_empty() => bail!(
            "animate: nothing moves; give --sweep NAME=FROM:TO (a parameter, x, y, z or zoom) or --keys FILE.csv"
        ),
        None => {
            let presets = Presets::load(r.config.as_deref())?;
            let name = r.name.as_deref().unwrap_or("Clifford");
            let base = apply_overrides(presets.get(name)?.clone(), r)?;
            Timeline::sweeps(base, &a.sweep, a.ease).map_err(|e| anyhow!(e))
        }
    }
}
