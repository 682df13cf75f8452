//! The live window (winit + wgpu + egui): progressive accumulation through the engine seam,
//! pan/zoom/keys, a control panel, saving PNGs in the background and presets. The only module
//! that knows winit and egui.
//!
//! Files: [`gfx`] (surface and egui setup), [`source`] (where points come from), [`save`]
//! (background saves), `frame.rs` (one frame: accumulate, re-shade, draw), `actions.rs` (keys and
//! panel requests), [`view`] (framing maths and key bindings), `panel.rs` (the egui panel).

mod actions;
mod frame;
pub mod gfx;
mod panel;
pub mod save;
pub mod source;
pub mod view;

use crate::attractor::Preset;
use crate::backend::Engines;
use crate::histogram::{Bounds, Histogram};
use crate::job::Job;
use crate::shade::Style;
use anyhow::{Result, anyhow};
use gfx::Gfx;
use save::Saving;
use source::Source;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use view::{FrameBudget, KeyName, View, action_for};
use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::keyboard::{Key, NamedKey};
use winit::window::WindowId;

/// How often the window reads the histogram back and rebuilds the shading tables.
const RESHADE_EVERY: Duration = Duration::from_millis(100);

/// Everything the window starts from (validated by the CLI).
pub struct WindowOptions {
    pub presets: Vec<Preset>,
    pub index: usize,
    /// The `.atr` file "save preset" appends to.
    pub config_path: PathBuf,
    pub style: Style,
    pub size: (u32, u32),
    pub skip: u64,
    pub seed: u64,
    /// Accumulate on CPU worker threads instead of the GPU (display still uses wgpu).
    pub cpu: bool,
    pub adapter: Option<String>,
    /// Exit after this many presented frames.
    pub frames: Option<u64>,
    /// Write the last frame's picture here on exit.
    pub screenshot: Option<PathBuf>,
    /// Open with the control panel shown.
    pub panel: bool,
    pub quiet: bool,
}

/// Opens the window and runs until it is closed (or `--frames` is reached).
pub fn run(opts: WindowOptions) -> Result<()> {
    // winit's own message names its source file; the user needs only what to do.
    let event_loop = EventLoop::new()
        .map_err(|_| anyhow!("no display found; use --png FILE for headless export"))?;
    let mut app = App::new(opts);
    event_loop
        .run_app(&mut app)
        .map_err(|e| anyhow!("the window's event loop failed: {e}"))?;
    match app.error.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What the user is exploring.
pub struct Live {
    pub presets: Vec<Preset>,
    pub index: usize,
    /// The current preset with the user's edits (parameters, start point).
    pub preset: Preset,
    pub style: Style,
    pub view: View,
    pub paused: bool,
    pub panel: bool,
    pub budget: FrameBudget,
    pub points: u64,
    /// Set when the job changed and accumulation must restart.
    pub dirty: bool,
    pub message: String,
    pub save_size: (u32, u32),
    pub new_preset_name: String,
}

struct App {
    opts: WindowOptions,
    live: Option<Live>,
    gfx: Option<Gfx>,
    /// Engines for the window's backend (the GPU device and pipelines, or the CPU).
    engines: Option<Engines>,
    source: Option<Source>,
    saves: Vec<Saving>,
    error: Option<anyhow::Error>,
    frames: u64,
    /// The histogram last read and the shade binding made from it (refreshed every
    /// [`RESHADE_EVERY`], on style changes and restarts; frames in between redraw it).
    last_hist: Option<Histogram>,
    shaded: Option<(wgpu::BindGroup, Style, Instant)>,
    cursor: (f64, f64),
    drag_from: Option<(f64, f64)>,
    last_click: Option<Instant>,
    rate: (Instant, u64, f64),
    size: (u32, u32),
}

/// Automatic bounds of a preset, with equal aspect for a `w x h` window.
fn home_bounds(p: &Preset, skip: u64, seed: u64, w: u32, h: u32) -> Result<Bounds> {
    let pilot = crate::pilot::run(p, skip, seed).map_err(|e| anyhow!("{}: {e}", p.name))?;
    Ok(pilot.bounds.with_equal_aspect(w.max(1), h.max(1)))
}

impl App {
    fn new(opts: WindowOptions) -> App {
        let size = opts.size;
        App {
            opts,
            live: None,
            gfx: None,
            engines: None,
            source: None,
            saves: Vec::new(),
            error: None,
            frames: 0,
            last_hist: None,
            shaded: None,
            cursor: (0.0, 0.0),
            drag_from: None,
            last_click: None,
            rate: (Instant::now(), 0, 0.0),
            size,
        }
    }

    fn fail(&mut self, event_loop: &ActiveEventLoop, e: anyhow::Error) {
        self.error.get_or_insert(e);
        event_loop.exit();
    }

    /// The job of the current view at `size` with `iters` points.
    fn job_at(&self, size: (u32, u32), iters: u64) -> Job {
        let live = self.live.as_ref().expect("live state");
        Job::new(
            live.preset.clone(),
            (size.0.max(1), size.1.max(1)),
            live.view.bounds,
            iters,
            self.opts.skip,
            self.opts.seed,
        )
    }

    /// (Re)starts accumulation for the current view.
    fn restart(&mut self) -> Result<()> {
        let job = self.job_at(self.size, u64::MAX);
        if let Some(live) = self.live.as_mut() {
            live.points = 0;
            live.dirty = false;
        }
        self.last_hist = None;
        self.shaded = None;
        self.source = None; // stops a CPU run before the next starts
        if self.engines.is_none() {
            let gfx = self.gfx.as_ref().expect("graphics");
            self.engines = Some(if self.opts.cpu {
                Engines::CpuSampled
            } else {
                Engines::Gpu {
                    ctx: gfx.ctx.clone(),
                    pass: std::sync::Arc::new(crate::gpu::AccumulatePass::for_preset(
                        &gfx.ctx,
                        &job.preset,
                    )?),
                }
            });
        }
        let engines = self.engines.as_mut().expect("made above");
        self.source = Some(Source::start(engines, &job)?);
        Ok(())
    }

    fn init(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        let gfx = Gfx::new(event_loop, self.opts.size, self.opts.adapter.as_deref())?;
        let inner = gfx.window.inner_size();
        self.size = (inner.width, inner.height);
        let presets = self.opts.presets.clone();
        let preset = presets[self.opts.index].clone();
        let home = home_bounds(
            &preset,
            self.opts.skip,
            self.opts.seed,
            self.size.0,
            self.size.1,
        )?;
        let target = if gfx.ctx.is_software() { 0.030 } else { 0.008 };
        self.live = Some(Live {
            presets,
            index: self.opts.index,
            preset,
            style: self.opts.style.clone(),
            view: View::new(home),
            paused: false,
            panel: self.opts.panel,
            budget: FrameBudget::new(target),
            points: 0,
            dirty: true,
            message: String::new(),
            save_size: (self.size.0.max(1), self.size.1.max(1)),
            new_preset_name: String::new(),
        });
        if !self.opts.quiet {
            eprintln!(
                "window: {} ({})",
                gfx.ctx.describe(),
                if self.opts.cpu {
                    "accumulating on the CPU"
                } else {
                    "accumulating on the GPU"
                }
            );
        }
        self.gfx = Some(gfx);
        self.restart()?;
        Ok(())
    }
}

impl ApplicationHandler for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.gfx.is_none()
            && let Err(e) = self.init(event_loop)
        {
            self.fail(event_loop, e);
            return;
        }
        event_loop.set_control_flow(ControlFlow::Wait);
        if let Some(g) = &self.gfx {
            g.window.request_redraw();
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let panel_open = self.live.as_ref().is_some_and(|l| l.panel);
        let consumed = match (&mut self.gfx, panel_open) {
            (Some(g), true) => g.egui_state.on_window_event(&g.window, &event).consumed,
            _ => false,
        };
        let result = match event {
            WindowEvent::CloseRequested => {
                event_loop.exit();
                Ok(())
            }
            WindowEvent::Resized(s) => {
                self.resized(s.width, s.height);
                Ok(())
            }
            WindowEvent::RedrawRequested => self.frame(event_loop),
            WindowEvent::KeyboardInput { event, .. }
                if event.state == ElementState::Pressed && !consumed =>
            {
                let key = match &event.logical_key {
                    Key::Named(NamedKey::Tab) => KeyName::Tab,
                    Key::Named(NamedKey::F1) => KeyName::F1,
                    Key::Named(NamedKey::Space) => KeyName::Space,
                    Key::Named(NamedKey::Escape) => KeyName::Escape,
                    Key::Character(c) => KeyName::Char(c.to_string()),
                    _ => KeyName::Other,
                };
                match action_for(&key) {
                    Some(a) => self.act(a, event_loop),
                    None => Ok(()),
                }
            }
            WindowEvent::CursorMoved { position, .. } => {
                let (x, y) = (position.x, position.y);
                if let (Some((fx, fy)), Some(live)) = (self.drag_from, self.live.as_mut())
                    && !consumed
                {
                    live.view
                        .pan(x - fx, y - fy, self.size.0.max(1), self.size.1.max(1));
                    live.dirty = true;
                    self.drag_from = Some((x, y));
                }
                self.cursor = (x, y);
                Ok(())
            }
            WindowEvent::MouseInput {
                state,
                button: MouseButton::Left,
                ..
            } if !consumed => {
                if state == ElementState::Pressed {
                    let double = self
                        .last_click
                        .is_some_and(|t| t.elapsed() < Duration::from_millis(400));
                    self.last_click = Some(Instant::now());
                    if double && let Some(live) = self.live.as_mut() {
                        live.view.reset();
                        live.dirty = true;
                    }
                    self.drag_from = Some(self.cursor);
                } else {
                    self.drag_from = None;
                }
                Ok(())
            }
            WindowEvent::MouseWheel { delta, .. } if !consumed => {
                let lines = match delta {
                    MouseScrollDelta::LineDelta(_, y) => y as f64,
                    MouseScrollDelta::PixelDelta(p) => p.y / 40.0,
                };
                if let Some(live) = self.live.as_mut() {
                    live.view.zoom(
                        1.25f64.powf(lines),
                        self.cursor.0,
                        self.cursor.1,
                        self.size.0.max(1),
                        self.size.1.max(1),
                    );
                    live.dirty = true;
                }
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.fail(event_loop, e);
        }
        if let Some(g) = &self.gfx
            && self.size.0 > 0
            && self.size.1 > 0
        {
            g.window.request_redraw();
        }
    }

    fn exiting(&mut self, _event_loop: &ActiveEventLoop) {
        if let Err(e) = self.screenshot() {
            self.error.get_or_insert(e);
        }
        // A save in progress is finished, not lost.
        self.finish_saves(true);
        self.source = None;
    }
}
