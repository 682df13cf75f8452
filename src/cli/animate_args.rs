//! The flags of `attractors animate`.

use super::render_args::RenderArgs;
use clap::{Args as ClapArgs, ValueEnum};
use std::path::PathBuf;

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct AnimateArgs {
    /// The preset and how each frame renders: NAME, --size, --iters, --palette, --shade, --backend,
    /// --params, --formula, --bounds, --seed ... as for a still render; --frames N is the number
    /// of frames.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Move a value from FROM (first frame) to TO (last): a parameter, x, y, z (the start point)
    /// or zoom (magnification around the centre). Repeatable.
    #[arg(long, value_name = "NAME=FROM:TO", allow_hyphen_values = true, value_parser = crate::animate::timeline::parse_sweep, conflicts_with = "keys")]
    pub sweep: Vec<crate::animate::timeline::Sweep>,
    /// How sweeps move: at constant speed, or slow at both ends (keyframes: their `interp`
    /// column).
    #[arg(long, value_enum, default_value = "linear", conflicts_with = "keys")]
    pub ease: crate::animate::timeline::Ease,
    /// Keyframes: the .atr columns plus `time` (seconds) and optional `interp` (linear|smooth).
    #[arg(long, value_name = "FILE.csv")]
    pub keys: Option<PathBuf>,
    /// Length in seconds (frames = duration x fps + 1); default: --frames, else the last
    /// keyframe's time, else 48 frames.
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub duration: Option<f64>,
    /// Frames per second of the GIF, APNG or video.
    #[arg(long, default_value_t = 24.0, allow_hyphen_values = true)]
    pub fps: f64,
    /// Write numbered frames DIR/frame_00001.png ... (created when missing); frames already
    /// there are kept, so the same command again continues a stopped animation.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write an animated GIF (no external tool).
    #[arg(long, value_name = "FILE.gif")]
    pub gif: Option<PathBuf>,
    /// Write an animated PNG (lossless; no external tool).
    #[arg(long, value_name = "FILE.png")]
    pub apng: Option<PathBuf>,
    /// Write a video (.mp4, .webm, .mkv, .mov) by piping frames to ffmpeg (must be on PATH).
    #[arg(long, value_name = "FILE.mp4")]
    pub video: Option<PathBuf>,
    /// Tone over time: stable (normalised by reference frames, no flicker) or frame (each frame
    /// by its own counts, like a still render).
    #[arg(long, value_enum, default_value = "stable")]
    pub tone: ToneMode,
}

/// How an animation's frames are normalised.
// clap would list a variant's doc comment under the flag's --help; the flag's help describes
// the values, so the variants carry none.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ToneMode {
    Stable,
    Frame,
}
