//! One frame of the window: accumulate, re-read and re-shade now and then, draw the picture and
//! the panel, and decide what comes next (another frame, a wake-up later, or rest until input);
//! plus the exit screenshot and resizing.

use super::gfx::Gfx;
use super::{App, POLL_EVERY, RESHADE_EVERY, panel};
use crate::gpu::ShadePass;
use crate::output::{Kind, OutputFile};
use anyhow::{Result, anyhow};
use std::time::Instant;
use winit::event_loop::ActiveEventLoop;

/// The surface's next texture; `None` when it is not ready (another frame is asked for).
fn acquire(gfx: &Gfx) -> Result<Option<wgpu::SurfaceTexture>> {
    match gfx.surface.get_current_texture() {
        wgpu::CurrentSurfaceTexture::Success(f) | wgpu::CurrentSurfaceTexture::Suboptimal(f) => {
            Ok(Some(f))
        }
        wgpu::CurrentSurfaceTexture::Timeout | wgpu::CurrentSurfaceTexture::Occluded => {
            gfx.window.request_redraw();
            Ok(None)
        }
        wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
            gfx.surface.configure(&gfx.ctx.device, &gfx.config);
            gfx.window.request_redraw();
            Ok(None)
        }
        other => Err(anyhow!("the window's surface failed ({other:?})")),
    }
}

impl App {
    /// One frame: follow the area, restart when the job changed, accumulate, re-shade when the
    /// picture is out of date, draw, present, then decide what comes next ([`App::schedule`]).
    pub(super) fn frame(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        if self.size.0 == 0 || self.size.1 == 0 {
            return Ok(()); // minimised: nothing to draw, no redraw requested
        }
        self.follow_area();
        if self.live.as_ref().is_some_and(|l| l.dirty) {
            self.restart_or_recover()?;
        }
        self.record_history();
        self.poll_saves();
        self.poll_surprises();
        self.poll_recording();
        // No source: starting one failed, and that error is already on its way out.
        if self.source.is_none() {
            return Ok(());
        }
        self.accumulate()?;
        self.reshade()?;
        // While accumulating, frames that only add points present nothing: the picture changes
        // when it is re-shaded, on input and while the panel is open (every present costs time,
        // and memory on some drivers). A paused window draws only when asked (input, expose).
        let accumulating = self.live.as_ref().is_some_and(|l| !l.paused && !l.panel);
        if accumulating && !self.show {
            self.schedule();
            return Ok(());
        }
        self.set_title();
        match self.draw()? {
            Some(requests) => self.after_present(event_loop, requests),
            None => Ok(()),
        }
    }

    /// The panel opened or closed, or the window was resized: same framing, new area.
    fn follow_area(&mut self) {
        let (_, w, h) = self.area();
        let keep_save_size = self.opts.size.is_some();
        if let Some(live) = self.live.as_mut()
            && live.view.area != (w, h)
        {
            live.view.set_area(w, h);
            if !keep_save_size {
                live.save_size = (w, h);
            }
            live.dirty = true;
        }
    }

    /// A frame's budget of points on the GPU; the CPU run goes on by itself.
    fn accumulate(&mut self) -> Result<()> {
        let (Some(live), Some(source)) = (self.live.as_mut(), self.source.as_mut()) else {
            return Ok(());
        };
        let t = Instant::now();
        let added = source.step(live.budget.points, live.paused)?;
        if added > 0 {
            live.budget.update(t.elapsed().as_secs_f64());
            live.points += added;
        }
        Ok(())
    }

    /// Reads the counts back and re-shades them when the picture is out of date: no picture yet,
    /// a new style, or [`RESHADE_EVERY`] passed while accumulating (the tone map sorts the
    /// counts, which costs more than a frame at large sizes; frames in between redraw the same
    /// binding, and a paused picture is not read again).
    fn reshade(&mut self) -> Result<()> {
        let (Some(live), Some(gfx), Some(source)) =
            (self.live.as_mut(), self.gfx.as_ref(), self.source.as_mut())
        else {
            return Ok(());
        };
        let stale = match &self.shaded {
            None => true,
            Some((_, style, at)) => {
                *style != live.style || (!live.paused && at.elapsed() >= RESHADE_EVERY)
            }
        };
        if !stale {
            return Ok(());
        }
        let hist = source.read()?;
        live.points = hist.tally.total();
        self.rate.saw(live.points, Instant::now());
        let binding = gfx.shade.prepare(&gfx.ctx, &hist, &live.style)?;
        self.shaded = Some((binding, live.style.clone(), Instant::now()));
        self.last_hist = Some(hist);
        self.show = true;
        self.check_result();
        Ok(())
    }

    fn set_title(&mut self) {
        let (Some(live), Some(gfx)) = (self.live.as_ref(), self.gfx.as_ref()) else {
            return;
        };
        let saving = match self.saves.first() {
            Some(s) => format!(" - saving {}%", 100 * s.done() / s.points.max(1)),
            None => String::new(),
        };
        let device = if self.opts.cpu {
            "CPU".to_string()
        } else {
            format!("GPU {}", gfx.ctx.info.name)
        };
        let title = format!(
            "attractors: {}{} - {:.3e} points, {} - {device}{saving}",
            live.preset.name,
            if live.paused { " (paused)" } else { "" },
            live.points as f64,
            self.rate.text(live.paused),
        );
        if title != self.title {
            gfx.window.set_title(&title);
            self.title = title;
        }
    }

    /// Draws the picture and the panel and presents them; `None` when the surface or the
    /// picture is not ready for this size (another frame is asked for).
    fn draw(&mut self) -> Result<Option<panel::Requests>> {
        let (x0, _, _) = self.area();
        let (Some(live), Some(gfx), Some((binding, _, _))) =
            (self.live.as_mut(), self.gfx.as_mut(), self.shaded.as_ref())
        else {
            return Ok(None);
        };
        let Some(frame) = acquire(gfx)? else {
            return Ok(None);
        };
        let hist_size = self
            .last_hist
            .as_ref()
            .map_or((0, 0), |h| (h.width, h.height));
        let area = live.view.area;
        if (frame.texture.width(), frame.texture.height()) != self.size || hist_size != area {
            // a resize is on its way; draw it next frame
            gfx.window.request_redraw();
            return Ok(None);
        }
        self.picture.draw(gfx, binding, &frame.texture, x0, area)?;
        let mut requests = panel::Requests::default();
        self.egui_wake = None;
        if live.panel {
            let view = frame
                .texture
                .create_view(&wgpu::TextureViewDescriptor::default());
            let mut right = 0.0;
            let delay = gfx.draw_panel(&view, |ui| right = panel::show(ui, live, &mut requests));
            let ppp = gfx.egui_state.egui_ctx().pixels_per_point();
            self.panel_px = (right * ppp).ceil().max(0.0) as u32;
            self.egui_wake = Instant::now().checked_add(delay);
        }
        gfx.ctx.queue.present(frame);
        self.show = false;
        Ok(Some(requests))
    }

    /// After a presented frame: the test report, the panel's requests, the test hooks, --frames,
    /// and what comes next.
    fn after_present(
        &mut self,
        event_loop: &ActiveEventLoop,
        requests: panel::Requests,
    ) -> Result<()> {
        if let (Some(dir), Some(live), Some(gfx)) = (
            crate::testing::window_report_dir(),
            self.live.as_ref(),
            self.gfx.as_ref(),
        ) {
            let ppp = gfx.egui_state.egui_ctx().pixels_per_point();
            super::report::frame(dir, live, &self.title, self.frames + 1, ppp)?;
        }
        if let Some(gfx) = &self.gfx {
            gfx.ctx.check()?;
        }
        self.frames += 1;
        for s in &mut self.saves {
            s.frames_during += 1;
        }
        self.handle_requests(requests)?;
        self.test_hooks()?;
        if self.opts.frames.is_some_and(|n| self.frames >= n) {
            event_loop.exit();
            return Ok(());
        }
        self.schedule();
        Ok(())
    }

    fn test_hooks(&mut self) -> Result<()> {
        let hooks = crate::testing::hooks();
        if hooks.save_at_frame == Some(self.frames) {
            self.save_png()?;
        }
        if let Some((at, w, h)) = hooks.resize_at
            && self.frames == at
            && let Some(gfx) = &self.gfx
        {
            let _ = gfx
                .window
                .request_inner_size(winit::dpi::PhysicalSize::new(w, h));
        }
        Ok(())
    }

    /// What comes after a frame: another at once while the GPU accumulates on this thread or the
    /// panel animates; else a wake-up at the next re-shade while the CPU accumulates, or while
    /// background work (a save, the search, a recording, a wheel burst settling) needs watching;
    /// else nothing: paused or done, the window rests until input, a resize or an expose.
    pub(super) fn schedule(&mut self) {
        let (Some(live), Some(gfx)) = (self.live.as_ref(), self.gfx.as_ref()) else {
            return;
        };
        let now = Instant::now();
        let accumulating = !live.paused && self.source.is_some();
        let egui_now = self.egui_wake.is_some_and(|t| t <= now);
        if (accumulating && !self.opts.cpu) || egui_now || live.dirty {
            self.wake_at = None;
            gfx.window.request_redraw();
            return;
        }
        let next_shade = self.shaded.as_ref().map(|(_, _, at)| *at + RESHADE_EVERY);
        let wakes = [
            next_shade.filter(|_| accumulating),
            self.egui_wake,
            self.settle_until,
            self.background_busy().then(|| now + POLL_EVERY),
        ];
        self.wake_at = wakes.into_iter().flatten().min();
    }

    /// Whether background work needs watching: a save, the search filling the strip (or a
    /// "surprise me" waiting for it), a recording being rendered.
    fn background_busy(&self) -> bool {
        let search = self.surprises.is_some()
            && self.live.as_ref().is_some_and(|l| {
                l.surprise_wanted
                    || l.panel
                        && l.strip.iter().filter(|t| !t.seen).count() < super::surprise::AHEAD
            });
        !self.saves.is_empty() || search || self.recording_busy()
    }

    /// Writes the last presented frame's picture (the attractor layer, as drawn) to --screenshot.
    pub(super) fn screenshot(&self) -> Result<()> {
        let (Some(path), Some(hist), Some(gfx), Some(live)) = (
            &self.opts.screenshot,
            &self.last_hist,
            &self.gfx,
            &self.live,
        ) else {
            return Ok(());
        };
        let out = OutputFile::prepare_for(path, Kind::Png, "--screenshot")?;
        let rgba = ShadePass::new(&gfx.ctx).shade(&gfx.ctx, hist, &live.style)?;
        let job = live.job(
            (hist.width, hist.height),
            hist.tally.total(),
            self.opts.skip,
            self.opts.seed,
        );
        let recipe = crate::recipe::Recipe::of(&job, job.iters, &live.style);
        let text = crate::recipe::Document::picture(recipe).png_text();
        out.write_png(&rgba, hist.width, hist.height, &text)?
            .commit()?;
        if !self.opts.quiet {
            eprintln!(
                "wrote {} ({} frames, {} points)",
                path.display(),
                self.frames,
                hist.tally.total()
            );
        }
        Ok(())
    }

    pub(super) fn resized(&mut self, w: u32, h: u32) {
        self.size = (w, h);
        // Minimised (0x0): nothing is drawn and no frame is requested; the CPU worker rests too.
        if let (Some(source), Some(live)) = (&self.source, &self.live) {
            source.rest(live.paused || w == 0 || h == 0);
        }
        if let Some(gfx) = self.gfx.as_mut()
            && w > 0
            && h > 0
        {
            gfx.config.width = w;
            gfx.config.height = h;
            gfx.surface.configure(&gfx.ctx.device, &gfx.config);
            gfx.window.request_redraw();
        }
        // The next frame fits the framed region into the new picture area.
    }
}
