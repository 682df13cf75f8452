//! The live window (winit 0.30 + a wgpu surface + egui): the only module that knows winit. Every
//! frame adds points (on the GPU, or on CPU worker threads) and re-shades the histogram with the
//! same fragment pass as `--png`, into the surface; an egui panel (Tab/F1) edits the job.
//!
//! Accumulation restarts whenever what is drawn changes: preset, parameters, start point, view
//! (pan, zoom, reset) or window size. Style changes (palette, tone map, background) only re-shade.

mod panel;
pub mod view;

use crate::attractor::{Preset, atr};
use crate::cpu;
use crate::gpu::accumulate::{AccumulatePass, Accumulator};
use crate::gpu::{GpuContext, ShadePass};
use crate::histogram::{Bounds, Histogram};
use crate::job::{Control, Job};
use crate::output::{Kind, OutputFile};
use crate::shade::{Palette, Style};
use anyhow::{Result, anyhow};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use view::{Action, FrameBudget, KeyName, View, action_for};
use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::keyboard::{Key, NamedKey};
use winit::window::{Window, WindowId};

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
    /// Testing aid: at frame N, ask for a new inner size.
    pub resize_at: Option<(u64, u32, u32)>,
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

/// Where the points come from.
enum Engine {
    Gpu {
        pass: AccumulatePass,
        acc: Accumulator,
    },
    Cpu(CpuWorker),
}

/// Sampled CPU accumulation on a worker thread, in batches, into a shared histogram.
struct CpuWorker {
    shared: Arc<CpuShared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct CpuShared {
    /// (generation, job): a new generation restarts the histogram.
    job: Mutex<(u64, Job)>,
    hist: Mutex<(u64, Histogram)>,
    batch: AtomicU64,
    paused: AtomicBool,
    quit: AtomicBool,
}

impl CpuWorker {
    fn start(job: Job) -> CpuWorker {
        let shared = Arc::new(CpuShared {
            hist: Mutex::new((0, job.empty_histogram())),
            job: Mutex::new((0, job)),
            batch: AtomicU64::new(2_000_000),
            paused: AtomicBool::new(false),
            quit: AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::spawn(move || {
            let mut segment = 0u32;
            while !s.quit.load(Ordering::Relaxed) {
                if s.paused.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                let (generation, mut job) = s.job.lock().unwrap_or_else(|p| p.into_inner()).clone();
                segment = segment.wrapping_add(1);
                job.iters = s.batch.load(Ordering::Relaxed);
                job.segment = segment;
                let h = cpu::accumulate_sampled(&job, &Control::new());
                let mut slot = s.hist.lock().unwrap_or_else(|p| p.into_inner());
                if slot.0 == generation {
                    slot.1.merge(&h);
                }
            }
        });
        CpuWorker {
            shared,
            thread: Some(thread),
        }
    }

    fn restart(&self, job: Job) {
        let mut j = self.shared.job.lock().unwrap_or_else(|p| p.into_inner());
        let generation = j.0 + 1;
        *self.shared.hist.lock().unwrap_or_else(|p| p.into_inner()) =
            (generation, job.empty_histogram());
        *j = (generation, job);
    }

    fn snapshot(&self) -> Histogram {
        self.shared
            .hist
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .clone()
    }
}

impl Drop for CpuWorker {
    fn drop(&mut self) {
        self.shared.quit.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The wgpu side of the window: surface, shade pass, egui.
struct Gfx {
    window: Arc<Window>,
    ctx: GpuContext,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    shade: ShadePass,
    egui_state: egui_winit::State,
    egui_renderer: egui_wgpu::Renderer,
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
    engine: Option<Engine>,
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
            engine: None,
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

    fn job(&self) -> Job {
        let live = self.live.as_ref().expect("live state");
        let (w, h) = self.size;
        Job::new(
            live.preset.clone(),
            (w.max(1), h.max(1)),
            live.view.bounds,
            u64::MAX,
            self.opts.skip,
            self.opts.seed,
        )
    }

    /// (Re)starts accumulation for the current job.
    fn restart(&mut self) -> Result<()> {
        let job = self.job();
        if let Some(live) = self.live.as_mut() {
            live.points = 0;
            live.dirty = false;
        }
        self.last_hist = None;
        self.shaded = None;
        let gfx = self.gfx.as_ref().expect("graphics");
        match &mut self.engine {
            Some(Engine::Cpu(w)) => w.restart(job),
            Some(Engine::Gpu { pass, acc }) => {
                if pass.equation != job.preset.equation {
                    *pass = AccumulatePass::new(&gfx.ctx, job.preset.equation);
                }
                *acc = Accumulator::new(&gfx.ctx, pass, &job)?;
            }
            None => {
                self.engine = Some(if self.opts.cpu {
                    Engine::Cpu(CpuWorker::start(job))
                } else {
                    let pass = AccumulatePass::new(&gfx.ctx, job.preset.equation);
                    let acc = Accumulator::new(&gfx.ctx, &pass, &job)?;
                    Engine::Gpu { pass, acc }
                });
            }
        }
        Ok(())
    }

    fn init(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        let (w, h) = self.opts.size;
        let attrs = Window::default_attributes()
            .with_title("attractors")
            .with_inner_size(winit::dpi::PhysicalSize::new(w, h));
        let window = Arc::new(event_loop.create_window(attrs).map_err(|e| {
            anyhow!("cannot open a window ({e}); use --png FILE for headless export")
        })?);
        let ctx = GpuContext::new(self.opts.adapter.as_deref())?;
        let surface = ctx
            .instance
            .create_surface(window.clone())
            .map_err(|e| anyhow!("cannot draw into the window: {e}; use --png FILE"))?;
        let size = window.inner_size();
        self.size = (size.width, size.height);
        let caps = surface.get_capabilities(&ctx.adapter);
        // The palette bytes are sRGB already: draw into a non-sRGB format.
        let format = caps
            .formats
            .iter()
            .copied()
            .find(|f| !f.is_srgb())
            .or(caps.formats.first().copied())
            .ok_or_else(|| anyhow!("the window's surface offers no format"))?;
        let config = wgpu::SurfaceConfiguration {
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            format,
            width: size.width.max(1),
            height: size.height.max(1),
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes[0],
            view_formats: vec![],
            color_space: wgpu::SurfaceColorSpace::Auto,
        };
        surface.configure(&ctx.device, &config);
        let shade = ShadePass::with_format(&ctx, format);
        let egui_ctx = egui::Context::default();
        let egui_state = egui_winit::State::new(
            egui_ctx,
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            None,
        );
        let egui_renderer =
            egui_wgpu::Renderer::new(&ctx.device, format, egui_wgpu::RendererOptions::default());
        let presets = self.opts.presets.clone();
        let preset = presets[self.opts.index].clone();
        let home = home_bounds(
            &preset,
            self.opts.skip,
            self.opts.seed,
            self.size.0,
            self.size.1,
        )?;
        let target = if ctx.is_software() { 0.030 } else { 0.008 };
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
                ctx.describe(),
                if self.opts.cpu {
                    "accumulating on the CPU"
                } else {
                    "accumulating on the GPU"
                }
            );
        }
        self.gfx = Some(Gfx {
            window,
            ctx,
            surface,
            config,
            shade,
            egui_state,
            egui_renderer,
        });
        self.restart()?;
        Ok(())
    }

    fn select_preset(&mut self, index: usize) -> Result<()> {
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

    fn act(&mut self, action: Action, event_loop: &ActiveEventLoop) -> Result<()> {
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

    /// Renders the current view at the chosen size like `--png` (same backend, as many points as
    /// the window holds, at least 1e7) and writes it atomically.
    fn save_png(&mut self) -> Result<()> {
        let live = self.live.as_ref().expect("live");
        let (w, h) = live.save_size;
        let bounds = live.view.bounds;
        let name = format!(
            "attractors-{}-{}x{}-{}.png",
            live.preset.name,
            w,
            h,
            std::process::id() as u64 + self.frames
        );
        let path = PathBuf::from(&name);
        let out = OutputFile::prepare(&path, Kind::Png)?;
        let job = Job::new(
            live.preset.clone(),
            (w, h),
            bounds,
            live.points.max(10_000_000),
            self.opts.skip,
            self.opts.seed,
        );
        let gfx = self.gfx.as_ref().expect("graphics");
        let rgba = if self.opts.cpu {
            crate::shade::shade(&cpu::accumulate_sampled(&job, &Control::new()), &live.style)
        } else {
            let pass = AccumulatePass::new(&gfx.ctx, job.preset.equation);
            let hist = crate::gpu::accumulate::accumulate(&gfx.ctx, &pass, &job, &Control::new())
                .map_err(|f| anyhow!(f.error))?;
            ShadePass::new(&gfx.ctx).shade(&gfx.ctx, &hist, &live.style)?
        };
        out.write_png(&rgba, w, h)?;
        let msg = format!("saved {name} ({} points)", job.iters);
        if !self.opts.quiet {
            eprintln!("{msg}");
        }
        self.live.as_mut().expect("live").message = msg;
        Ok(())
    }

    fn save_preset(&mut self) {
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

    fn frame(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        if self.size.0 == 0 || self.size.1 == 0 {
            return Ok(()); // minimised: nothing to draw, no redraw requested
        }
        if self.live.as_ref().is_some_and(|l| l.dirty) {
            self.restart()?;
        }
        let live = self.live.as_mut().expect("live");
        let gfx = self.gfx.as_mut().expect("graphics");
        // Accumulate.
        match self.engine.as_mut().expect("engine") {
            Engine::Gpu { pass, acc } => {
                if !live.paused {
                    let n = live.budget.points.min(u32::MAX as u64);
                    let t = Instant::now();
                    acc.run_batch(
                        &gfx.ctx,
                        pass,
                        n,
                        Duration::from_secs_f64(live.budget.target),
                    )?;
                    live.budget.update(t.elapsed().as_secs_f64());
                    live.points += n;
                }
            }
            Engine::Cpu(w) => {
                w.shared.paused.store(live.paused, Ordering::Relaxed);
                w.shared
                    .batch
                    .store(live.budget.points.max(1_000_000), Ordering::Relaxed);
            }
        }
        // Read back and re-shade at most every RESHADE_EVERY: the tone map sorts the counts, which
        // costs more than a frame at large sizes; frames in between redraw the same binding.
        let stale = match &self.shaded {
            None => true,
            Some((_, style, at)) => at.elapsed() >= RESHADE_EVERY || *style != live.style,
        };
        if stale {
            let job = Job::new(
                live.preset.clone(),
                self.size,
                live.view.bounds,
                0,
                self.opts.skip,
                self.opts.seed,
            );
            let hist = match self.engine.as_ref().expect("engine") {
                Engine::Gpu { acc, .. } => acc.read(&gfx.ctx, &job)?,
                Engine::Cpu(w) => {
                    let h = w.snapshot();
                    live.points = h.tally.total();
                    h
                }
            };
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
        gfx.window.set_title(&format!(
            "attractors: {} - {:.3e} points, {:.1} M points/s - {}{}",
            live.preset.name,
            live.points as f64,
            self.rate.2 / 1e6,
            if self.opts.cpu { "CPU" } else { "GPU " },
            if self.opts.cpu {
                String::new()
            } else {
                gfx.ctx.info.name.clone()
            }
        ));
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
        if (frame.texture.width(), frame.texture.height()) != hist_size {
            // a resize is on its way; draw it next frame
            gfx.window.request_redraw();
            return Ok(());
        }
        let view = frame
            .texture
            .create_view(&wgpu::TextureViewDescriptor::default());
        let binding = &self.shaded.as_ref().expect("prepared above").0;
        gfx.shade.draw_bound(&gfx.ctx, binding, &view)?;
        let mut requests = panel::Requests::default();
        if live.panel {
            let raw = gfx.egui_state.take_egui_input(&gfx.window);
            let egui_ctx = gfx.egui_state.egui_ctx().clone();
            let out = egui_ctx.run_ui(raw, |ui| panel::show(ui, live, &mut requests));
            gfx.egui_state
                .handle_platform_output(&gfx.window, out.platform_output);
            let jobs = egui_ctx.tessellate(out.shapes, out.pixels_per_point);
            let screen = egui_wgpu::ScreenDescriptor {
                size_in_pixels: [gfx.config.width, gfx.config.height],
                pixels_per_point: out.pixels_per_point,
            };
            for (id, deltas) in &out.textures_delta.set {
                for delta in deltas {
                    gfx.egui_renderer
                        .update_texture(&gfx.ctx.device, &gfx.ctx.queue, *id, delta);
                }
            }
            let mut enc = gfx
                .ctx
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("window.egui"),
                });
            let cmds = gfx.egui_renderer.update_buffers(
                &gfx.ctx.device,
                &gfx.ctx.queue,
                &mut enc,
                &jobs,
                &screen,
            );
            {
                let rp = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("window.egui.pass"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &view,
                        depth_slice: None,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Load,
                            store: wgpu::StoreOp::Store,
                        },
                    })],
                    depth_stencil_attachment: None,
                    timestamp_writes: None,
                    occlusion_query_set: None,
                    multiview_mask: None,
                });
                gfx.egui_renderer
                    .render(&mut rp.forget_lifetime(), &jobs, &screen);
            }
            gfx.ctx.queue.submit(cmds.into_iter().chain([enc.finish()]));
            for id in &out.textures_delta.free {
                gfx.egui_renderer.free_texture(id);
            }
        }
        gfx.ctx.queue.present(frame);
        gfx.ctx.check()?;
        self.frames += 1;
        self.handle_requests(requests)?;
        if let Some((at, w, h)) = self.opts.resize_at
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

    fn handle_requests(&mut self, r: panel::Requests) -> Result<()> {
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

    /// Writes the last presented frame's picture (the attractor layer, as drawn) to --screenshot.
    fn screenshot(&self) -> Result<()> {
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
        out.write_png(&rgba, hist.width, hist.height)?;
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

    fn resized(&mut self, w: u32, h: u32) {
        self.size = (w, h);
        // Minimised (0x0): nothing is drawn and no frame is requested; the CPU worker rests too.
        if let (Some(Engine::Cpu(worker)), Some(live)) = (&self.engine, &self.live) {
            worker
                .shared
                .paused
                .store(live.paused || w == 0 || h == 0, Ordering::Relaxed);
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
        if let Some(live) = self.live.as_mut() {
            // Keep the centre and the scale (map units per pixel); show more or less around it.
            let b = live.view.bounds;
            let (cx, cy) = ((b.xmin + b.xmax) / 2.0, (b.ymin + b.ymax) / 2.0);
            let per_px = (b.xmax - b.xmin) / live.save_size.0.max(1) as f64;
            if w > 0 && h > 0 {
                let (hw, hh) = (per_px * w as f64 / 2.0, per_px * h as f64 / 2.0);
                live.view.bounds = Bounds {
                    xmin: cx - hw,
                    xmax: cx + hw,
                    ymin: cy - hh,
                    ymax: cy + hh,
                };
                live.save_size = (w, h);
                live.dirty = true;
            }
        }
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
        self.engine = None;
    }
}
