//! The picture in its area of the window: drawn straight into the surface when it fills the
//! window, else into a texture of the area's size that is copied beside the panel (the shade
//! pass's fragment position is the histogram pixel, so it draws at the origin only).

use super::gfx::Gfx;
use anyhow::Result;

#[derive(Default)]
pub struct Picture {
    target: Option<(wgpu::Texture, wgpu::TextureView)>,
}

impl Picture {
    /// Draws the shaded picture (`binding`, of `area` pixels) into `frame` at `(x0, 0)`, the rest
    /// black.
    pub fn draw(
        &mut self,
        gfx: &Gfx,
        binding: &wgpu::BindGroup,
        frame: &wgpu::Texture,
        x0: u32,
        area: (u32, u32),
    ) -> Result<()> {
        let view = frame.create_view(&wgpu::TextureViewDescriptor::default());
        if x0 == 0 && (frame.width(), frame.height()) == area {
            return Ok(gfx.shade.draw_bound(&gfx.ctx, binding, &view)?);
        }
        let device = &gfx.ctx.device;
        let stale = self
            .target
            .as_ref()
            .is_none_or(|(t, _)| (t.width(), t.height()) != area || t.format() != frame.format());
        if stale {
            let t = device.create_texture(&wgpu::TextureDescriptor {
                label: Some("window.picture"),
                size: wgpu::Extent3d {
                    width: area.0,
                    height: area.1,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: frame.format(),
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                view_formats: &[],
            });
            let v = t.create_view(&wgpu::TextureViewDescriptor::default());
            self.target = Some((t, v));
        }
        let (texture, target) = self.target.as_ref().expect("made above");
        gfx.shade.draw_bound(&gfx.ctx, binding, target)?;
        let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("window.picture.copy"),
        });
        enc.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("window.picture.clear"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        let w = area.0.min(frame.width().saturating_sub(x0));
        let h = area.1.min(frame.height());
        enc.copy_texture_to_texture(
            texture.as_image_copy(),
            wgpu::TexelCopyTextureInfo {
                texture: frame,
                mip_level: 0,
                origin: wgpu::Origin3d { x: x0, y: 0, z: 0 },
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
        );
        gfx.ctx.queue.submit([enc.finish()]);
        Ok(gfx.ctx.check()?)
    }
}
