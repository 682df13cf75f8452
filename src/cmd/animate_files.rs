//! The framing of `attractors animate`: the bounds that hold every frame, the frame count, and
//! the tone modes that make a difference. (The frame directory is in `animate_dir`.)

use crate::animate::MAX_FRAMES;
use crate::animate::timeline::Timeline;
use crate::cli::animate_args::AnimateArgs;
use crate::histogram::Bounds;
use crate::histogram::show_f64;
use crate::job::Aspect;
use crate::output::Roles;
use anyhow::{Result, anyhow, bail};
use std::path::PathBuf;

/// Positions the pilot runs at to find bounds that hold every frame.
const PILOT_POSITIONS: u64 = 9;

/// The union of the pilot bounds at evenly spaced positions (and each keyframe), with the
/// requested aspect.
pub fn union_bounds(timeline: &Timeline, r: &crate::cli::RenderArgs) -> Result<Bounds> {
    let mut u: Option<Bounds> = None;
    for k in 0..PILOT_POSITIONS {
        let state = timeline.at(k as f64 / (PILOT_POSITIONS - 1) as f64);
        let pilot = crate::pilot::run(&state.preset, r.skip, r.seed).map_err(|m| {
            anyhow!(
                "{} at {:.0}% of the animation: {m}",
                state.preset.name,
                100.0 * k as f64 / (PILOT_POSITIONS - 1) as f64
            )
        })?;
        let b = pilot.bounds;
        u = Some(match u {
            None => b,
            Some(o) => Bounds {
                xmin: o.xmin.min(b.xmin),
                xmax: o.xmax.max(b.xmax),
                ymin: o.ymin.min(b.ymin),
                ymax: o.ymax.max(b.ymax),
            },
        });
    }
    let b = u.expect("at least one position");
    Ok(match r.aspect {
        Aspect::Equal => b.with_equal_aspect(r.size.0, r.size.1),
        Aspect::Fill => b,
    })
}

/// `b` magnified `zoom` times around its centre.
pub fn zoomed(b: Bounds, zoom: f64) -> Bounds {
    if zoom == 1.0 {
        return b;
    }
    let (cx, cy) = ((b.xmin + b.xmax) / 2.0, (b.ymin + b.ymax) / 2.0);
    let (hw, hh) = (
        (b.xmax - b.xmin) / 2.0 / zoom,
        (b.ymax - b.ymin) / 2.0 / zoom,
    );
    Bounds {
        xmin: cx - hw,
        xmax: cx + hw,
        ymin: cy - hh,
        ymax: cy + hh,
    }
}

/// Frames of a sweep when neither --frames nor --duration is given (2 s at 24 fps).
const DEFAULT_FRAMES: u64 = 48;
/// `--frames`, else `--duration` x `--fps`, else a keyframe file's length x `--fps`, else 48.
pub fn frame_count(a: &AnimateArgs, timeline: &Timeline) -> Result<u64> {
    let from_secs = |s: f64, what: &str| -> Result<u64> {
        if !(s.is_finite() && s > 0.0) {
            bail!("{what} {}: expected seconds > 0", show_f64(s));
        }
        let n = (s * a.fps).round().max(1.0) + 1.0;
        if n > MAX_FRAMES as f64 {
            bail!(
                "{what} {} at --fps {} makes {} frames; expected at most {MAX_FRAMES}: shorten it or lower --fps",
                show_f64(s),
                show_f64(a.fps),
                show_f64(n)
            );
        }
        Ok(n as u64)
    };
    let n = match (a.render.frames, a.duration, timeline.duration()) {
        (Some(n), Some(_), _) => {
            bail!("--frames {n} and --duration: give one (frames = duration x fps + 1)")
        }
        (Some(n), None, _) => n,
        (None, Some(d), _) => from_secs(d, "--duration")?,
        (None, None, Some(d)) => from_secs(d, "--keys: the last keyframe's time")?,
        (None, None, None) => DEFAULT_FRAMES,
    };
    if !(1..=MAX_FRAMES).contains(&n) {
        bail!("--frames {n}: expected 1 to {MAX_FRAMES} frames");
    }
    Ok(n)
}

/// Refuses `--tone frame` where it would give the frames of `--tone stable`: eq_hist equalises
/// each frame by its own counts under either tone, and a `--span` fixes every frame's range.
pub fn check_tone(a: &AnimateArgs, style: &crate::shade::Style) -> Result<()> {
    use crate::animate::tone::StableTone;
    use crate::cli::animate_args::ToneMode;
    if a.tone == ToneMode::Frame && !StableTone::needs_references(style.shade) {
        bail!(
            "--tone frame: the tone map is {} ({}), which equalises every frame by its own counts under either --tone: the frames would be those of --tone stable; drop --tone frame, or give --shade log, cbrt or linear",
            style.shade,
            if a.render.given.has("shade") {
                "--shade"
            } else {
                "the preset's or the default"
            }
        );
    }
    if a.tone == ToneMode::Frame
        && let Some(span) = style.span
    {
        bail!(
            "--tone frame: --span {},{} gives every frame the same range under either --tone: the frames would be those of --tone stable; drop --tone frame, or drop --span to tone each frame by its own counts",
            span.min,
            span.max
        );
    }
    Ok(())
}

/// The numbered frames in `--out` are outputs too, checked before any work: none may be an input
/// or another output (`--apng DIR/frame_00002.png`), by file identity, and none already there may
/// be anything but a regular file that can be replaced.
pub fn check_frame_outputs(a: &AnimateArgs, frames: u64) -> Result<()> {
    let Some(dir) = a.out.as_deref() else {
        return Ok(());
    };
    let r = &a.render;
    let paths: Vec<PathBuf> = (0..frames)
        .map(|i| super::animate_dir::frame_path(dir, i))
        .collect();
    let mut roles = Roles::new();
    roles
        .input("--config", r.config.as_deref())
        .input("--from", r.from.as_deref())
        .input("--keys", a.keys.as_deref());
    for p in &paths {
        roles.derived(
            "the frame in --out",
            Some(p),
            "give --out another directory",
        );
    }
    roles
        .output("--gif", a.gif.as_deref())
        .output("--apng", a.apng.as_deref())
        .output("--video", a.video.as_deref())
        .check()?;
    for p in &paths {
        crate::output::refuse_special(p, "--out")?;
    }
    Ok(())
}
