//! `attractors info`: every GPU adapter wgpu sees and the limits that matter.

use crate::cli::InfoArgs;
use anyhow::Result;

pub fn run(i: &InfoArgs) -> Result<()> {
    if i.json {
        return super::json::print(&crate::gpu::context::info_json());
    }
    print!("{}", crate::gpu::context::info_text());
    Ok(())
}
