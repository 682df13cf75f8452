//! `attractors`: strange attractors rendered as point-density images on the GPU and CPU.
//!
//! The library is the product; the command line, the live window and the bench are clients of
//! it. Data flows one way, and the modules are listed in that order:
//!
//! flags ([`cli`]) -> presets and equations ([`attractor`]) -> a validated [`Job`] -> an
//! [`Engine`] chosen by [`Backend`] ([`cpu`], [`gpu`]), driven by [`drive`] -> a [`Histogram`] ->
//! [`shade`] -> [`output`].
//!
//! A whole render in a few lines:
//!
//! ```
//! use attractors::{Backend, Control, Job, Presets, Style, drive, open_engine, shade};
//! let preset = Presets::builtin().get("Clifford").unwrap().clone();
//! let job = Job::builder(preset).size(128, 128).points(200_000).seed(1).build().unwrap();
//! let mut engine = open_engine(Backend::Cpu, None, &job, |_| {}).unwrap();
//! let hist = drive(engine.as_mut(), job.iters, &Control::new(), None).unwrap().hist;
//! assert_eq!(hist.tally.total(), 200_000);
//! let rgba = shade::shade(&hist, &Style::default());
//! assert_eq!(rgba.len(), 128 * 128 * 4);
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("clifford.png");
//! attractors::output::OutputFile::prepare(&path, attractors::output::Kind::Png)
//!     .unwrap()
//!     .write_png(&rgba, 128, 128, &attractors::recipe::Document::picture(
//!         attractors::recipe::Recipe::of(&job, job.iters, &Style::default()),
//!     ).png_text())
//!     .unwrap()
//!     .commit()
//!     .unwrap();
//! assert!(path.is_file());
//! ```

#![warn(missing_docs)]

pub mod animate;
pub mod attractor;
pub mod backend;
pub mod bench;
pub mod checkpoint;
pub mod cli;
pub mod cmd;
pub mod compare;
pub mod cpu;
pub mod css_colors;
pub mod density;
pub mod engine;
pub mod escape;
pub mod gpu;
pub mod histogram;
pub mod input;
pub mod job;
pub mod message;
pub mod npy;
pub mod output;
pub mod palette;
pub mod pilot;
pub mod progress;
pub mod recipe;
pub mod rng;
pub mod sampling;
pub mod search;

pub mod shade;
pub mod shard;
pub mod signals;
pub mod split;
mod suggest;
pub mod testing;
pub mod warnings;
pub mod window;

pub use attractor::{Equation, Preset, Presets};
pub use backend::{Backend, Engines, open_engine};
pub use engine::{Control, Engine, Snapshot, drive, spawn};
pub use histogram::{Bounds, Histogram};
pub use job::{Job, JobBuilder};
pub use shade::Style;
