//! One frame of the window: accumulate, re-read and re-shade now and then, draw the picture and
//! the panel; plus the exit screenshot and resizing.

use super::{App, RESHADE_EVERY, panel};
use crate::gpu::ShadePass;
use crate::output::{Kind, OutputFile};
use anyhow::{Result, anyhow};
use std::time::{Duration, Instant};
use winit::event_loop::ActiveEventLoop;

impl App {
    pub(super) fn frame(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        if self.size.0 == 0 || self.size.1 == 0 {
            return Ok(()); // minimised: nothing to draw, no redraw requested
        }
        let (x0, w, h) = self.area();
        if let Some(live) = self.live.as_mut()
            && live.view.area != (w, h)
        {
            // The panel opened or closed, or the window was resized: same framing, new area.
            live.view.set_area(w, h);
            live.save_size = (w, h);
            live.dirty = true;
        }
        if self.live.as_ref().is_some_and(|l| l.dirty) {
            self.restart_or_recover()?;
        }
        self.record_history();
        self.poll_saves();
        self.poll_surprises();
        // No source: starting one failed, and that error is already on its way out.
        let (Some(live), Some(gfx), Some(source)) =
            (self.live.as_mut(), self.gfx.as_mut(), self.source.as_mut())
        else {
            return Ok(());
        };
        // Accumulate: a frame's budget on the GPU; the CPU run goes on by itself.
        let t = Instant::now();
        let added = source.step(live.budget.points, live.paused)?;
        if added > 0 {
            live.budget.update(t.elapsed().as_secs_f64());
            live.points += added;
        }
        // Read back and re-shade at most every RESHADE_EVERY: the tone map sorts the counts, which
        // costs more than a frame at large sizes; frames in between redraw the same binding.
        let stale = match &self.shaded {
            None => true,
            Some((_, style, at)) => at.elapsed() >= RESHADE_EVERY || *style != live.style,
        };
        if stale {
            let hist = source.read()?;
            live.points = hist.tally.total();
            let binding = gfx.shade.prepare(&gfx.ctx, &hist, &live.style)?;
            self.shaded = Some((binding, live.style.clone(), Instant::now()));
            self.last_hist = Some(hist);
        }
        let hist_size = self
            .last_hist
            .as_ref()
            .map_or((0, 0), |h| (h.width, h.height));
        // Rate over the last second, for the title.
        let (t0, p0, rate) = self.rate;
        if t0.elapsed() > Duration::from_secs(1) {
            self.rate = (
                Instant::now(),
                live.points,
                (live.points.saturating_sub(p0)) as f64 / t0.elapsed().as_secs_f64(),
            );
        } else {
            self.rate.2 = rate;
        }
        let area = live.view.area;
        let saving = match self.saves.first() {
            Some(s) => format!(" - saving {}%", 100 * s.done() / s.points.max(1)),
            None => String::new(),
        };
        self.title = format!(
            "attractors: {}{} - {:.3e} points, {:.1} M points/s - {}{}{saving}",
            live.preset.name,
            if live.paused { " (paused)" } else { "" },
            live.points as f64,
            self.rate.2 / 1e6,
            if self.opts.cpu { "CPU" } else { "GPU " },
            if self.opts.cpu {
                String::new()
            } else {
                gfx.ctx.info.name.clone()
            }
        );
        gfx.window.set_title(&self.title);
        // Draw: the attractor, then the panel.
        let frame = match gfx.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f)
            | wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            wgpu::CurrentSurfaceTexture::Timeout | wgpu::CurrentSurfaceTexture::Occluded => {
                gfx.window.request_redraw();
                return Ok(());
            }
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                gfx.surface.configure(&gfx.ctx.device, &gfx.config);
                gfx.window.request_redraw();
                return Ok(());
            }
            other => return Err(anyhow!("the window's surface failed ({other:?})")),
        };
        if (frame.texture.width(), frame.texture.height()) != self.size || hist_size != area {
            // a resize is on its way; draw it next frame
            gfx.window.request_redraw();
            return Ok(());
        }
        let view = frame
            .texture
            .create_view(&wgpu::TextureViewDescriptor::default());
        let binding = &self.shaded.as_ref().expect("prepared above").0;
        self.picture.draw(gfx, binding, &frame.texture, x0, area)?;
        let mut requests = panel::Requests::default();
        if live.panel {
            let mut right = 0.0;
            gfx.draw_panel(&view, |ui| right = panel::show(ui, live, &mut requests));
            let ppp = gfx.egui_state.egui_ctx().pixels_per_point();
            self.panel_px = (right * ppp).ceil().max(0.0) as u32;
        }
        gfx.ctx.queue.present(frame);
        if let Some(dir) = crate::testing::window_report_dir() {
            let ppp = gfx.egui_state.egui_ctx().pixels_per_point();
            super::report::frame(dir, live, &self.title, self.frames + 1, ppp)?;
        }
        gfx.ctx.check()?;
        self.frames += 1;
        for s in &mut self.saves {
            s.frames_during += 1;
        }
        self.handle_requests(requests)?;
        let hooks = crate::testing::hooks();
        if hooks.save_at_frame == Some(self.frames) {
            self.save_png()?;
        }
        if let Some((at, w, h)) = hooks.resize_at
            && self.frames == at
        {
            let _ = self
                .gfx
                .as_ref()
                .expect("graphics")
                .window
                .request_inner_size(winit::dpi::PhysicalSize::new(w, h));
        }
        if self.opts.frames.is_some_and(|n| self.frames >= n) {
            event_loop.exit();
            return Ok(());
        }
        self.gfx.as_ref().expect("graphics").window.request_redraw();
        Ok(())
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
        let job = self.job_at((hist.width, hist.height), hist.tally.total());
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
