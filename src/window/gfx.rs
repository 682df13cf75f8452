//! The wgpu side of the window: the surface, the shade pass drawing into it, and egui.

use crate::gpu::{GpuContext, ShadePass, context};
use anyhow::{Result, anyhow};
use std::sync::Arc;
use winit::event_loop::ActiveEventLoop;
use winit::window::Window;

/// The window's GPU side: the surface, the shade pass that draws the picture, and egui's state and renderer.
pub struct Gfx {
    /// The window itself.
    pub window: Arc<Window>,
    /// The device the surface and the passes use.
    pub ctx: Arc<GpuContext>,
    /// The window's surface.
    pub surface: wgpu::Surface<'static>,
    /// The surface's configuration (format, size, present mode).
    pub config: wgpu::SurfaceConfiguration,
    /// Draws the histogram into the picture area.
    pub shade: ShadePass,
    /// egui's input state.
    pub egui_state: egui_winit::State,
    /// egui's wgpu renderer (the panel).
    pub egui_renderer: egui_wgpu::Renderer,
    /// Whether the surface takes texture copies (the picture is then drawn beside the panel).
    pub can_copy: bool,
}

/// A window size that fits the primary monitor with room for decorations and a taskbar: at most
/// 1024x1024, at most 90% of the monitor's width and 85% of its height (winit does not report
/// the work area), square where it can be.
pub fn fit_screen(event_loop: &ActiveEventLoop) -> (u32, u32) {
    let monitor = event_loop
        .primary_monitor()
        .or_else(|| event_loop.available_monitors().next());
    match monitor.map(|m| m.size()) {
        Some(s) if s.width > 0 && s.height > 0 => fit_in((s.width, s.height)),
        _ => (1024, 1024),
    }
}

/// `size` (from `--size`), scaled down with its proportions kept to fit the primary monitor as
/// [`fit_screen`] would (at most 90% of its width, 85% of its height); unchanged when it fits or
/// no monitor is known.
pub fn within_screen(event_loop: &ActiveEventLoop, size: (u32, u32)) -> (u32, u32) {
    let monitor = event_loop
        .primary_monitor()
        .or_else(|| event_loop.available_monitors().next());
    match monitor.map(|m| m.size()) {
        Some(s) if s.width > 0 && s.height > 0 => shrink_to(size, (s.width, s.height)),
        _ => size,
    }
}

/// [`within_screen`] for a monitor of `screen` pixels.
pub fn shrink_to((w, h): (u32, u32), screen: (u32, u32)) -> (u32, u32) {
    let (max_w, max_h) = (screen.0 as f64 * 0.9, screen.1 as f64 * 0.85);
    let scale = (max_w / w.max(1) as f64).min(max_h / h.max(1) as f64);
    if scale >= 1.0 {
        return (w, h);
    }
    (
        ((w as f64 * scale) as u32).max(1),
        ((h as f64 * scale) as u32).max(1),
    )
}

/// [`fit_screen`] for a monitor of `w x h` pixels.
pub fn fit_in((w, h): (u32, u32)) -> (u32, u32) {
    let (max_w, max_h) = ((w as f64 * 0.9) as u32, (h as f64 * 0.85) as u32);
    (max_w.clamp(64, 1024), max_h.clamp(64, 1024))
}

/// The first adapter (best first, in [`context::window_rounds`]) that can draw into `window`, its
/// device and the window's surface; `--adapter NAME` keeps only adapters whose name holds NAME.
/// Each adapter passed over is named on stderr with the reason, unless `quiet`.
fn presenting(
    event_loop: &ActiveEventLoop,
    window: &Arc<Window>,
    wanted: Option<&str>,
    quiet: bool,
) -> Result<(GpuContext, wgpu::Surface<'static>)> {
    let display = event_loop.owned_display_handle();
    let describe =
        || wgpu::InstanceDescriptor::new_with_display_handle_from_env(Box::new(display.clone()));
    let wanted = wanted.map(str::to_ascii_lowercase);
    let mut tried = Vec::new();
    for (instance, adapters) in context::window_rounds(&describe) {
        let surface = match instance.create_surface(window.clone()) {
            Ok(s) => s,
            Err(e) => {
                tried.push(format!("{}: {e}", context::backends_tried()));
                continue;
            }
        };
        for adapter in adapters {
            let info = adapter.get_info();
            let name = context::describe(&info);
            if wanted
                .as_ref()
                .is_some_and(|w| !info.name.to_ascii_lowercase().contains(w))
            {
                continue;
            }
            if !adapter.is_surface_supported(&surface) {
                tried.push(format!("{name}: cannot present to this window"));
                if !quiet {
                    eprintln!(
                        "window: {name} cannot present to this window; trying the next adapter"
                    );
                }
                continue;
            }
            match GpuContext::open(instance.clone(), adapter) {
                Ok(ctx) => return Ok((ctx, surface)),
                Err(e) => tried.push(format!("{name}: {e}")),
            }
        }
    }
    let what = match (&wanted, tried.is_empty()) {
        (Some(w), true) => format!("no adapter named '{w}' was found"),
        (_, true) => format!(
            "no adapter was found (backends tried: {})",
            context::backends_tried()
        ),
        _ => tried.join("; "),
    };
    Err(anyhow!(
        "no GPU adapter can draw into the window ({what}); use --png FILE for headless export"
    ))
}

impl Gfx {
    /// Opens the window (`size` in pixels) and its GPU surface, on the first adapter that can
    /// present to it.
    pub fn new(
        event_loop: &ActiveEventLoop,
        size: (u32, u32),
        adapter: Option<&str>,
        quiet: bool,
    ) -> Result<Gfx> {
        let attrs = Window::default_attributes()
            .with_title("attractors")
            .with_inner_size(winit::dpi::PhysicalSize::new(size.0, size.1));
        let window = Arc::new(event_loop.create_window(attrs).map_err(|e| {
            anyhow!("cannot open a window ({e}); use --png FILE for headless export")
        })?);
        let (ctx, surface) = presenting(event_loop, &window, adapter, quiet)?;
        let ctx = Arc::new(ctx);
        let inner = window.inner_size();
        let caps = surface.get_capabilities(&ctx.adapter);
        // The palette bytes are sRGB already: draw into a non-sRGB format.
        let format = caps
            .formats
            .iter()
            .copied()
            .find(|f| !f.is_srgb())
            .or(caps.formats.first().copied())
            .ok_or_else(|| anyhow!("the window's surface offers no format"))?;
        let can_copy = caps.usages.contains(wgpu::TextureUsages::COPY_DST);
        let config = wgpu::SurfaceConfiguration {
            usage: if can_copy {
                wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_DST
            } else {
                wgpu::TextureUsages::RENDER_ATTACHMENT
            },
            format,
            width: inner.width.max(1),
            height: inner.height.max(1),
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes[0],
            view_formats: vec![],
            color_space: wgpu::SurfaceColorSpace::Auto,
        };
        surface.configure(&ctx.device, &config);
        let shade = ShadePass::with_format(&ctx, format);
        let egui_state = egui_winit::State::new(
            egui::Context::default(),
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            None,
        );
        let egui_renderer =
            egui_wgpu::Renderer::new(&ctx.device, format, egui_wgpu::RendererOptions::default());
        Ok(Gfx {
            window,
            ctx,
            surface,
            config,
            shade,
            egui_state,
            egui_renderer,
            can_copy,
        })
    }

    /// Runs the panel's UI and draws it over `view`; returns how soon egui wants it drawn again
    /// (`Duration::MAX`: not until input).
    pub fn draw_panel(
        &mut self,
        view: &wgpu::TextureView,
        ui_fn: impl FnMut(&mut egui::Ui),
    ) -> std::time::Duration {
        let raw = self.egui_state.take_egui_input(&self.window);
        let egui_ctx = self.egui_state.egui_ctx().clone();
        let out = egui_ctx.run_ui(raw, ui_fn);
        let delay = out
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map_or(std::time::Duration::MAX, |v| v.repaint_delay);
        self.egui_state
            .handle_platform_output(&self.window, out.platform_output);
        let jobs = egui_ctx.tessellate(out.shapes, out.pixels_per_point);
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: [self.config.width, self.config.height],
            pixels_per_point: out.pixels_per_point,
        };
        let (device, queue) = (&self.ctx.device, &self.ctx.queue);
        for (id, deltas) in &out.textures_delta.set {
            for delta in deltas {
                self.egui_renderer.update_texture(device, queue, *id, delta);
            }
        }
        let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("window.egui"),
        });
        let cmds = self
            .egui_renderer
            .update_buffers(device, queue, &mut enc, &jobs, &screen);
        {
            let rp = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("window.egui.pass"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view,
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
            self.egui_renderer
                .render(&mut rp.forget_lifetime(), &jobs, &screen);
        }
        queue.submit(cmds.into_iter().chain([enc.finish()]));
        for id in &out.textures_delta.free {
            self.egui_renderer.free_texture(id);
        }
        delay
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_fits_small_screens() {
        assert_eq!(super::fit_in((1280, 800)), (1024, 680));
        assert_eq!(super::fit_in((3840, 2160)), (1024, 1024));
        let (w, h) = super::fit_in((800, 600));
        assert!(w <= 800 && h <= 600);
    }

    #[test]
    fn a_large_size_shrinks_to_the_screen_keeping_its_proportions() {
        assert_eq!(super::shrink_to((800, 600), (1920, 1080)), (800, 600));
        let (w, h) = super::shrink_to((2500, 1500), (1920, 1080));
        assert!(w <= 1728 && h <= 918, "{w}x{h}");
        assert!(
            (w as f64 / h as f64 - 2500.0 / 1500.0).abs() < 0.01,
            "{w}x{h}"
        );
    }
}
