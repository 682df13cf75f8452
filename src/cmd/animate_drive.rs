//! Driving `attractors animate` frame by frame: the renderer (one engine for every frame, the
//! progress bar, the result warnings of each frame), the shading of a frame, and the loop that
//! renders (or reads back from `--out`) each frame in order while a writer thread writes the
//! numbered frame and feeds the GIF, APNG and video.

use super::Outcome;
use super::animate_dir::{check_frame, frame_path};
use super::animate_plan::Plan;
use crate::animate::report::FrameProblems;
use crate::animate::sink::Sink;
use crate::animate::tone::StableTone;
use crate::backend::Engines;
use crate::engine;
use crate::histogram::Histogram;
use crate::output::{Kind, OutputFile, PngText};
use crate::progress::Bar;
use crate::signals;
use anyhow::{Result, anyhow};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How a frame's counts become pixels.
pub enum Shading {
    /// Normalised by the animation's reference frames (or as a still where none are needed).
    Stable(StableTone),
    /// By the frame's own counts.
    Frame,
}

impl Shading {
    fn pixels(&self, plan: &Plan, i: u64, hist: &Histogram) -> Vec<u8> {
        match self {
            Shading::Stable(t) => t.shade(plan.position(i), hist, &plan.style),
            Shading::Frame => crate::shade::shade(hist, &plan.style),
        }
    }
}

/// Renders frames of one plan on one engine, with the progress bar and each frame's warnings.
pub struct Renderer<'p> {
    plan: &'p Plan<'p>,
    engines: Engines,
    bar: Option<Bar>,
    started: Instant,
    rendered: u64,
    points_done: u64,
    problems: FrameProblems,
}

impl<'p> Renderer<'p> {
    /// Opens the engine and says what it will render (unless quiet).
    pub fn open(plan: &'p Plan<'p>) -> Result<Renderer<'p>> {
        let r = plan.r;
        let quiet = r.quiet;
        let engines = Engines::open(r.backend, r.adapter.as_deref(), &plan.job(0)?, |m| {
            if !quiet {
                eprintln!("note: {}", crate::message::printable(m));
            }
        })?;
        let (w, h) = r.size;
        if !quiet {
            eprintln!(
                "backend: {}; {} frames of {w}x{h}, {} points each; bounds {}",
                engines.describe(),
                plan.frames,
                crate::progress::si(r.iters as f64),
                plan.bounds
            );
        }
        let show_bar = !quiet && std::io::stderr().is_terminal();
        Ok(Renderer {
            plan,
            engines,
            bar: show_bar.then(|| Bar::new(plan.frames.saturating_mul(r.iters))),
            started: Instant::now(),
            rendered: 0,
            points_done: 0,
            problems: FrameProblems::default(),
        })
    }

    /// Frame `i`'s counts; None when stopped (Ctrl-C).
    pub fn render(&mut self, i: u64) -> Result<Option<Histogram>> {
        let job = self.plan.job(i)?;
        let bg = engine::spawn(self.engines.engine(&job)?, u64::MAX);
        while !bg.is_finished() {
            if signals::interrupted() {
                bg.control().cancel();
            }
            if let Some(b) = self.bar.as_mut() {
                b.set(self.points_done + bg.control().done());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let (result, _) = bg.join();
        let snap = result.map_err(|f| anyhow!("frame {}: {}", i + 1, f.error))?;
        if signals::interrupted() {
            return Ok(None);
        }
        let bounds_given = self.plan.r.bounds.is_some();
        self.problems
            .add(i, crate::warnings::problems(&snap.hist, &job, bounds_given));
        self.rendered += 1;
        self.points_done += self.plan.r.iters;
        Ok(Some(snap.hist))
    }

    /// A frame taken from `--out` instead of rendered.
    fn skip(&mut self) {
        self.points_done += self.plan.r.iters;
    }

    /// The warnings of the frames rendered, one line a kind (shown even under --quiet).
    fn warn(&self) {
        for line in self.problems.summary(self.plan.frames) {
            eprintln!("warning: {line}");
        }
    }

    /// Reports a stop after `done` frames.
    pub fn stopped(mut self, done: u64, has_dir: bool) -> Outcome {
        if let Some(b) = self.bar.take() {
            b.finish();
        }
        self.warn();
        eprintln!(
            "stopped after {done} of {} frames{}",
            self.plan.frames,
            if has_dir {
                "; the frames written are kept: run the same command again to continue"
            } else {
                "; nothing was written (give --out DIR to keep frames across runs)"
            }
        );
        Outcome::Interrupted
    }

    /// Reports a finished animation: its warnings, then (unless quiet) what was rendered and
    /// written.
    pub fn finish(
        mut self,
        on_disk: u64,
        references: usize,
        out_dir: Option<&Path>,
        mut written: Vec<String>,
    ) {
        if let Some(b) = self.bar.take() {
            b.finish();
        }
        self.warn();
        if self.plan.r.quiet {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64();
        let frames = self.plan.frames;
        eprintln!(
            "animate: rendered {} of {frames} frames ({on_disk} already on disk{}) in {secs:.2} s: {:.2} frames/s",
            self.rendered,
            if references == 0 {
                String::new()
            } else {
                format!(", {references} of them first, as references for the tone")
            },
            self.rendered as f64 / secs.max(1e-9)
        );
        if let Some(d) = out_dir {
            written.insert(0, format!("{}/frame_*.png", d.display()));
        }
        let written: Vec<String> = written
            .iter()
            .map(|w| crate::message::printable(w))
            .collect();
        eprintln!("wrote {}", written.join(", "));
    }
}

/// One frame for the writer: its index, pixels, and the recipe text when its PNG is to be written.
type Item = (u64, Vec<u8>, Option<PngText>);

/// Renders, or takes from `--out` (`on_disk`, checked), every frame in order; the reference
/// frames already rendered (`kept`) are used in their turn. Returns the frames done (fewer than
/// the plan's when stopped) and the sinks, each fed every frame done.
pub fn drive(
    plan: &Plan,
    renderer: &mut Renderer,
    shading: &Shading,
    mut kept: Vec<(u64, Histogram)>,
    out_dir: Option<&Path>,
    on_disk: &[u64],
    sinks: Vec<Box<dyn Sink>>,
) -> Result<(u64, Vec<Box<dyn Sink>>)> {
    let on_disk: HashSet<u64> = on_disk.iter().copied().collect();
    let feed = !sinks.is_empty();
    let (tx, rx) = mpsc::sync_channel::<Item>(2);
    let writer = spawn_writer(rx, out_dir.map(Path::to_path_buf), plan.r.size, sinks);
    let recipe_text = |i: u64| -> Result<PngText> {
        Ok(crate::recipe::Document::picture(plan.recipe(i)?).png_text())
    };
    let mut done = 0u64;
    let mut failure: Option<anyhow::Error> = None;
    for i in 0..plan.frames {
        let item = if let Some(pos) = kept.iter().position(|(k, _)| *k == i) {
            let (_, hist) = kept.swap_remove(pos);
            let text = (!on_disk.contains(&i))
                .then(|| recipe_text(i))
                .transpose()?;
            (i, shading.pixels(plan, i, &hist), text)
        } else if on_disk.contains(&i) {
            renderer.skip();
            if !feed {
                done += 1;
                continue;
            }
            let dir = out_dir.expect("frames on disk are in --out");
            let (w, h) = plan.r.size;
            match check_frame(&frame_path(dir, i), i, &plan.recipe(i)?, w, h) {
                Ok(rgba) => (i, rgba, None),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        } else {
            match renderer.render(i) {
                Ok(Some(hist)) => (i, shading.pixels(plan, i, &hist), Some(recipe_text(i)?)),
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
        done += 1;
    }
    drop(tx);
    let sinks = writer
        .join()
        .map_err(|_| anyhow!("the frame writer crashed"))??;
    match failure {
        Some(e) => Err(e),
        None => Ok((done, sinks)),
    }
}

/// The writer thread: frame k is written (numbered PNG, carrying its recipe, and every sink)
/// while frame k+1 renders.
fn spawn_writer(
    rx: mpsc::Receiver<Item>,
    dir: Option<std::path::PathBuf>,
    (w, h): (u32, u32),
    mut sinks: Vec<Box<dyn Sink>>,
) -> std::thread::JoinHandle<Result<Vec<Box<dyn Sink>>>> {
    std::thread::spawn(move || {
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
    })
}
