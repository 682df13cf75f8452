//! Animation: what moves over time ([`timeline`]), a tone mapping that does not flicker
//! ([`tone`]), and the animated outputs ([`sink`]) with the frame rates they hold ([`rate`]).
//! The `animate` command drives them with the same engines as a still render.

/// The most frames an animation may have: ten minutes at 60 fps, with room. `--frames`,
/// `--duration` and a frame directory's manifest are held to it.
pub const MAX_FRAMES: u64 = 100_000;

pub mod keys;
pub mod rate;
pub mod report;
pub mod sink;
pub mod sweep;
pub mod timeline;
pub mod tone;
