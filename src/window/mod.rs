//! The live window (winit + wgpu + egui): progressive accumulation through the engine seam,
//! pan/zoom/keys, a control panel, saving PNGs in the background and presets. The only module
//! that knows winit and egui.
//!
//! Files: [`gfx`] (surface and egui setup), [`source`] (where points come from), [`save`]
//! (background saves), `frame.rs` (one frame: accumulate, re-shade, draw), `picture.rs` (the
//! picture beside the panel), `input.rs` (routing keys and the mouse between egui and the
//! window), `actions.rs` (keys and panel requests), [`view`] (framing maths and key bindings),
//! [`history`] (undo/redo), [`surprise`] ("surprise me"), `panel.rs` and `panel_parts.rs` (the
//! egui panel).

mod actions;
mod frame;
pub mod gfx;
pub mod history;
mod input;
mod panel;
mod panel_parts;
mod picture;
mod report;
pub mod save;
pub mod source;
pub mod surprise;
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
use view::{FrameBudget, Mods, View};
use winit::application::ApplicationHandler;
use winit::event::WindowEvent;
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::window::WindowId;

/// How often the window reads the histogram back and rebuilds the shading tables.
const RESHADE_EVERY: Duration = Duration::from_millis(100);

/// Everything the window starts from (validated by the CLI).
pub struct WindowOptions {
    /// The presets the window browses (N/P).
    pub presets: Vec<Preset>,
    /// Index of the starting preset in `presets`.
    pub index: usize,
    /// The `.atr` file "save preset" appends to.
    pub config_path: PathBuf,
    /// The starting tone map, palette and background.
    pub style: Style,
    /// The window's inner size; `None` fits the screen.
    pub size: Option<(u32, u32)>,
    /// `--bounds`: the view of the starting preset (else automatic).
    pub bounds: Option<Bounds>,
    /// Transient points per orbit.
    pub skip: u64,
    /// The seed of the start points.
    pub seed: u64,
    /// Accumulate on CPU worker threads instead of the GPU (display still uses wgpu).
    pub cpu: bool,
    /// `--adapter`: the GPU to accumulate on.
    pub adapter: Option<String>,
    /// Exit after this many presented frames.
    pub frames: Option<u64>,
    /// Write the last frame's picture here on exit.
    pub screenshot: Option<PathBuf>,
    /// Open with the control panel shown.
    pub panel: bool,
    /// No notices on stderr.
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
    /// The presets browsed.
    pub presets: Vec<Preset>,
    /// Index of the current preset's origin in `presets`.
    pub index: usize,
    /// The current preset with the user's edits (parameters, start point).
    pub preset: Preset,
    /// The current tone map, palette and background.
    pub style: Style,
    /// What the picture shows (pan and zoom).
    pub view: View,
    /// Accumulation stopped (Space).
    pub paused: bool,
    /// The control panel is shown.
    pub panel: bool,
    /// Points per frame, adapted to the frame time.
    pub budget: FrameBudget,
    /// Points accumulated for the current job.
    pub points: u64,
    /// Set when the job changed and accumulation must restart.
    pub dirty: bool,
    /// The status line's message.
    pub message: String,
    /// Width and height of a saved PNG.
    pub save_size: (u32, u32),
    /// Points of a saved picture; `None`: as many as the window holds (at least 1e7).
    pub save_points: Option<u64>,
    /// The name typed for "save preset".
    pub new_preset_name: String,
    /// Undo and redo of presets, styles and views.
    pub history: history::History,
    /// Half-width of each parameter's slider (by index into `preset.params`), set when a map is
    /// loaded and widened only when a typed value leaves it.
    pub ranges: Vec<f64>,
    /// The parameter the arrow keys nudge (index into `preset.params`), and each one's step.
    pub selected: usize,
    /// Each parameter's nudge step (by index into `preset.params`).
    pub steps: Vec<f64>,
    /// The formula box: its text and the error of the last edit that did not compile.
    pub formula_text: String,
    /// The compile error of the last formula edit, if it failed.
    pub formula_error: Option<String>,
    /// "Surprise me" candidates received so far (newest last), shown as thumbnails.
    pub strip: Vec<panel_parts::Thumb>,
    /// "Surprise me" was asked for before a candidate was ready: jump to the next one.
    pub surprise_wanted: bool,
    /// Widget rectangles of the last panel frame, for `ATTRACTORS_TEST_LAYOUT`.
    pub probe: Vec<(String, egui::Rect)>,
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
    mods: Mods,
    rate: (Instant, u64, f64),
    size: (u32, u32),
    /// Width in pixels the open panel took in the last frame.
    panel_px: u32,
    picture: picture::Picture,
    /// The title last set (shown in test reports).
    title: String,
    surprises: Option<surprise::Surprises>,
}

/// Automatic bounds of a preset, with equal aspect for a `w x h` window.
fn home_bounds(p: &Preset, skip: u64, seed: u64, w: u32, h: u32) -> Result<Bounds> {
    let pilot = crate::pilot::run(p, skip, seed).map_err(|e| anyhow!("{}: {e}", p.name))?;
    Ok(pilot.bounds.with_equal_aspect(w.max(1), h.max(1)))
}

impl App {
    fn new(opts: WindowOptions) -> App {
        let size = opts.size.unwrap_or((1024, 1024));
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
            mods: Mods::default(),
            rate: (Instant::now(), 0, 0.0),
            size,
            panel_px: panel::WIDTH_GUESS,
            picture: picture::Picture::default(),
            title: String::new(),
            surprises: None,
        }
    }

    fn fail(&mut self, event_loop: &ActiveEventLoop, e: anyhow::Error) {
        self.error.get_or_insert(e);
        event_loop.exit();
    }

    /// The picture area: (left edge, width, height) in pixels; beside the panel when it is open.
    fn area(&self) -> (u32, u32, u32) {
        let open = self.live.as_ref().is_some_and(|l| l.panel)
            && self.gfx.as_ref().is_none_or(|g| g.can_copy);
        let x0 = if open {
            self.panel_px.min(self.size.0.saturating_sub(16))
        } else {
            0
        };
        (x0, (self.size.0 - x0).max(1), self.size.1.max(1))
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
        let area = self.live.as_ref().expect("live").view.area;
        let job = self.job_at(area, u64::MAX);
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
        let size = self
            .opts
            .size
            .unwrap_or_else(|| gfx::fit_screen(event_loop));
        let gfx = Gfx::new(event_loop, size, self.opts.adapter.as_deref())?;
        let inner = gfx.window.inner_size();
        self.size = (inner.width, inner.height);
        let presets = self.opts.presets.clone();
        let preset = presets[self.opts.index].clone();
        let x0 = if self.opts.panel {
            self.panel_px.min(self.size.0.saturating_sub(16))
        } else {
            0
        };
        let (w, h) = ((self.size.0 - x0).max(1), self.size.1.max(1));
        let home = match self.opts.bounds {
            Some(b) => b,
            None => home_bounds(&preset, self.opts.skip, self.opts.seed, w, h)?,
        };
        let target = if gfx.ctx.is_software() { 0.030 } else { 0.008 };
        let view = View::new(home, (w, h));
        let first = history::Look {
            index: self.opts.index,
            preset: preset.clone(),
            style: self.opts.style.clone(),
            framed: view.framed,
            home: view.home,
        };
        self.live = Some(Live {
            presets,
            index: self.opts.index,
            ranges: panel_parts::ranges_for(&preset),
            steps: panel_parts::steps_for(&preset),
            selected: 0,
            formula_text: panel_parts::formula_text(&preset),
            formula_error: None,
            preset,
            style: self.opts.style.clone(),
            view,
            paused: false,
            panel: self.opts.panel,
            budget: FrameBudget::new(target),
            points: 0,
            dirty: true,
            message: String::new(),
            save_size: (w, h),
            save_points: None,
            new_preset_name: String::new(),
            history: history::History::new(first),
            strip: Vec::new(),
            surprise_wanted: false,
            probe: Vec::new(),
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
        let result = self.on_event(event_loop, event);
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
        if let (Some(dir), Some(live)) = (crate::testing::window_report_dir(), &self.live)
            && let Err(e) = report::state(dir, live, &self.title)
        {
            self.error.get_or_insert(e);
        }
        // A save in progress is finished, not lost.
        self.finish_saves(true);
        self.source = None;
    }
}
