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
    /// No adapter on any backend tried.
    #[error(
        "no GPU adapter found (tried {tried}); use --backend cpu or install a Vulkan driver (on Debian, mesa-vulkan-drivers provides a software one)"
    )]
    NoAdapter {
        /// The backends tried.
        tried: String,
    },
    /// No adapter whose name matches `--adapter`.
    #[error(
        "no GPU adapter matches --adapter '{wanted}'; adapters found: {found} (attractors info lists them)"
    )]
    NoSuchAdapter {
        /// The `--adapter` text.
        wanted: String,
        /// The adapters there are.
        found: String,
    },
    /// An `--adapter` position past the adapters there are.
    #[error(
        "--adapter '{spec}': no adapter at position {position}; adapters found: {found} (attractors info numbers them); give all, or positions from that list"
    )]
    NoSuchPosition {
        /// The `--adapter` text.
        spec: String,
        /// The position that has no adapter.
        position: String,
        /// The adapters there are.
        found: String,
    },
    /// The adapter would not give a device.
    #[error("cannot open the GPU device on {adapter}: {message}; use --backend cpu")]
    Device {
        /// The adapter's name.
        adapter: String,
        /// The driver's message.
        message: String,
    },
    /// A buffer of the canvas is larger than the adapter's limit.
    #[error(
        "--size {width}x{height} needs {needed_mib} MiB for {what}, but {adapter} allows {limit_mib} MiB ({limit_name}); the largest square that fits is {largest}x{largest}: use a smaller --size or --backend cpu"
    )]
    TooLarge {
        /// Canvas width in bins.
        width: u32,
        /// Canvas height in bins.
        height: u32,
        /// What the buffer holds (`the histogram`, ...).
        what: &'static str,
        /// The buffer's size (MiB).
        needed_mib: u64,
        /// The adapter's limit (MiB).
        limit_mib: u64,
        /// The wgpu limit that applies.
        limit_name: &'static str,
        /// The side of the largest square canvas that fits.
        largest: u32,
        /// The adapter's name.
        adapter: String,
    },
    /// The picture is wider or taller than the adapter's largest texture.
    #[error(
        "--size {width}x{height} is wider or taller than the {side} pixels {adapter} allows for a texture side (max texture side); use a --size with both sides at most {side}, or --backend cpu"
    )]
    TextureTooLarge {
        /// Picture width in pixels.
        width: u32,
        /// Picture height in pixels.
        height: u32,
        /// The adapter's largest texture side.
        side: u32,
        /// The adapter's name.
        adapter: String,
    },
    /// A composed shader that naga refuses (the message is naga's).
    #[error(
        "the formula's shader does not validate: {0}; simplify the formula or use --backend cpu"
    )]
    Shader(String),
    /// The device was lost (driver reset, GPU removed); the message is the driver's.
    #[error("the GPU device was lost ({0})")]
    DeviceLost(String),
    /// Any other wgpu error, with its message.
    #[error("GPU error: {0}")]
    Other(String),
}
