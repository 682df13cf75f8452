//! The command line: raw clap flags ([`args`]) and the validated configuration built from them
//! ([`config`]), ripgrep's low-level / high-level split.

pub mod args;
pub mod config;
pub mod parse;

pub use args::*;
