//! `attractors`: strange attractors rendered as point-density images on the GPU and CPU.
//!
//! Data flow: [`attractor`] (equations, presets, `.atr`) -> [`job::Job`] -> a backend ([`cpu`])
//! fills a [`histogram::Histogram`] -> [`shade`] -> [`output`]. See README.md for the module map.

pub mod app;
pub mod attractor;
pub mod backend;
pub mod bench;
pub mod checkpoint;
pub mod cli;
pub mod compare;
pub mod cpu;
pub mod gpu;
pub mod histogram;
pub mod job;
pub mod memory;
pub mod output;
pub mod pilot;
pub mod render;
pub mod rng;
pub mod search;
pub mod search_cmd;
pub mod shade;
mod suggest;
pub mod window;
