//! The live window (winit + wgpu + egui): progressive accumulation through the engine seam,
//! pan/zoom/keys, a control panel, saving PNGs in the background and presets. The only module
//! that knows winit and egui. It draws only when something changed: paused or done, it waits for
//! input (`ControlFlow::Wait`).
//!
//! Files: [`gfx`] (the adapter that presents, the surface and egui setup), [`source`] (where
//! points come from), [`save`] (background saves), `live.rs` (what the user explores),
//! `frame.rs` (one frame: accumulate, re-shade, draw, and what comes next), `picture.rs` (the
//! picture beside the panel), `input.rs` (routing keys and the mouse between egui and the
//! window), `actions.rs` (keys and panel requests), `checks.rs` (result warnings and framing),
//! `record.rs` (keyframe recording), [`view`] (framing maths, key bindings, the rate),
//! [`history`] (undo/redo), [`surprise`] ("surprise me"), `panel.rs` and `panel_parts.rs` (the
//! egui panel).
mod actions;
mod checks;
mod frame;
pub mod gfx;
pub mod history;
mod input;
mod live;
mod panel;
mod panel_parts;
mod picture;
mod record;
mod report;
pub mod save;
pub mod source;
pub mod surprise;
pub mod view;

use crate::attractor::Preset;
use crate::backend::Engines;
use crate::histogram::{Bounds, Histogram};
use crate::shade::Style;
use anyhow::{Result, anyhow};
use gfx::Gfx;
pub use live::Live;
use save::Saving;
use source::Source;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use view::{FrameBudget, Mods, View};
use winit::application::ApplicationHandler;
use winit::event::{StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::window::WindowId;

/// How often the window reads the histogram back and rebuilds the shading tables.
const RESHADE_EVERY: Duration = Duration::from_millis(100);
/// How often a resting window looks at background work (saves, the search, a recording).
const POLL_EVERY: Duration = Duration::from_millis(100);
/// A burst of wheel turns is one undo step once the wheel has rested this long.
const SETTLE: Duration = Duration::from_millis(400);

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
    rate: view::Rate,
    /// When the loop wakes by itself (a re-shade of the CPU run, background work); `None`: it
    /// waits for input.
    wake_at: Option<Instant>,
    /// When egui wants the panel drawn again.
    egui_wake: Option<Instant>,
    /// A wheel burst records its undo step after this.
    settle_until: Option<Instant>,
    /// The last wheel notch of this batch of events (winit reports a notch's press and its
    /// release alike on X11: the second of a pair is the same notch).
    wheel_pair: Option<f32>,
    judged: checks::Judged,
    /// The picture changed since the last present (new shading, input, a resize, an expose).
    show: bool,
    recorder: record::Recorder,
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
            rate: view::Rate::new(Instant::now()),
            wake_at: None,
            egui_wake: None,
            settle_until: None,
            wheel_pair: None,
            judged: checks::Judged::default(),
            show: true,
            recorder: record::Recorder::default(),
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

    /// (Re)starts accumulation for the current view.
    fn restart(&mut self) -> Result<()> {
        let (skip, seed) = (self.opts.skip, self.opts.seed);
        let Some(job) = self
            .live
            .as_ref()
            .map(|l| l.job(l.view.area, u64::MAX, skip, seed))
        else {
            return Ok(());
        };
        if let Some(live) = self.live.as_mut() {
            live.points = 0;
            live.dirty = false;
        }
        self.last_hist = None;
        self.shaded = None;
        self.judged.pending = true;
        self.source = None; // stops a CPU run before the next starts
        if self.engines.is_none() {
            let gfx = self
                .gfx
                .as_ref()
                .ok_or_else(|| anyhow!("the window has no GPU context"))?;
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
        if let Some(engines) = self.engines.as_mut() {
            self.source = Some(Source::start(engines, &job)?);
        }
        Ok(())
    }

    fn init(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        // A --size larger than the screen opens a window that fits it, showing the same view;
        // "save PNG" keeps the full --size.
        let size = match self.opts.size {
            Some(size) => gfx::within_screen(event_loop, size),
            None => gfx::fit_screen(event_loop),
        };
        let gfx = Gfx::new(
            event_loop,
            size,
            self.opts.adapter.as_deref(),
            self.opts.quiet,
        )?;
        let inner = gfx.window.inner_size();
        self.size = (inner.width, inner.height);
        let presets = self.opts.presets.clone();
        let preset = presets
            .get(self.opts.index)
            .cloned()
            .ok_or_else(|| anyhow!("no preset to show"))?;
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
            save_size: self.opts.size.unwrap_or((w, h)),
            save_points: None,
            new_preset_name: String::new(),
            preset_filter: String::new(),
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
        if self.live.is_none() || self.gfx.is_none() {
            // Not open (yet, or opening failed and the error is on its way out).
            if matches!(event, WindowEvent::CloseRequested) {
                event_loop.exit();
            }
            return;
        }
        let redraw = self.redraw_after(&event);
        self.show |= redraw;
        if let Err(e) = self.on_event(event_loop, event) {
            self.fail(event_loop, e);
        }
        if let Some(g) = &self.gfx
            && redraw
            && self.size.0 > 0
            && self.size.1 > 0
        {
            g.window.request_redraw();
        }
    }

    fn new_events(&mut self, _event_loop: &ActiveEventLoop, cause: StartCause) {
        if let StartCause::ResumeTimeReached { .. } = cause
            && let Some(g) = &self.gfx
        {
            self.wake_at = None;
            g.window.request_redraw();
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        self.wheel_pair = None;
        event_loop.set_control_flow(match self.wake_at {
            Some(t) => ControlFlow::WaitUntil(t),
            None => ControlFlow::Wait,
        });
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
        // A save in progress is finished, not lost; other background work is cancelled.
        self.finish_saves(true);
        self.cancel_recording();
        self.surprises = None;
        self.source = None;
    }
}
