//! What keys and the panel ask for: presets, palettes, pause, view reset, saving, undo/redo,
//! nudging a parameter, "surprise me".

use super::history::Look;
use super::save::{MIN_SAVE_POINTS, Saving, unique_name};
use super::surprise::{AHEAD, Surprises};
use super::view::{Action, View};
use super::{App, home_bounds, panel, panel_parts};
use crate::attractor::{Preset, Presets, append};
use crate::shade::Palette;
use anyhow::{Result, anyhow};
use winit::event_loop::ActiveEventLoop;

impl App {
    /// Shows `preset` (from the picker's entry `index`) at its own bounds, else its automatic
    /// bounds, in its own palette, tone map and background where it sets them.
    pub(super) fn load_preset(&mut self, preset: Preset, index: usize) -> Result<()> {
        let (skip, seed) = (self.opts.skip, self.opts.seed);
        let live = self.live.as_mut().expect("live");
        let area = live.view.area;
        let home = match preset.bounds {
            Some(b) => b,
            None => home_bounds(&preset, skip, seed, area.0, area.1)?,
        };
        live.index = index;
        if let Some(p) = &preset.palette
            && let Ok(pal) = Palette::from_name(p)
        {
            live.style.palette = pal;
        }
        live.style.shade = preset.shade.unwrap_or(live.style.shade);
        live.style.background = preset.background.unwrap_or(live.style.background);
        live.view = View::new(home, area);
        panel_parts::loaded(live, preset);
        live.dirty = true;
        Ok(())
    }

    pub(super) fn select_preset(&mut self, index: usize) -> Result<()> {
        let live = self.live.as_ref().expect("live");
        let index = index % live.presets.len();
        let preset = live.presets[index].clone();
        self.load_preset(preset, index)
    }

    /// What the window shows now, as a history step.
    pub(super) fn look(&self) -> Look {
        let live = self.live.as_ref().expect("live");
        Look {
            index: live.index,
            preset: live.preset.clone(),
            style: live.style.clone(),
            framed: live.view.framed,
            home: live.view.home,
        }
    }

    /// Shows a history step.
    fn apply_look(&mut self, look: Look) {
        let live = self.live.as_mut().expect("live");
        live.index = look.index;
        live.style = look.style;
        live.view.home = look.home;
        live.view.frame(look.framed);
        if live.preset != look.preset {
            panel_parts::loaded(live, look.preset);
        }
        live.dirty = true;
    }

    /// Records the current look as a history step once it has settled: no drag in progress (a
    /// slider or a pan records where it ends) and no text field being typed into.
    pub(super) fn record_history(&mut self) {
        let settling = self
            .settle_until
            .is_some_and(|t| t > std::time::Instant::now());
        if !settling {
            self.settle_until = None;
        }
        let busy = settling
            || self.drag_from.is_some()
            || self.live.as_ref().is_some_and(|l| l.panel)
                && self.gfx.as_ref().is_some_and(|g| {
                    let ctx = g.egui_state.egui_ctx();
                    ctx.input(|i| i.pointer.any_down()) || ctx.text_edit_focused()
                });
        if busy {
            return;
        }
        let look = self.look();
        let recorded = self.live.as_mut().is_some_and(|l| l.history.record(&look));
        if recorded {
            self.record_keyframe(&look);
        }
    }

    /// Restarts accumulation; when the new map cannot run (a formula the GPU refuses, say), shows
    /// why and goes back to the last good step.
    pub(super) fn restart_or_recover(&mut self) -> Result<()> {
        let Err(e) = self.restart() else {
            return Ok(());
        };
        let live = self.live.as_ref().expect("live");
        let good = live.history.current().clone();
        if good.preset == live.preset {
            return Err(e);
        }
        let msg = format!("{e:#}; kept the last good picture");
        self.apply_look(good);
        self.live.as_mut().expect("live").message = msg;
        self.restart()
    }

    pub(super) fn act(&mut self, action: Action, event_loop: &ActiveEventLoop) -> Result<()> {
        let shift = self.mods.shift;
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
            Action::Fit => self.fit_view(),
            Action::Record => self.toggle_recording(),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Surprise => self.surprise()?,
            Action::Nudge(d) => panel_parts::nudge(live, d as f64 * if shift { 0.1 } else { 1.0 }),
            Action::SelectParam(d) => panel_parts::select_next(live, d as isize),
            Action::Quit => event_loop.exit(),
        }
        Ok(())
    }

    pub(super) fn undo(&mut self) {
        // A change not recorded yet (a drag in progress) is a step of its own first.
        let look = self.look();
        let live = self.live.as_mut().expect("live");
        live.history.record(&look);
        match live.history.undo().cloned() {
            Some(l) => self.apply_look(l),
            None => live.message = "nothing to undo".into(),
        }
    }

    pub(super) fn redo(&mut self) {
        let live = self.live.as_mut().expect("live");
        match live.history.redo().cloned() {
            Some(l) => self.apply_look(l),
            None => live.message = "nothing to redo".into(),
        }
    }

    /// The search of the current equation, started (or restarted for a new equation) on demand.
    fn surprises(&mut self) -> Option<&Surprises> {
        let live = self.live.as_ref()?;
        let map = live.preset.map_key();
        if self.surprises.as_ref().is_none_or(|s| s.map != map) {
            let live = self.live.as_mut().expect("live");
            live.strip.clear();
            // A fresh seed per window, named in every candidate (`..._s<seed>_n<index>`), so any
            // candidate can be found again with `attractors search EQUATION --seed SEED`.
            let seed = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(self.opts.seed, |d| d.as_secs() % 100_000);
            self.surprises = Some(Surprises::start(&live.preset, seed));
        }
        self.surprises.as_ref()
    }

    /// Takes the candidates found since the last frame into the strip; jumps to the first one
    /// when "surprise me" was asked for before any was ready.
    pub(super) fn poll_surprises(&mut self) {
        let live = self.live.as_ref().expect("live");
        if live.panel || live.surprise_wanted {
            self.surprises(); // the strip fills while the panel is open
        }
        let Some(s) = &self.surprises else { return };
        let live = self.live.as_ref().expect("live");
        let unseen = live.strip.iter().filter(|t| !t.seen).count();
        let new = s.poll(AHEAD.saturating_sub(unseen));
        if new.is_empty() {
            return;
        }
        let live = self.live.as_mut().expect("live");
        panel_parts::add_to_strip(live, new);
        if live.surprise_wanted {
            live.surprise_wanted = false;
            let _ = self.surprise();
        }
    }

    /// "Surprise me": the next candidate not shown yet (a recorded history step).
    pub(super) fn surprise(&mut self) -> Result<()> {
        if self.surprises().is_none() {
            self.live.as_mut().expect("live").message =
                "surprise me searches built-in equations; pick a preset first".into();
            return Ok(());
        }
        let live = self.live.as_mut().expect("live");
        match live.strip.iter().position(|t| !t.seen) {
            Some(i) => self.show_candidate(i),
            None => {
                live.surprise_wanted = true;
                live.message = "searching for a new attractor ...".into();
                Ok(())
            }
        }
    }

    /// Shows candidate `i` of the strip.
    pub(super) fn show_candidate(&mut self, i: usize) -> Result<()> {
        let live = self.live.as_mut().expect("live");
        let Some(t) = live.strip.get_mut(i) else {
            return Ok(());
        };
        t.seen = true;
        let (preset, score) = (t.preset.clone(), t.score);
        let index = live.index;
        live.message = format!("{} (score {score:.1})", preset.name);
        self.load_preset(preset, index)
    }

    /// Starts saving the current view at the chosen size like `--png` (same backend, the chosen
    /// number of points, by default as many as the window holds, at least [`MIN_SAVE_POINTS`]) in
    /// the background.
    pub(super) fn save_png(&mut self) -> Result<()> {
        let live = self.live.as_ref().expect("live");
        let size = live.save_size;
        let points = live
            .save_points
            .unwrap_or(live.points.max(MIN_SAVE_POINTS))
            .max(1);
        let taken: Vec<_> = self.saves.iter().map(|s| s.path.clone()).collect();
        let path = unique_name(&live.preset.name, size, &taken);
        let job = live.job(size, points, self.opts.skip, self.opts.seed);
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

    /// Appends the current map (with the typed name, the palette, tone map, background and the
    /// view's bounds) to the `.atr` file in use:
    /// `--config`, else `./attractors.atr`, which is created from the built-in presets plus the
    /// new row when it does not exist.
    pub(super) fn save_preset(&mut self) {
        let path = self.opts.config_path.clone();
        let live = self.live.as_mut().expect("live");
        let mut p = live.preset.clone();
        p.name = live.new_preset_name.trim().to_string();
        p.palette = Some(live.style.palette.name.clone());
        p.shade = Some(live.style.shade);
        p.background = Some(live.style.background);
        p.bounds = Some(live.view.bounds);
        if p.name.is_empty() {
            live.message = "give the new preset a name first".into();
            return;
        }
        let shown = std::path::absolute(&path).unwrap_or(path.clone());
        let result = if path.exists() {
            append::append_preset(&path, &p).map(|()| String::new())
        } else {
            let mut all = Presets::builtin().all().to_vec();
            all.push(p.clone());
            append::append_presets(&path, &all, true, "--config")
                .map(|()| " (a new file: the built-in presets and this one)".to_string())
        };
        live.message = match result {
            Ok(note) => {
                live.presets.push(p.clone());
                format!("saved preset '{}' to {}{note}", p.name, shown.display())
            }
            Err(e) => format!("not saved: {e}"),
        };
        if !self.opts.quiet {
            eprintln!("{}", live.message);
        }
    }

    pub(super) fn handle_requests(&mut self, r: panel::Requests) -> Result<()> {
        if r.restart
            && let Some(live) = self.live.as_mut()
        {
            live.dirty = true;
        }
        if r.fit {
            self.fit_view();
        }
        if r.record {
            self.toggle_recording();
        }
        if r.render {
            self.render_recording();
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
        if r.undo {
            self.undo();
        }
        if r.redo {
            self.redo();
        }
        if r.surprise {
            self.surprise()?;
        }
        if let Some(i) = r.candidate {
            self.show_candidate(i)?;
        }
        Ok(())
    }
}
