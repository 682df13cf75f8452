//! The files and framing of `attractors animate`: the frame directory (numbered frames, the
//! manifest that ties it to one animation, frames read back), and the bounds that hold every frame.

use crate::animate::timeline::Timeline;
use crate::cli::animate_args::AnimateArgs;
use crate::histogram::Bounds;
use crate::job::Aspect;
use crate::output::{Kind, OutputFile, Roles};
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// Positions the pilot runs at to find bounds that hold every frame.
const PILOT_POSITIONS: u64 = 9;
/// The manifest that ties a frame directory to one animation.
pub const MANIFEST: &str = "animation.json";

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

/// `DIR/frame_00001.png` for frame index 0.
pub fn frame_path(dir: &Path, i: u64) -> PathBuf {
    dir.join(format!("frame_{:05}.png", i + 1))
}

/// The numbered frames in `--out` are outputs too, checked before any work: none may be an input
/// or another output (`--apng DIR/frame_00002.png`), by file identity, and none already there may
/// be anything but a regular file that can be replaced.
pub fn check_frames(a: &AnimateArgs, frames: u64) -> Result<()> {
    let Some(dir) = a.out.as_deref() else {
        return Ok(());
    };
    let r = &a.render;
    let paths: Vec<PathBuf> = (0..frames).map(|i| frame_path(dir, i)).collect();
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

/// Creates `--out DIR` when missing (checked before any work; [`tie_dir`] ties it to the
/// animation once its frames are resolved).
pub fn prepare_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "--out {}: exists and is not a directory; give a directory for the frames",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("--out {}: cannot create the directory", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// What identifies the frames of an animation: a hash of every frame's recipe (the map,
/// parameters, start, bounds, size, points, seed, mode and look it is rendered with; the
/// preset's name left out) and the tone mode. Outputs (--gif, --fps) and anything else that does
/// not change a frame's pixels are not part of it.
pub fn fingerprint(
    frames: u64,
    tone: &str,
    recipe_of: impl Fn(u64) -> Result<crate::recipe::Recipe>,
) -> Result<String> {
    // FNV-1a, 64 bits: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(tone.as_bytes());
    for i in 0..frames {
        let mut recipe = recipe_of(i)?;
        recipe.name.clear();
        eat(&serde_json::to_vec(&recipe)?);
    }
    Ok(format!("{h:016x}"))
}

/// Ties `--out DIR` to the animation whose frames have `fingerprint`: a directory holding frames
/// of another animation (other parameters, keyframes, bounds, look, size, points or frame count)
/// is refused rather than mixed.
pub fn tie_dir(dir: &Path, frames: u64, fingerprint: &str) -> Result<()> {
    let manifest = serde_json::json!({
        "format": 2,
        "frames": frames,
        "animation": fingerprint,
        "made_by": recipe_args().join(" "),
    });
    let same = |old: &serde_json::Value| {
        ["format", "frames", "animation"]
            .iter()
            .all(|k| old[k] == manifest[k])
    };
    let path = dir.join(MANIFEST);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let old: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if !same(&old) {
                let made_by = match &old["made_by"] {
                    serde_json::Value::String(s) => format!("made by `{s}`"),
                    _ => "made by an older attractors".to_string(),
                };
                let what = if old["frames"] != manifest["frames"] {
                    format!("{} frames, not {frames}", old["frames"])
                } else {
                    "frames with other parameters, keyframes, bounds, look or points: a file it reads, --config or --keys, may have changed".to_string()
                };
                bail!(
                    "--out {}: holds frames of another animation ({what}; {} was {made_by}); choose another directory, or delete its frames and {MANIFEST}",
                    dir.display(),
                    path.display(),
                );
            }
        }
        Err(_) => {
            if frame_path(dir, 0).exists() {
                bail!(
                    "--out {}: holds frame files without {MANIFEST}; choose another directory or delete them",
                    dir.display()
                );
            }
            OutputFile::prepare_for(&path, Kind::Json, "--out")?
                .write_bytes(serde_json::to_string_pretty(&manifest)?.as_bytes())?
                .commit()?;
        }
    }
    Ok(())
}

/// The command's arguments less outputs and verbosity: how the frames were made, for messages.
fn recipe_args() -> Vec<String> {
    let mut out = vec!["attractors".to_string()];
    let mut args = std::env::args_os()
        .skip(1)
        .map(|s| s.to_string_lossy().into_owned());
    while let Some(arg) = args.next() {
        let flag = arg.split('=').next().unwrap_or_default().to_string();
        match flag.as_str() {
            "--gif" | "--apng" | "--video" | "--out" => {
                if !arg.contains('=') {
                    args.next();
                }
            }
            "-q" | "--quiet" => {}
            _ => out.push(arg),
        }
    }
    out
}

/// A frame already on disk, decoded to RGBA8 (refused when its size is not the animation's).
pub fn read_frame(path: &Path, w: u32, h: u32) -> Result<Vec<u8>> {
    let img = image::open(path)
        .with_context(|| {
            format!(
                "{}: cannot read this frame; delete it to render it again",
                path.display()
            )
        })?
        .to_rgba8();
    if img.dimensions() != (w, h) {
        bail!(
            "{}: is {}x{}, the animation is {w}x{h}; delete it to render it again",
            path.display(),
            img.width(),
            img.height()
        );
    }
    Ok(img.into_raw())
}

/// The largest animation: enough for ten minutes at 60 fps, with room.
const MAX_FRAMES: u64 = 100_000;

/// Frames of a sweep when neither --frames nor --duration is given (2 s at 24 fps).
const DEFAULT_FRAMES: u64 = 48;
/// `--frames`, else `--duration` x `--fps`, else a keyframe file's length x `--fps`, else 48.
pub fn frame_count(a: &AnimateArgs, timeline: &Timeline) -> Result<u64> {
    let from_secs = |s: f64, what: &str| -> Result<u64> {
        if !(s.is_finite() && s > 0.0) {
            bail!("{what} {s}: expected seconds > 0");
        }
        let n = (s * a.fps).round().max(1.0) + 1.0;
        if n > MAX_FRAMES as f64 {
            bail!(
                "{what} {} at --fps {} makes {n:e} frames; expected at most {MAX_FRAMES}: shorten it or lower --fps",
                crate::histogram::show_f64(s),
                a.fps
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
