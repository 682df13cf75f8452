//! The flags of a render (a still picture, and each frame of an animation).

use super::parse::*;
use crate::backend::Backend;
use crate::job::Aspect;
use clap::{Args as ClapArgs, ValueEnum};
use std::path::PathBuf;

/// Tone mapping choices (see `shade.rs`).
// clap would list a variant's doc comment under the flag's --help; the flag's help describes
// the values, so the variants carry none.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ShadeArg {
    #[value(name = "eq_hist")]
    EqHist,
    Log,
    Cbrt,
    Linear,
}

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct RenderArgs {
    /// Preset to render (case-insensitive; default Clifford).
    pub name: Option<String>,
    /// Write the picture as PNG (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Write the raw counts as NumPy .npy, uint32 or uint64 when a bin exceeds u32 (`-`: stdout).
    #[arg(long, value_name = "FILE.npy")]
    pub hist: Option<PathBuf>,
    /// Preset file (default ./attractors.atr, else the built-in copy).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Canvas size in pixels.
    #[arg(long, value_name = "WxH", default_value = "1024x1024", allow_hyphen_values = true, value_parser = parse_size)]
    pub size: (u32, u32),
    /// Points to count: 1e9, 1_000_000, 250M, 2G, 1T ...
    #[arg(long, value_name = "N", default_value = "1e8", allow_hyphen_values = true, value_parser = parse_count)]
    pub iters: u64,
    /// Transient points skipped: by the --exact orbit, and by the pilot orbits whose points seed
    /// the sampled orbits (which then skip only a 32-step decorrelation).
    #[arg(long, value_name = "S", default_value = "1000", allow_hyphen_values = true, value_parser = parse_skip)]
    pub skip: u64,
    /// Seed for the start points of the sampled orbits.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: u64,
    /// CPU float64 single orbit, bit-exact with datashader (slower, one core).
    #[arg(long)]
    pub exact: bool,
    /// Plot bounds xmin,xmax,ymin,ymax (default: automatic from a pilot orbit).
    #[arg(long, value_name = "XMIN,XMAX,YMIN,YMAX", allow_hyphen_values = true, value_parser = parse_bounds)]
    pub bounds: Option<[f64; 4]>,
    /// Aspect ratio of automatic bounds.
    #[arg(long, value_enum, default_value = "equal")]
    pub aspect: Aspect,
    /// Override the equation.
    #[arg(long, value_name = "NAME")]
    pub equation: Option<String>,
    /// A user formula instead of a built-in equation: "x' = ...; y' = ..." (see the guide, "Formulas").
    #[arg(
        long,
        value_name = "TEXT",
        allow_hyphen_values = true,
        conflicts_with = "equation"
    )]
    pub formula: Option<String>,
    /// Override the start point.
    #[arg(long, value_name = "X,Y[,Z]", allow_hyphen_values = true, value_parser = parse_start)]
    pub start: Option<StartPoint>,
    /// Override parameters by name: a=-1.3,b=-1.3
    #[arg(long, value_name = "a=..,b=..", allow_hyphen_values = true, value_parser = parse_params)]
    pub params: Option<ParamList>,
    /// Tone mapping.
    #[arg(long, value_enum, default_value = "eq_hist")]
    pub shade: ShadeArg,
    /// Colormap (colorcet/matplotlib name, NAME_r reversed; default the preset's, else fire).
    #[arg(long, value_name = "NAME")]
    pub palette: Option<String>,
    /// Colour of empty bins: a name or `#rrggbb[aa]`.
    #[arg(long, value_name = "COLOR", default_value = "black")]
    pub background: String,
    /// Fixed normalisation MIN,MAX in counts (datashader's span; not with eq_hist).
    #[arg(long, value_name = "MIN,MAX", allow_hyphen_values = true, value_parser = parse_span)]
    pub span: Option<crate::shade::Span>,
    /// Which renderer accumulates the histogram: the GPU when an adapter exists (auto), or forced.
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: Backend,
    /// Pick the GPU adapter whose name contains NAME (attractors info lists them).
    #[arg(long, value_name = "NAME", value_parser = parse_adapter)]
    pub adapter: Option<String>,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary (points, rate, bounds, warnings, outputs) as one JSON document on stdout
    /// (not with `--png -` or `--hist -`).
    #[arg(long)]
    pub json: bool,
    /// Write a checkpoint every SECONDS of rendering (0: never), and when stopped early.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, allow_hyphen_values = true, value_parser = parse_checkpoint_secs)]
    pub checkpoint: u64,
    /// Continue the stopped render of this checkpoint (OUTPUT.ckpt.json) to --iters; give the same
    /// flags as the stopped render.
    #[arg(long, value_name = "FILE.ckpt.json")]
    pub resume: Option<PathBuf>,
    /// Render only shard I of N (0-based) of the job's orbits, for `attractors merge`; needs
    /// --hist FILE.npy (its recipe sidecar records the shard).
    #[arg(long, value_name = "I/N", allow_hyphen_values = true, value_parser = crate::shard::Shard::parse)]
    pub shard: Option<crate::shard::Shard>,
    /// Window: open with the control panel shown (Tab or F1 toggles it).
    #[arg(long)]
    pub panel: bool,
    /// Window: exit after N presented frames (for tests and demos); animate: the number of frames.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_frames)]
    pub frames: Option<u64>,
    /// Window: on exit, write the last frame's picture as PNG.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
    /// Render the recipe FILE carries (a PNG this program wrote, a .npy with its .recipe.json, a
    /// checkpoint's .ckpt.json); every flag given overrides it (`--from old.png --size 8192x8192`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["name", "config"])]
    pub from: Option<PathBuf>,
    /// Bits per channel of the PNG: 8, or 16 (tone map kept in float, no 8-bit banding).
    #[arg(long, default_value_t = 8, allow_hyphen_values = true, value_parser = parse_depth)]
    pub depth: u8,
    /// Write the density as 32-bit float OpenEXR: channels `count` (counts per pixel, after --de
    /// and --supersample) and `level` (the tone-mapped level, 0..1); the recipe in the header.
    #[arg(long, value_name = "FILE.exr")]
    pub exr: Option<PathBuf>,
    /// Accumulate at N times the width and height, then sum N x N blocks (box filter) before
    /// tone mapping; N from 1 to 4.
    #[arg(long, value_name = "N", default_value_t = 1, allow_hyphen_values = true, value_parser = parse_supersample)]
    pub supersample: u32,
    /// Density estimation (flam3's): blur each bin over max(MIN, RADIUS / count^CURVE) pixels
    /// before tone mapping; MIN defaults to 0, CURVE to 0.4 (`--de 9`).
    #[arg(long, value_name = "RADIUS[,MIN[,CURVE]]", allow_hyphen_values = true, value_parser = crate::density::parse_de)]
    pub de: Option<crate::density::De>,
    /// The flags the command line gave (set by [`crate::cli::parse`]): what overrides `--from`.
    #[arg(skip)]
    pub given: Given,
}

/// The ids of the flags given on the command line (not defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Given(pub Vec<String>);

impl Given {
    /// Whether the flag with this id (`size`, `iters`, ...) was given.
    pub fn has(&self, id: &str) -> bool {
        self.0.iter().any(|g| g == id)
    }
}
