//! `attractors animate`: a sweep or keyframes rendered frame by frame on one engine (the GPU
//! device and pipelines made once), with bounds fixed over the whole animation, the same orbit
//! seeds every frame, and a tone mapping interpolated between reference frames so brightness does
//! not flicker. Frames go to numbered PNGs (each atomic; frames already there are checked against
//! the frames they must be and kept, so running the same command again continues a stopped
//! animation), a GIF, an APNG or a video (ffmpeg), each streamed frame by frame. The encoding
//! runs on its own thread while the next frame renders.

use super::Outcome;
use super::animate_dir::{check_frames, fingerprint, prepare_dir, tie_dir};
use super::animate_drive::{Renderer, Shading, drive};
use super::animate_plan::Plan;
use crate::animate::sink::{Apng, Gif, Sink, Video, memory_per_sink};
use crate::animate::tone::StableTone;
use crate::cli::animate_args::{AnimateArgs, ToneMode};
use crate::histogram::{Histogram, show_f64};
use crate::output::{Batch, Kind, OutputFile, Roles};
use crate::signals;
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// Reference frames rendered before the others, with their counts, kept for their own turn.
type Kept = Vec<(u64, Histogram)>;

/// The reference frames' count distributions, kept beside the frames.
const TONE: &str = "tone.json";

pub fn run(a: &AnimateArgs) -> Result<Outcome> {
    signals::stop_gracefully();
    check_flags(a)?;
    check_roles(a)?;
    let plan = Plan::new(a)?;
    let refs = plan.references(a.tone);
    check_memory(a, &plan, refs.len() as u64)?;
    super::animate_files::check_frame_outputs(a, plan.frames)?;
    let out_dir = a.out.as_deref().map(prepare_dir).transpose()?;
    let sinks = open_sinks(a, &plan)?;
    let on_disk = match &out_dir {
        Some(d) => tie_and_check(d, a, &plan)?,
        None => Vec::new(),
    };
    let mut renderer = Renderer::open(&plan)?;
    let Some((shading, kept)) = resolve_tone(a, &plan, &refs, out_dir.as_deref(), &mut renderer)?
    else {
        return Ok(renderer.stopped(0, out_dir.is_some()));
    };
    let references = kept.len();
    let (done, sinks) = drive(
        &plan,
        &mut renderer,
        &shading,
        kept,
        out_dir.as_deref(),
        &on_disk,
        sinks,
    )?;
    if done < plan.frames {
        return Ok(renderer.stopped(done, out_dir.is_some()));
    }
    let written = commit_sinks(sinks)?;
    renderer.finish(
        on_disk.len() as u64,
        references,
        out_dir.as_deref(),
        written,
    );
    Ok(Outcome::Complete)
}

/// The flags on their own: an output given, a rate in range, a rate only where one is used.
fn check_flags(a: &AnimateArgs) -> Result<()> {
    let r = &a.render;
    crate::cli::scope::check(r, crate::cli::scope::Mode::Animate)?;
    if a.out.is_none() && !sinks_wanted(a) {
        bail!(
            "animate: no output; give --out DIR (numbered PNG frames), --gif FILE.gif, --apng FILE.png or --video FILE.mp4"
        );
    }
    if !(a.fps.is_finite() && a.fps > 0.0 && a.fps <= 1000.0) {
        bail!(
            "--fps {}: expected frames per second in (0, 1000], e.g. 24",
            show_f64(a.fps)
        );
    }
    // The rate shapes the GIF, APNG or video, and the frames of --duration or --keys.
    let rate_used =
        sinks_wanted(a) || (r.frames.is_none() && (a.duration.is_some() || a.keys.is_some()));
    if r.given.has("fps") && !rate_used {
        bail!(
            "--fps {}: numbered frames (--out) have no rate; --fps applies to --gif, --apng and --video, and to the frames of --duration or --keys: add one, or drop --fps",
            show_f64(a.fps)
        );
    }
    Ok(())
}

/// No output may be an input: checked before anything is read or written.
fn check_roles(a: &AnimateArgs) -> Result<()> {
    let r = &a.render;
    let in_dir = |name: &str| a.out.as_deref().map(|d| d.join(name));
    let (manifest, tone_path) = (in_dir(super::animate_dir::MANIFEST), in_dir(TONE));
    Roles::new()
        .input("--config", r.config.as_deref())
        .input("--from", r.from.as_deref())
        .input("--keys", a.keys.as_deref())
        .output("--gif", a.gif.as_deref())
        .output("--apng", a.apng.as_deref())
        .output("--video", a.video.as_deref())
        .derived(
            "the manifest in --out",
            manifest.as_deref(),
            "give --out another directory",
        )
        .derived(
            "the tone file in --out",
            tone_path.as_deref(),
            "give --out another directory",
        )
        .check()
}

/// Refuses up front, with the numbers, an animation whose frames in flight, reference frames and
/// encoders would not fit in memory beside the histogram (the still render's check, extended to
/// the animation's outputs; the GIF, APNG and video are streamed, so their size does not count).
fn check_memory(a: &AnimateArgs, plan: &Plan, references: u64) -> Result<()> {
    let (w, h) = plan.r.size;
    let bins = w as u64 * h as u64;
    let sinks = [a.gif.is_some(), a.apng.is_some(), a.video.is_some()];
    let sinks = sinks.iter().filter(|&&s| s).count() as u64;
    // frames in flight: two queued, one encoding, one shading, one read back from --out
    let parts = [
        ("reference frames kept", references * bins * 8),
        ("frames in flight", 5 * bins * 4),
        ("encoders", sinks * memory_per_sink(w, h)),
    ];
    let what = format!("animate --size {w}x{h}");
    let way_out =
        "use a smaller --size (the number of frames does not count: every output is streamed)";
    super::render_out::check_parts(&plan.job(0)?, &what, &parts, way_out)
}

/// The GIF, APNG and video, each checked and opened (ffmpeg started) before any work.
fn open_sinks(a: &AnimateArgs, plan: &Plan) -> Result<Vec<Box<dyn Sink>>> {
    let (w, h) = plan.r.size;
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(p) = &a.gif {
        let gif = Gif::new(p, w, h, a.fps)?;
        gif.warning().inspect(|w| eprintln!("warning: {w}"));
        sinks.push(Box::new(gif));
    }
    if let Some(p) = &a.apng {
        let apng = Apng::new(p, w, h, a.fps, plan.frames)?;
        apng.warning().inspect(|w| eprintln!("warning: {w}"));
        sinks.push(Box::new(apng));
    }
    if let Some(p) = &a.video {
        sinks.push(Box::new(Video::new(p, w, h, a.fps)?));
    }
    Ok(sinks)
}

/// Ties `--out DIR` to this animation and checks the frames already there; returns their
/// indices.
fn tie_and_check(dir: &Path, a: &AnimateArgs, plan: &Plan) -> Result<Vec<u64>> {
    let recipe_of = |i| plan.recipe(i);
    tie_dir(
        dir,
        plan.frames,
        &fingerprint(plan.frames, &format!("{:?}", a.tone), recipe_of)?,
    )?;
    check_frames(dir, plan.frames, plan.r.size, recipe_of)
}

/// How frames are shaded: the stable tone (from the tone file in `--out`, checked, or from
/// reference frames rendered first and kept for their own turn), or each frame by its own counts.
/// None when stopped while rendering references.
fn resolve_tone(
    a: &AnimateArgs,
    plan: &Plan,
    refs: &[u64],
    out_dir: Option<&Path>,
    renderer: &mut Renderer,
) -> Result<Option<(Shading, Kept)>> {
    if a.tone == ToneMode::Frame {
        return Ok(Some((Shading::Frame, Vec::new())));
    }
    let tone_file: Option<PathBuf> = out_dir.map(|d| d.join(TONE)).filter(|_| !refs.is_empty());
    if let Some(p) = &tone_file
        && let Ok(bytes) = std::fs::read(p)
    {
        let shown = p.display().to_string();
        let tone = StableTone::from_json(&bytes, plan.style.shade, &shown).map_err(|e| {
            anyhow!("--out: {e}; delete it, and the frames shaded with it, to render them again")
        })?;
        return Ok(Some((Shading::Stable(tone), Vec::new())));
    }
    let mut kept = Vec::new();
    for &i in refs {
        match renderer.render(i)? {
            Some(h) => kept.push((i, h)),
            None => return Ok(None),
        }
    }
    let at: Vec<(f64, &Histogram)> = kept.iter().map(|(i, h)| (plan.position(*i), h)).collect();
    let tone = StableTone::new(plan.style.shade, &at);
    if let Some(p) = &tone_file {
        OutputFile::prepare_for(p, Kind::Json, "--out")?
            .write_bytes(tone.to_json().as_bytes())?
            .commit()?;
    }
    Ok(Some((Shading::Stable(tone), kept)))
}

/// The GIF, APNG and video are all finished before any is put in place; returns their names.
fn commit_sinks(sinks: Vec<Box<dyn Sink>>) -> Result<Vec<String>> {
    let mut written = Vec::new();
    let mut batch = Batch::new();
    for s in sinks {
        written.push(s.path().display().to_string());
        batch.push(s.finish()?);
    }
    batch.commit()?;
    Ok(written)
}

fn sinks_wanted(a: &AnimateArgs) -> bool {
    a.gif.is_some() || a.apng.is_some() || a.video.is_some()
}
