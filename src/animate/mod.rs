//! Animation: what moves over time ([`timeline`]), a tone mapping that does not flicker
//! ([`tone`]), and the animated outputs ([`sink`]) with the frame rates they hold ([`rate`]). The `animate` command drives them with the
//! same engines as a still render.

pub mod rate;
pub mod sink;
pub mod sweep;
pub mod timeline;
pub mod tone;
