//! Reading GPU buffers and textures back to the host (the one place that handles mapping and the
//! 256-byte row alignment of texture copies).

use super::{GpuContext, GpuError};

/// Copies `size` bytes of `src` (which needs COPY_SRC) into a fresh mappable buffer and returns
/// them.
pub fn read_buffer(ctx: &GpuContext, src: &wgpu::Buffer, size: u64) -> Result<Vec<u8>, GpuError> {
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("gpu.readback.staging"),
        size,
        usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
        mapped_at_creation: false,
    });
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("gpu.readback.copy"),
        });
    enc.copy_buffer_to_buffer(src, 0, &staging, 0, size);
    ctx.queue.submit([enc.finish()]);
    map_and_read(ctx, &staging)
}

fn map_and_read(ctx: &GpuContext, staging: &wgpu::Buffer) -> Result<Vec<u8>, GpuError> {
    let (tx, rx) = std::sync::mpsc::channel();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    ctx.wait()?;
    match rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(GpuError::DeviceLost(format!(
                "reading results back failed: {e}"
            )));
        }
        Err(_) => {
            return Err(GpuError::DeviceLost(
                "reading results back never completed".into(),
            ));
        }
    }
    let bytes = staging
        .slice(..)
        .get_mapped_range()
        .map_err(|e| GpuError::DeviceLost(format!("mapping results failed: {e}")))?
        .to_vec();
    staging.unmap();
    Ok(bytes)
}

/// Bytes per row of a texture copy, padded to wgpu's 256-byte alignment.
pub fn padded_row_bytes(width: u32, bytes_per_pixel: u32) -> u32 {
    (width * bytes_per_pixel).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT)
}

/// Reads an RGBA8 texture back as tightly packed rows (row 0 = top).
pub fn read_rgba_texture(
    ctx: &GpuContext,
    texture: &wgpu::Texture,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, GpuError> {
    let padded = padded_row_bytes(width, 4);
    let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("gpu.readback.texture_staging"),
        size: padded as u64 * height as u64,
        usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
        mapped_at_creation: false,
    });
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("gpu.readback.texture_copy"),
        });
    enc.copy_texture_to_buffer(
        wgpu::TexelCopyTextureInfo {
            texture,
            mip_level: 0,
            origin: wgpu::Origin3d::ZERO,
            aspect: wgpu::TextureAspect::All,
        },
        wgpu::TexelCopyBufferInfo {
            buffer: &staging,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(padded),
                rows_per_image: Some(height),
            },
        },
        wgpu::Extent3d {
            width,
            height,
            depth_or_array_layers: 1,
        },
    );
    ctx.queue.submit([enc.finish()]);
    let bytes = map_and_read(ctx, &staging)?;
    let row = (width * 4) as usize;
    Ok(bytes
        .chunks(padded as usize)
        .flat_map(|r| r[..row].to_vec())
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_are_padded_to_256_bytes() {
        assert_eq!(super::padded_row_bytes(64, 4), 256);
        assert_eq!(super::padded_row_bytes(65, 4), 512);
        assert_eq!(super::padded_row_bytes(1, 4), 256);
    }
}
