//! The GPU renderer (wgpu): accumulation in a WGSL compute shader and shading in a fragment pass.
//!
//! Tiers (STYLE.md 3): [`context::GpuContext`] (instance, adapter, device, queue) is made once;
//! pipelines per pass; targets per job size. Every object is labelled with its Rust path.

pub mod accumulate;
pub mod bindings;
mod budget;
pub mod compose;
pub mod context;
pub mod density;
mod engine;
mod pipelines;
pub mod readback;
pub mod runtime_dir;
pub mod shade;
mod targets;

pub use accumulate::AccumulatePass;
pub use compose::{compose_accumulate_shader, compose_accumulate_with, validate_wgsl};
pub use context::GpuContext;
pub use engine::GpuEngine;
pub use shade::ShadePass;

/// What can go wrong on the GPU, with what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    #[error(
        "no GPU adapter found (tried {tried}); use --backend cpu or install a Vulkan driver (on Debian, mesa-vulkan-drivers provides a software one)"
    )]
    NoAdapter { tried: String },
    #[error(
        "no GPU adapter matches --adapter '{wanted}'; adapters found: {found} (attractors info lists them)"
    )]
    NoSuchAdapter { wanted: String, found: String },
    #[error(
        "--adapter '{spec}': no adapter at position {position}; adapters found: {found} (attractors info numbers them); give all, or positions from that list"
    )]
    NoSuchPosition {
        spec: String,
        position: String,
        found: String,
    },
    #[error("cannot open the GPU device on {adapter}: {message}; use --backend cpu")]
    Device { adapter: String, message: String },
    #[error(
        "--size {width}x{height} needs {needed_mib} MiB for {what}, but {adapter} allows {limit_mib} MiB ({limit_name}); the largest square that fits is {largest}x{largest}: use a smaller --size or --backend cpu"
    )]
    TooLarge {
        width: u32,
        height: u32,
        what: &'static str,
        needed_mib: u64,
        limit_mib: u64,
        limit_name: &'static str,
        largest: u32,
        adapter: String,
    },
    #[error(
        "--size {width}x{height} is wider or taller than the {side} pixels {adapter} allows for a texture side (max texture side); use a --size with both sides at most {side}, or --backend cpu"
    )]
    TextureTooLarge {
        width: u32,
        height: u32,
        side: u32,
        adapter: String,
    },
    #[error(
        "the formula's shader does not validate: {0}; simplify the formula or use --backend cpu"
    )]
    Shader(String),
    #[error("the GPU device was lost ({0})")]
    DeviceLost(String),
    #[error("GPU error: {0}")]
    Other(String),
}
