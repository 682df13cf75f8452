//! The frame directory of `attractors animate` (`--out DIR`): numbered frames, the manifest that
//! ties the directory to one animation, and the frames already on disk, each checked against the
//! frame it must be (its embedded recipe, that it decodes, its size) before any work: a frame
//! that is not is refused, never kept and never overwritten (it is not this animation's).

use crate::output::{Kind, OutputFile};
use crate::recipe::Recipe;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The manifest that ties a frame directory to one animation.
pub const MANIFEST: &str = "animation.json";
/// The manifest version this program writes and reads.
const MANIFEST_FORMAT: u64 = 2;
/// The longest `made_by` a manifest may hold, in bytes.
const MAX_MADE_BY: usize = 1 << 16;

/// `DIR/frame_00001.png` for frame index 0.
pub fn frame_path(dir: &Path, i: u64) -> PathBuf {
    dir.join(format!("frame_{:05}.png", i + 1))
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
    recipe_of: impl Fn(u64) -> Result<Recipe>,
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

/// A frame directory's manifest, every field checked.
#[derive(Debug, PartialEq)]
struct Manifest {
    frames: u64,
    animation: String,
    made_by: Option<String>,
}

impl Manifest {
    fn to_json(&self) -> String {
        let value = serde_json::json!({
            "format": MANIFEST_FORMAT,
            "frames": self.frames,
            "animation": self.animation,
            "made_by": self.made_by,
        });
        serde_json::to_string_pretty(&value).expect("plain values")
    }

    /// The one reader of a manifest: `Err` names the file and the field.
    fn from_json(bytes: &[u8], file: &str) -> Result<Manifest> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .with_context(|| format!("{file}: not an animation manifest (not JSON)"))?;
        let field = |name: &str, why: String| anyhow::anyhow!("{file}: field {name}: {why}");
        match v["format"].as_u64() {
            Some(MANIFEST_FORMAT) => {}
            _ => {
                return Err(field(
                    "format",
                    format!("{}; expected {MANIFEST_FORMAT}", v["format"]),
                ));
            }
        }
        let frames = v["frames"]
            .as_u64()
            .filter(|n| (1..=crate::animate::MAX_FRAMES).contains(n))
            .ok_or_else(|| {
                field(
                    "frames",
                    format!(
                        "{}; expected a whole number from 1 to {}",
                        v["frames"],
                        crate::animate::MAX_FRAMES
                    ),
                )
            })?;
        let animation = v["animation"]
            .as_str()
            .filter(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| field("animation", "expected 16 hexadecimal digits".into()))?
            .to_string();
        let made_by = match &v["made_by"] {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) if s.len() <= MAX_MADE_BY => Some(s.clone()),
            _ => return Err(field("made_by", "expected the command's text".into())),
        };
        Ok(Manifest {
            frames,
            animation,
            made_by,
        })
    }
}

/// Ties `--out DIR` to the animation whose frames have `fingerprint`: a directory holding frames
/// of another animation (other parameters, keyframes, bounds, look, size, points or frame count)
/// is refused rather than mixed, and so is one with frames but no manifest.
pub fn tie_dir(dir: &Path, frames: u64, fingerprint: &str) -> Result<()> {
    let ours = Manifest {
        frames,
        animation: fingerprint.to_string(),
        made_by: Some(recipe_args().join(" ")),
    };
    let path = dir.join(MANIFEST);
    let shown = path.display().to_string();
    match std::fs::read(&path) {
        Ok(bytes) => {
            let old = Manifest::from_json(&bytes, &shown)
                .map_err(|e| e.context(format!("--out {}", dir.display())))?;
            if (old.frames, &old.animation) != (frames, &ours.animation) {
                let made_by = match &old.made_by {
                    Some(s) => format!("made by `{s}`"),
                    None => "made by an older attractors".to_string(),
                };
                let what = if old.frames != frames {
                    format!("{} frames, not {frames}", old.frames)
                } else {
                    "frames with other parameters, keyframes, bounds, look or points: a file it reads, --config or --keys, may have changed".to_string()
                };
                bail!(
                    "--out {}: holds frames of another animation ({what}; {shown} was {made_by}); choose another directory, or delete its frames and {MANIFEST}",
                    dir.display(),
                );
            }
        }
        Err(_) => {
            if let Some(frame) = any_frame(dir) {
                bail!(
                    "--out {}: holds frame files ({frame}) without {MANIFEST}; choose another directory or delete them",
                    dir.display()
                );
            }
            OutputFile::prepare_for(&path, Kind::Json, "--out")?
                .write_bytes(ours.to_json().as_bytes())?
                .commit()?;
        }
    }
    Ok(())
}

/// The name of a numbered frame file in `dir` (`frame_NNNNN.png`), if any.
fn any_frame(dir: &Path) -> Option<String> {
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let digits = name.strip_prefix("frame_")?.strip_suffix(".png")?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(name)
    })
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

/// Checks every frame of the animation already in `dir` against the frame it must be, before
/// any work; returns their indices.
pub fn check_frames(
    dir: &Path,
    frames: u64,
    (w, h): (u32, u32),
    recipe_of: impl Fn(u64) -> Result<Recipe>,
) -> Result<Vec<u64>> {
    let mut on_disk = Vec::new();
    for i in 0..frames {
        let path = frame_path(dir, i);
        if std::fs::symlink_metadata(&path).is_ok() {
            check_frame(&path, i, &recipe_of(i)?, w, h)?;
            on_disk.push(i);
        }
    }
    Ok(on_disk)
}

/// Frame `i` on disk at `path`, decoded to RGBA8, once checked to be that frame: a regular file,
/// a PNG that decodes, `w` x `h`, carrying the recipe `expected` (the preset's name aside).
pub fn check_frame(path: &Path, i: u64, expected: &Recipe, w: u32, h: u32) -> Result<Vec<u8>> {
    let refuse = |why: String| {
        anyhow::anyhow!(
            "{}: is not frame {} of this animation ({why}); it is kept: delete it to render the frame again, or choose another --out",
            path.display(),
            i + 1
        )
    };
    let shown = path.display().to_string();
    let found = crate::recipe::load(path)
        .and_then(|doc| doc.into_picture(&shown))
        .map_err(|e| refuse(format!("{e}")))?;
    if let Some(field) = first_difference(&found, expected) {
        return Err(refuse(format!(
            "its recipe's {field} differs from that frame's"
        )));
    }
    let img = image::open(path)
        .map_err(|e| refuse(format!("it does not decode: {e}")))?
        .to_rgba8();
    if img.dimensions() != (w, h) {
        return Err(refuse(format!(
            "it is {}x{}, the animation {w}x{h}",
            img.width(),
            img.height()
        )));
    }
    Ok(img.into_raw())
}

/// The first field (in the recipe's order) where `a` and `b` differ, the names aside.
fn first_difference(a: &Recipe, b: &Recipe) -> Option<String> {
    let fields = |r: &Recipe| {
        let mut r = r.clone();
        r.name.clear();
        serde_json::to_value(r).unwrap_or_default()
    };
    let (a, b) = (fields(a), fields(b));
    let (Some(ma), Some(mb)) = (a.as_object(), b.as_object()) else {
        return (a != b).then(|| "content".to_string());
    };
    let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
    keys.dedup();
    keys.into_iter()
        .find(|k| ma.get(*k) != mb.get(*k))
        .map(|k| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_each_bad_field_is_named() {
        let m = Manifest {
            frames: 48,
            animation: "0123456789abcdef".into(),
            made_by: Some("attractors animate".into()),
        };
        assert_eq!(
            Manifest::from_json(m.to_json().as_bytes(), "a.json").unwrap(),
            m
        );
        let bad = |text: &str| {
            format!(
                "{:#}",
                Manifest::from_json(text.as_bytes(), "a.json").unwrap_err()
            )
        };
        let ok = r#""animation":"0123456789abcdef""#;
        assert!(bad("[").contains("a.json: not an animation manifest"));
        assert!(
            bad(&format!(r#"{{"format":3,"frames":2,{ok}}}"#)).contains("a.json: field format: 3")
        );
        assert!(bad(&format!(r#"{{"format":2,"frames":0,{ok}}}"#)).contains("field frames: 0"));
        assert!(bad(&format!(r#"{{"format":2,"frames":1e9,{ok}}}"#)).contains("field frames"));
        assert!(bad(&format!(r#"{{"format":2,"frames":-1,{ok}}}"#)).contains("field frames"));
        assert!(bad(r#"{"format":2,"frames":2,"animation":"xyz"}"#).contains("field animation"));
        assert!(
            bad(&format!(r#"{{"format":2,"frames":2,{ok},"made_by":7}}"#))
                .contains("field made_by")
        );
    }
}
