//! `attractors animate`: a sweep or keyframes rendered frame by frame on one engine (the GPU
//! device and pipelines made once), with bounds fixed over the whole animation, the same orbit
//! seeds every frame, and a tone mapping interpolated between reference frames so brightness does
//! not flicker. Frames go to numbered PNGs (each atomic; existing ones are kept, so running the
//! same command again continues a stopped animation), a GIF, an APNG or a video (ffmpeg). The
//! encoding runs on its own thread while the next frame renders.

use super::Outcome;
use super::animate_files::{
    check_tone, fingerprint, frame_count, frame_path, prepare_dir, read_frame, tie_dir,
    union_bounds, zoomed,
};
use crate::animate::sink::{Apng, Gif, Sink, Video};
use crate::animate::timeline::Timeline;
use crate::animate::tone::StableTone;
use crate::attractor::Presets;
use crate::backend::Engines;
use crate::cli::animate_args::{AnimateArgs, ToneMode};
use crate::cli::config::{apply_overrides, preset_bounds, preset_style};
use crate::engine;
use crate::histogram::{Bounds, Histogram};
use crate::job::Job;
use crate::output::{Batch, Kind, OutputFile, PngText, Roles};
use crate::progress::Bar;
use crate::shade::shade;
use crate::signals;
use anyhow::{Result, anyhow, bail};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Reference frames the stable tone is interpolated between.
const REFERENCES: u64 = 5;
/// The reference frames' count distributions, kept beside the frames.
const TONE: &str = "tone.json";

pub fn run(a: &AnimateArgs) -> Result<Outcome> {
    signals::stop_gracefully();
    let r = &a.render;
    crate::cli::scope::check(r, crate::cli::scope::Mode::Animate)?;
    if a.out.is_none() && a.gif.is_none() && a.apng.is_none() && a.video.is_none() {
        bail!(
            "animate: no output; give --out DIR (numbered PNG frames), --gif FILE.gif, --apng FILE.png or --video FILE.mp4"
        );
    }
    if !(a.fps.is_finite() && a.fps > 0.0 && a.fps <= 1000.0) {
        bail!(
            "--fps {}: expected frames per second in (0, 1000], e.g. 24",
            a.fps
        );
    }

    // The rate shapes the GIF, APNG or video, and the frames of --duration or --keys.
    let rate_used =
        sinks_wanted(a) || (r.frames.is_none() && (a.duration.is_some() || a.keys.is_some()));
    if r.given.has("fps") && !rate_used {
        bail!(
            "--fps {}: numbered frames (--out) have no rate; --fps applies to --gif, --apng and --video, and to the frames of --duration or --keys: add one, or drop --fps",
            a.fps
        );
    }

    // No output may be an input: checked before anything is read or written.
    let in_dir = |name: &str| a.out.as_deref().map(|d| d.join(name));
    let (manifest, tone_path) = (in_dir(super::animate_files::MANIFEST), in_dir(TONE));
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
        .check()?;

    // What moves, frame by frame.
    let timeline = match &a.keys {
        Some(path) => {
            crate::cli::scope::check_keys(r, path)?;
            let bytes = crate::input::read_file(path, "--keys", 1 << 20, "keyframe CSV file")?;
            Timeline::keys(&bytes, &path.display().to_string()).map_err(|e| anyhow!(e))?
        }
        None if a.sweep.is_empty() => bail!(
            "animate: nothing moves; give --sweep NAME=FROM:TO (a parameter, x, y, z or zoom) or --keys FILE.csv"
        ),
        None => {
            let presets = Presets::load(r.config.as_deref())?;
            let name = r.name.as_deref().unwrap_or("Clifford");
            let base = apply_overrides(presets.get(name)?.clone(), r)?;
            Timeline::sweeps(base, &a.sweep, a.ease).map_err(|e| anyhow!(e))?
        }
    };
    let base = timeline.base().clone();
    let style = preset_style(r, &base)?;
    check_tone(a, &style)?;
    let frames = frame_count(a, &timeline)?;
    super::animate_files::check_frames(a, frames)?;

    // Outputs, checked before any work.
    let out_dir = a.out.as_deref().map(prepare_dir).transpose()?;
    let (w, h) = r.size;
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(p) = &a.gif {
        let gif = Gif::new(p, w, h, a.fps)?;
        gif.warning().inspect(|w| eprintln!("warning: {w}"));
        sinks.push(Box::new(gif));
    }
    if let Some(p) = &a.apng {
        let apng = Apng::new(p, w, h, a.fps)?;
        apng.warning().inspect(|w| eprintln!("warning: {w}"));
        sinks.push(Box::new(apng));
    }
    if let Some(p) = &a.video {
        sinks.push(Box::new(Video::new(p, w, h, a.fps)?));
    }

    // Bounds fixed for the whole animation: the union of pilot bounds along it.
    let position = |i: u64| {
        if frames > 1 {
            i as f64 / (frames - 1) as f64
        } else {
            0.0
        }
    };
    let bounds = match r.bounds {
        Some([x0, x1, y0, y1]) => {
            Bounds::new(x0, x1, y0, y1).map_err(|e| anyhow!("--bounds: {e}"))?
        }
        // The preset's view (the keyframes' bounds column for keyframes).
        None => match preset_bounds(r, &base) {
            Some(b) => b,
            None => union_bounds(&timeline, r)?,
        },
    };
    let job_at = |i: u64| -> Result<Job> {
        let state = timeline.at(position(i));
        let b = zoomed(bounds, state.zoom);
        Ok(Job::builder(state.preset)
            .size(w, h)
            .points(r.iters)
            .skip(r.skip)
            .seed(r.seed)
            .exact(r.exact)
            .bounds(b)
            .build()?)
    };
    let first = job_at(0)?;
    // The last frame too, before any work: a zoom sweep's extremes are its ends.
    job_at(frames - 1)?;
    let recipe_of = |i: u64| Ok(crate::recipe::Recipe::of(&job_at(i)?, r.iters, &style));
    if let Some(d) = &out_dir {
        tie_dir(
            d,
            frames,
            &fingerprint(frames, &format!("{:?}", a.tone), recipe_of)?,
        )?;
    }
    let quiet = r.quiet;
    let mut engines = Engines::open(r.backend, r.adapter.as_deref(), &first, |m| {
        if !quiet {
            eprintln!("note: {m}");
        }
    })?;
    if !quiet {
        eprintln!(
            "backend: {}; {frames} frames of {w}x{h}, {} points each; bounds {bounds}",
            engines.describe(),
            crate::progress::si(r.iters as f64)
        );
    }

    let started = Instant::now();
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let mut bar = show_bar.then(|| Bar::new(frames.saturating_mul(r.iters)));
    let rendered = std::cell::Cell::new(0u64);
    let points_done = std::cell::Cell::new(0u64);
    let mut render = |i: u64, bar: &mut Option<Bar>| -> Result<Option<Histogram>> {
        let job = job_at(i)?;
        let bg = engine::spawn(engines.engine(&job)?, u64::MAX);
        while !bg.is_finished() {
            if signals::interrupted() {
                bg.control().cancel();
            }
            if let Some(b) = bar.as_mut() {
                b.set(points_done.get() + bg.control().done());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let (result, _) = bg.join();
        let snap = result.map_err(|f| anyhow!("frame {}: {}", i + 1, f.error))?;
        if signals::interrupted() {
            return Ok(None);
        }
        rendered.set(rendered.get() + 1);
        points_done.set(points_done.get() + r.iters);
        Ok(Some(snap.hist))
    };

    // Reference frames for the tone, rendered first and kept for their own turn.
    // A --span fixes every frame's range itself: no references (the frames are shaded as stills).
    let refs: Vec<u64> = if a.tone == ToneMode::Stable
        && StableTone::needs_references(style.shade)
        && style.span.is_none()
    {
        let n = REFERENCES.min(frames);
        (0..n)
            .map(|j| {
                if n > 1 {
                    (j * (frames - 1) + (n - 1) / 2) / (n - 1)
                } else {
                    0
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    // A frame directory keeps the reference distributions, so a continued animation does not
    // render its reference frames again.
    let tone_file = out_dir.as_ref().map(|d| d.join(TONE));
    let saved: Option<StableTone> = tone_file
        .as_ref()
        .filter(|_| !refs.is_empty())
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok());
    let mut kept: Vec<(u64, Histogram)> = Vec::new();
    let tone = match saved {
        Some(mut t) => {
            t.shade = style.shade;
            t
        }
        None => {
            for &i in &refs {
                match render(i, &mut bar)? {
                    Some(h) => kept.push((i, h)),
                    None => return stopped(bar, 0, frames, out_dir.is_some()),
                }
            }
            let t = StableTone::new(
                style.shade,
                &kept
                    .iter()
                    .map(|(i, h)| (position(*i), h))
                    .collect::<Vec<_>>(),
            );
            if let Some(p) = &tone_file
                && !refs.is_empty()
            {
                OutputFile::prepare_for(p, Kind::Json, "--out")?
                    .write_bytes(serde_json::to_string(&t)?.as_bytes())?
                    .commit()?;
            }
            t
        }
    };
    let references_rendered = kept.len();
    let recipe_text = |i: u64| -> Result<PngText> {
        Ok(crate::recipe::Document::picture(recipe_of(i)?).png_text())
    };
    let tone_of = |i: u64, hist: &Histogram| -> Vec<u8> {
        match a.tone {
            ToneMode::Stable => tone.shade(position(i), hist, &style),
            ToneMode::Frame => shade(hist, &style),
        }
    };

    // Encoding on its own thread: frame k is written while frame k+1 renders.
    // Each frame PNG carries its recipe: the still render of that frame (`attractors --from`).
    let (tx, rx) = mpsc::sync_channel::<(u64, Vec<u8>, Option<PngText>)>(2);
    let dir = out_dir.clone();
    let writer = std::thread::spawn(move || -> Result<Vec<Box<dyn Sink>>> {
        for (i, rgba, text) in rx {
            if let (Some(text), Some(d)) = (text, &dir) {
                OutputFile::prepare(&frame_path(d, i), Kind::Png)?
                    .write_png(&rgba, w, h, &text)?
                    .commit()?;
            }
            for s in sinks.iter_mut() {
                s.frame(&rgba)?;
            }
        }
        Ok(sinks)
    });
    let mut on_disk = 0u64;
    let mut done_frames = 0u64;
    let mut failure: Option<anyhow::Error> = None;
    for i in 0..frames {
        let existing = out_dir
            .as_ref()
            .map(|d| frame_path(d, i))
            .filter(|p| p.is_file());
        let item = if let Some(pos) = kept.iter().position(|(k, _)| *k == i) {
            let (_, hist) = kept.swap_remove(pos);
            let text = existing.is_none().then(|| recipe_text(i)).transpose()?;
            (i, tone_of(i, &hist), text)
        } else if let Some(path) = existing {
            on_disk += 1;
            points_done.set(points_done.get() + r.iters);
            if sinks_wanted(a) {
                (i, read_frame(&path, w, h)?, None)
            } else {
                done_frames += 1;
                continue;
            }
        } else {
            match render(i, &mut bar) {
                Ok(Some(hist)) => (i, tone_of(i, &hist), Some(recipe_text(i)?)),
                Ok(None) => break,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        };
        if tx.send(item).is_err() {
            break; // the writer failed; its error is reported below
        }
        done_frames += 1;
    }
    drop(tx);
    let sinks = writer
        .join()
        .map_err(|_| anyhow!("the frame writer crashed"))??;
    if let Some(e) = failure {
        return Err(e);
    }
    if done_frames < frames {
        return stopped(bar, done_frames, frames, out_dir.is_some());
    }
    // The GIF, APNG and video are all finished before any is put in place.
    let mut written = Vec::new();
    let mut batch = Batch::new();
    for s in sinks {
        written.push(s.path().display().to_string());
        batch.push(s.finish()?);
    }
    batch.commit()?;
    if let Some(b) = bar {
        b.finish();
    }
    if !quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "animate: rendered {} of {frames} frames ({on_disk} already on disk{}) in {secs:.2} s: {:.2} frames/s",
            rendered.get(),
            if references_rendered == 0 {
                String::new()
            } else {
                format!(", {references_rendered} of them first, as references for the tone")
            },
            rendered.get() as f64 / secs.max(1e-9)
        );
        if let Some(d) = &out_dir {
            written.insert(0, format!("{}/frame_*.png", d.display()));
        }
        eprintln!("wrote {}", written.join(", "));
    }
    Ok(Outcome::Complete)
}

fn sinks_wanted(a: &AnimateArgs) -> bool {
    a.gif.is_some() || a.apng.is_some() || a.video.is_some()
}

fn stopped(bar: Option<Bar>, done: u64, frames: u64, has_dir: bool) -> Result<Outcome> {
    if let Some(b) = bar {
        b.finish();
    }
    eprintln!(
        "stopped after {done} of {frames} frames{}",
        if has_dir {
            "; the frames written are kept: run the same command again to continue"
        } else {
            "; nothing was written (give --out DIR to keep frames across runs)"
        }
    );
    Ok(Outcome::Interrupted)
}
