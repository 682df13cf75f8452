//! What keys and the panel ask for: presets, palettes, pause, view reset, saving.

use super::save::{MIN_SAVE_POINTS, Saving, unique_name};
use super::view::{Action, View};
use super::{App, home_bounds, panel};
use crate::attractor::atr;
use crate::shade::Palette;
use anyhow::{Result, anyhow};
use winit::event_loop::ActiveEventLoop;

impl App {
    pub(super) fn select_preset(&mut self, index: usize) -> Result<()> {
        let (skip, seed, (w, h)) = (self.opts.skip, self.opts.seed, self.size);
        let live = self.live.as_mut().expect("live");
        live.index = index % live.presets.len();
        live.preset = live.presets[live.index].clone();
        if let Some(p) = &live.preset.palette
            && let Ok(pal) = Palette::from_name(p)
        {
            live.style.palette = pal;
        }
        live.view = View::new(home_bounds(&live.preset, skip, seed, w, h)?);
        live.dirty = true;
        Ok(())
    }

    pub(super) fn act(&mut self, action: Action, event_loop: &ActiveEventLoop) -> Result<()> {
        let live = self.live.as_mut().expect("live");
        match action {
            Action::TogglePanel => live.panel = !live.panel,
            Action::Pause => live.paused = !live.paused,
            Action::NextPreset => {
                let i = live.index + 1;
                self.select_preset(i)?;
            }
            Action::PreviousPreset => {
                let i = live.index + live.presets.len() - 1;
                self.select_preset(i)?;
            }
            Action::NextPalette => {
                let names = panel::PALETTES;
                let cur = names
                    .iter()
                    .position(|n| *n == live.style.palette.name)
                    .map_or(0, |i| i + 1);
                live.style.palette =
                    Palette::from_name(names[cur % names.len()]).map_err(|e| anyhow!(e))?;
            }
            Action::SavePng => self.save_png()?,
            Action::ResetView => {
                live.view.reset();
                live.dirty = true;
            }
            Action::Quit => event_loop.exit(),
        }
        Ok(())
    }

    /// Starts saving the current view at the chosen size like `--png` (same backend, as many
    /// points as the window holds, at least [`MIN_SAVE_POINTS`]) in the background.
    pub(super) fn save_png(&mut self) -> Result<()> {
        let live = self.live.as_ref().expect("live");
        let size = live.save_size;
        let points = live.points.max(MIN_SAVE_POINTS);
        let taken: Vec<_> = self.saves.iter().map(|s| s.path.clone()).collect();
        let path = unique_name(&live.preset.name, size, &taken);
        let job = self.job_at(size, points);
        let style = live.style.clone();
        let engines = self.engines.as_mut().expect("engines");
        let saving = Saving::start(engines, &job, &style, path)?;
        let msg = format!("saving {} ({points} points) ...", saving.path.display());
        self.saves.push(saving);
        self.live.as_mut().expect("live").message = msg;
        Ok(())
    }

    /// Writes the saves whose render ended (all of them, waiting, when `wait`).
    pub(super) fn finish_saves(&mut self, wait: bool) {
        let mut i = 0;
        while i < self.saves.len() {
            if !wait && !self.saves[i].is_finished() {
                i += 1;
                continue;
            }
            let s = self.saves.remove(i);
            let frames = s.frames_during;
            let points = s.points;
            let msg = match s.finish() {
                Ok(path) => format!(
                    "saved {} ({points} points; {frames} frames presented while saving)",
                    path.display()
                ),
                Err(e) => format!("not saved: {e:#}"),
            };
            if !self.opts.quiet {
                eprintln!("{msg}");
            }
            if let Some(live) = self.live.as_mut() {
                live.message = msg;
            }
        }
    }

    pub(super) fn poll_saves(&mut self) {
        self.finish_saves(false);
    }

    pub(super) fn save_preset(&mut self) {
        let live = self.live.as_mut().expect("live");
        let mut p = live.preset.clone();
        p.name = live.new_preset_name.trim().to_string();
        p.palette = Some(live.style.palette.name.clone());
        live.message = if p.name.is_empty() {
            "give the new preset a name first".into()
        } else {
            match atr::append_preset(&self.opts.config_path, &p) {
                Ok(()) => {
                    let m = format!(
                        "appended '{}' to {}",
                        p.name,
                        self.opts.config_path.display()
                    );
                    live.presets.push(p);
                    m
                }
                Err(e) => format!("not saved: {e}"),
            }
        };
    }

    pub(super) fn handle_requests(&mut self, r: panel::Requests) -> Result<()> {
        if r.restart {
            self.live.as_mut().expect("live").dirty = true;
        }
        if let Some(i) = r.preset {
            self.select_preset(i)?;
        }
        if r.save_png {
            self.save_png()?;
        }
        if r.save_preset {
            self.save_preset();
        }
        Ok(())
    }
}
