//! `attractors info`: every GPU adapter wgpu sees and the limits that matter.

use anyhow::Result;

pub fn run() -> Result<()> {
    print!("{}", crate::gpu::context::info_text());
    Ok(())
}
