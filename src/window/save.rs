//! "Save PNG" from the window: the current view rendered like `--png` (same backend, as many
//! points as the window holds, at least 1e7) by the engine driver on a background thread, so the
//! window keeps drawing; the file gets a fresh name and is written atomically when the run ends.

use crate::backend::Engines;
use crate::engine::{self, Background};
use crate::job::Job;
use crate::output::{Kind, OutputFile};
use crate::shade::Style;
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

/// Fewest points a saved picture gets.
pub const MIN_SAVE_POINTS: u64 = 10_000_000;

/// A save in progress.
pub struct Saving {
    /// The PNG being written.
    pub path: PathBuf,
    out: OutputFile,
    run: Background,
    style: Style,
    /// What the file will carry: the job and style it renders.
    recipe: crate::recipe::Document,
    /// Points the saved picture accumulates.
    pub points: u64,
    /// Frames the window presented since the save started.
    pub frames_during: u64,
}

/// `attractors-NAME-WxH-N.png` with the first N whose file does not exist yet (nor is being
/// written by another save of this window).
pub fn unique_name(preset: &str, (w, h): (u32, u32), taken: &[PathBuf]) -> PathBuf {
    let safe: String = preset
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (1u64..)
        .map(|n| PathBuf::from(format!("attractors-{safe}-{w}x{h}-{n}.png")))
        .find(|p| !Path::new(p).exists() && !taken.contains(p))
        .expect("some name is free")
}

impl Saving {
    /// Starts rendering `job` in the background with an engine from `engines`.
    pub fn start(engines: &mut Engines, job: &Job, style: &Style, path: PathBuf) -> Result<Saving> {
        let out = OutputFile::prepare(&path, Kind::Png)?;
        let engine = engines.engine(job)?;
        Ok(Saving {
            path,
            out,
            run: engine::spawn(engine, job.iters),
            style: style.clone(),
            recipe: crate::recipe::Document::picture(crate::recipe::Recipe::of(
                job, job.iters, style,
            )),
            points: job.iters,
            frames_during: 0,
        })
    }

    /// Points done so far.
    pub fn done(&self) -> u64 {
        self.run.control().done()
    }

    /// Whether the render has ended.
    pub fn is_finished(&self) -> bool {
        self.run.is_finished()
    }

    /// Waits for the render, shades it with the same engine and writes the file.
    pub fn finish(self) -> Result<PathBuf> {
        let (result, engine) = self.run.join();
        let snap = result.map_err(|f| anyhow!(f.error))?;
        let mut engine = engine.ok_or_else(|| anyhow!("the save's renderer crashed"))?;
        let rgba = engine.shade(&snap.hist, &self.style)?;
        let text = self.recipe.png_text();
        self.out
            .write_png(&rgba, snap.hist.width, snap.hist.height, &text)?
            .commit()?;
        Ok(self.path)
    }
}
