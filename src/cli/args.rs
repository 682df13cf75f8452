//! The raw command-line flags (clap) of every command and the parsers of their values. Every
//! parser returns a message that names the input and what was expected. [`super::config`] turns
//! these into a validated job and style.

pub use crate::backend::Backend;
pub use crate::job::Aspect;
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Render strange attractors on the GPU or CPU.
#[derive(Parser, Debug)]
#[command(
    name = "attractors",
    version,
    about,
    args_conflicts_with_subcommands = true,
    after_help = EXIT_CODES
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub render: RenderArgs,
}

/// The exit codes, shown at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes: 0 success; 2 bad input or a failure (one line on stderr says which); 130 interrupted
(Ctrl-C, SIGTERM, SIGHUP: the outputs hold what was done). No other code is used.
`-` as --png/--hist writes to standard output (then every message goes to stderr); `attractors
shade -` reads the counts from standard input.";

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the presets of the .atr file (or the equations, or the palettes).
    List(ListArgs),
    /// Show every GPU adapter wgpu sees and the limits that matter.
    Info(InfoArgs),
    /// Time calculation and rendering from 100 to 1e9 points (or more) per backend; table, CSV, plots.
    Bench(BenchArgs),
    /// Re-colour a saved histogram (.npy, or a checkpoint's .ckpt.json) without re-rendering.
    Shade(ShadeArgs),
    /// Discover new attractors: random parameters screened for chaos and coverage; or --score presets.
    Search(SearchArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout: `attractors man | man -l -`.
    Man,
}

#[derive(ClapArgs, Debug)]
pub struct InfoArgs {
    /// Print the adapters as one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(ClapArgs, Debug)]
pub struct ShadeArgs {
    /// The counts: a 2-D uint32/uint64 .npy (row 0 = top), or a checkpoint's FILE.ckpt.json;
    /// `-` reads a .npy from standard input.
    pub file: PathBuf,
    /// Write the picture as PNG (default: FILE with .png in place of .npy; standard output when
    /// FILE is `-`; `-`: standard output).
    #[arg(long, value_name = "FILE.png")]
    pub png: Option<PathBuf>,
    /// Tone mapping.
    #[arg(long, value_enum, default_value = "eq_hist")]
    pub shade: ShadeArg,
    /// Colormap (default the preset's when a checkpoint names one, else fire).
    #[arg(long, value_name = "NAME")]
    pub palette: Option<String>,
    /// Colour of empty bins: a name or `#rrggbb[aa]`.
    #[arg(long, value_name = "COLOR", default_value = "black")]
    pub background: String,
    /// Fixed normalisation MIN,MAX in counts (datashader's span; not with eq_hist).
    #[arg(long, value_name = "MIN,MAX", value_parser = parse_span)]
    pub span: Option<crate::shade::Span>,
    /// Bits per channel of the PNG: 8, or 16 (tone map kept in float, no 8-bit banding).
    #[arg(long, default_value_t = 8, value_parser = parse_depth)]
    pub depth: u8,
    /// Preset file used to look up a checkpoint's preset palette.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `MIN,MAX` for `--span`.
pub fn parse_span(s: &str) -> Result<crate::shade::Span, String> {
    s.parse()
}

fn parse_depth(s: &str) -> Result<u8, String> {
    match s.trim() {
        "8" => Ok(8),
        "16" => Ok(16),
        _ => Err(format!("depth '{s}': expected 8 or 16")),
    }
}

#[derive(ClapArgs, Debug)]
pub struct SearchArgs {
    /// Equation to search (attractors list --equations shows all).
    #[arg(required_unless_present = "score")]
    pub equation: Option<String>,
    /// Accepted results wanted.
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub count: u32,
    /// Seed of the candidate generator (default: from the clock, printed so the run can be repeated).
    #[arg(long, value_name = "S", value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// Give up after screening this many candidates.
    #[arg(long, value_name = "MAX", default_value = "1M", value_parser = parse_count)]
    pub tries: u64,
    /// Append the results to this .atr file (created when missing) as new rows with unique names.
    #[arg(long, value_name = "FILE.atr")]
    pub atr: Option<PathBuf>,
    /// Draw a contact sheet of the results (thumbnails labelled with name and score) as PNG.
    #[arg(long, value_name = "FILE.png")]
    pub sheet: Option<PathBuf>,
    /// Screen these presets instead of searching (`all` for every preset) and show why each passes
    /// or fails.
    #[arg(long, value_name = "NAME", num_args = 1.., conflicts_with_all = ["equation", "atr", "count", "seed", "tries"])]
    pub score: Vec<String>,
    /// Preset file for --score (default ./attractors.atr, else the built-in copy).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only the table (no summary on stderr).
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the results as one JSON document on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct ListArgs {
    /// Show every built-in equation with its parameters and formula.
    #[arg(long)]
    pub equations: bool,
    /// With --equations: each built-in as a user formula (parameters renamed a..g in order).
    #[arg(long, requires = "equations")]
    pub as_formula: bool,
    /// Show every palette name.
    #[arg(long)]
    pub palettes: bool,
    /// Preset file (default ./attractors.atr, else the built-in copy).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the list as one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct BenchArgs {
    /// Preset to time (default Clifford).
    pub name: Option<String>,
    /// Iteration counts: a range of powers of ten `1e2..1e9`, or a list `1e6,5e6,1e7`.
    #[arg(long, value_name = "RANGE|LIST", default_value = "1e2..1e9", value_parser = parse_iters_arg)]
    pub iters: IterList,
    /// Timed runs per size and backend (after one warm-up that is not counted).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub reps: u32,
    /// Backends to compare: gpu, cpu, cpu-exact.
    #[arg(long, value_name = "LIST", default_value = "gpu,cpu,cpu-exact", value_parser = parse_backends)]
    pub backends: BackendList,
    /// Canvas size.
    #[arg(long, value_name = "WxH", default_value = "1024x1024", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Write every run (and a min/median/mean summary) as CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Draw the plots as PNG (and SVG beside it).
    #[arg(long, value_name = "FILE.png")]
    pub plot: Option<PathBuf>,
    /// Draw the seed notebook's published timings as dashed reference lines (other hardware).
    #[arg(long)]
    pub with_seed_figures: bool,
    /// Skip a size when the previous one predicts more than this many seconds for all reps.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub max_seconds: f64,
    /// Never skip a size for taking too long.
    #[arg(long)]
    pub no_skip: bool,
    /// Transient points skipped at the start of every orbit.
    #[arg(long, value_name = "S", default_value = "1000", value_parser = parse_skip)]
    pub skip: u64,
    /// Preset file (default ./attractors.atr, else the built-in copy).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Pick the GPU adapter whose name contains NAME.
    #[arg(long, value_name = "NAME")]
    pub adapter: Option<String>,
    /// Only the table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary (min/median/mean per size and backend) as one JSON document on stdout
    /// instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Iteration counts of a bench sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct IterList(pub Vec<u64>);

/// `1e2..1e9` (every power of ten from the first to the last), or a list `1e6,5e6,1e7`.
pub fn parse_iters_arg(s: &str) -> Result<IterList, String> {
    let mut v = if let Some((a, b)) = s.split_once("..") {
        let (a, b) = (parse_count(a)?, parse_count(b)?);
        if a > b {
            return Err(format!("iters '{s}': the range must go up, like 1e2..1e9"));
        }
        let mut v = vec![a];
        while let Some(n) = v.last().and_then(|l| l.checked_mul(10)).filter(|&n| n <= b) {
            v.push(n);
        }
        v
    } else {
        s.split(',')
            .map(parse_count)
            .collect::<Result<Vec<u64>, String>>()?
    };
    v.sort_unstable();
    v.dedup();
    Ok(IterList(v))
}

/// Backends of a bench sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendList(pub Vec<Backend>);

/// `gpu,cpu,cpu-exact` (no duplicates; `auto` is not a backend to time).
pub fn parse_backends(s: &str) -> Result<BackendList, String> {
    let mut out = Vec::new();
    for name in s.split(',').map(str::trim) {
        let b = match Backend::from_str(name, true) {
            Ok(Backend::Auto) | Err(_) => {
                return Err(format!(
                    "backends '{s}': '{name}' is not a backend; expected a list of gpu, cpu, cpu-exact"
                ));
            }
            Ok(b) => b,
        };
        if !out.contains(&b) {
            out.push(b);
        }
    }
    Ok(BackendList(out))
}

/// Tone mapping choices (see `shade.rs`).
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ShadeArg {
    #[value(name = "eq_hist")]
    EqHist,
    Log,
    Cbrt,
    Linear,
}

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
    #[arg(long, value_name = "WxH", default_value = "1024x1024", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Points to count: 1e9, 1_000_000, 250M, 2G, 1T ...
    #[arg(long, value_name = "N", default_value = "1e8", value_parser = parse_count)]
    pub iters: u64,
    /// Transient points skipped at the start of every orbit.
    #[arg(long, value_name = "S", default_value = "1000", value_parser = parse_skip)]
    pub skip: u64,
    /// Seed for the start points of the sampled orbits.
    #[arg(long, default_value_t = 0, value_parser = parse_seed)]
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
    /// A user formula instead of a built-in equation: "x' = ...; y' = ..." (see README).
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
    #[arg(long, value_name = "MIN,MAX", value_parser = parse_span)]
    pub span: Option<crate::shade::Span>,
    /// Which renderer accumulates the histogram: the GPU when an adapter exists (auto), or forced.
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: Backend,
    /// Pick the GPU adapter whose name contains NAME (attractors info lists them).
    #[arg(long, value_name = "NAME")]
    pub adapter: Option<String>,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary (points, rate, bounds, warnings, outputs) as one JSON document on stdout
    /// (not with `--png -` or `--hist -`).
    #[arg(long)]
    pub json: bool,
    /// Write a checkpoint every SECONDS of rendering (0: never), and when stopped early.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = parse_checkpoint_secs)]
    pub checkpoint: u64,
    /// Continue the stopped render of this checkpoint (OUTPUT.ckpt.json) to --iters; give the same
    /// flags as the stopped render.
    #[arg(long, value_name = "FILE.ckpt.json")]
    pub resume: Option<PathBuf>,
    /// Window: open with the control panel shown (Tab or F1 toggles it).
    #[arg(long)]
    pub panel: bool,
    /// Window: exit after N presented frames (for tests and demos).
    #[arg(long, value_name = "N", value_parser = parse_frames)]
    pub frames: Option<u64>,
    /// Window: on exit, write the last frame's picture as PNG.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
}

/// `1024x768` -> (1024, 768); each side 1..=65536.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "size '{s}': expected WIDTHxHEIGHT with whole numbers from 1 to 65536, like 1024x1024"
        )
    };
    let (w, h) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let side = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (1..=65536).contains(v))
    };
    Ok((side(w).ok_or_else(bad)?, side(h).ok_or_else(bad)?))
}

/// Largest point count accepted (1e15: about a day at 1e10 points/s).
pub const MAX_COUNT: u64 = 1_000_000_000_000_000;

/// `1e9`, `2.5e6`, `1_000_000`, `250M`, `3k`, `2G`, `1T` -> whole number of points, 1..=1e15.
pub fn parse_count(s: &str) -> Result<u64, String> {
    parse_count_in(s, 1)
}

pub fn parse_skip(s: &str) -> Result<u64, String> {
    parse_count_in(s, 0).map_err(|e| e.replace("from 1", "from 0"))
}

fn parse_count_in(s: &str, min: u64) -> Result<u64, String> {
    let bad = |why: &str| {
        format!(
            "count '{s}': {why}; expected a whole number from {min} to 1e15 like 1e9, 250M or 1_000_000"
        )
    };
    let t = s.trim().replace('_', "");
    let (num, mult) = match t.chars().last() {
        Some(c @ ('k' | 'K' | 'M' | 'G' | 'T')) => (
            &t[..t.len() - 1],
            match c {
                'k' | 'K' => 1e3,
                'M' => 1e6,
                'G' => 1e9,
                _ => 1e12,
            },
        ),
        _ => (&t[..], 1.0),
    };
    if num.is_empty()
        || !num
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+'))
    {
        return Err(bad("not a number"));
    }
    let v = num.parse::<f64>().map_err(|_| bad("not a number"))? * mult;
    if !v.is_finite() || v > MAX_COUNT as f64 {
        return Err(bad("too large"));
    }
    if v.fract() != 0.0 {
        return Err(bad("not a whole number"));
    }
    let v = v as u64;
    if v < min {
        return Err(bad("too small"));
    }
    Ok(v)
}

/// A whole number from `min` to `max` for `flag`, with a message naming the accepted range
/// (clap's own parser says only "invalid digit found in string").
fn parse_whole(s: &str, flag: &str, what: &str, min: u64, max: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(format!(
            "{flag} '{s}': expected {what}, a whole number from {min} to {max}"
        )),
    }
}

/// Longest checkpoint interval: a year (longer is the same as never).
pub const MAX_CHECKPOINT_SECS: u64 = 365 * 24 * 3600;

/// `--checkpoint SECONDS`: 0 (never) to a year.
pub fn parse_checkpoint_secs(s: &str) -> Result<u64, String> {
    parse_whole(
        s,
        "--checkpoint",
        "seconds between checkpoints (0: never)",
        0,
        MAX_CHECKPOINT_SECS,
    )
}

/// `--seed S`: any unsigned 64-bit number.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    parse_whole(s, "--seed", "a seed", 0, u64::MAX)
}

/// `--frames N`: at least one frame.
pub fn parse_frames(s: &str) -> Result<u64, String> {
    parse_whole(s, "--frames", "a number of frames", 1, u64::MAX)
}

fn parse_floats(s: &str, what: &str, n: &[usize]) -> Result<Vec<f64>, String> {
    let vals: Result<Vec<f64>, _> = s.split(',').map(|v| v.trim().parse::<f64>()).collect();
    let expected = match what {
        "bounds" => "xmin,xmax,ymin,ymax like -3,3,-3,3",
        _ => "x,y or x,y,z like -0.5,0",
    };
    match vals {
        Ok(v) if n.contains(&v.len()) && v.iter().all(|x| x.is_finite()) => Ok(v),
        Ok(v) if n.contains(&v.len()) => Err(format!(
            "{what} '{s}': values must be finite; expected {expected}"
        )),
        Ok(v) => Err(format!(
            "{what} '{s}': found {} values; expected {expected}",
            v.len()
        )),
        Err(_) => Err(format!(
            "{what} '{s}': not a list of numbers; expected {expected}"
        )),
    }
}

/// `xmin,xmax,ymin,ymax`, finite, xmin < xmax, ymin < ymax.
pub fn parse_bounds(s: &str) -> Result<[f64; 4], String> {
    let v = parse_floats(s, "bounds", &[4])?;
    crate::histogram::Bounds::new(v[0], v[1], v[2], v[3])
        .map_err(|e| format!("bounds '{s}': {e}"))?;
    Ok([v[0], v[1], v[2], v[3]])
}

/// A start point given on the command line: x, y and optionally z.
#[derive(Clone, Debug, PartialEq)]
pub struct StartPoint(pub Vec<f64>);

/// `x,y` or `x,y,z`.
pub fn parse_start(s: &str) -> Result<StartPoint, String> {
    parse_floats(s, "start", &[2, 3]).map(StartPoint)
}

/// Named parameter overrides: `a=1.5,b=-2` -> [("a", 1.5), ("b", -2.0)].
#[derive(Clone, Debug, PartialEq)]
pub struct ParamList(pub Vec<(String, f64)>);

pub fn parse_params(s: &str) -> Result<ParamList, String> {
    let list = s
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').ok_or_else(|| {
                format!("params '{s}': '{kv}' is not NAME=VALUE; expected a=-1.3,b=-1.3")
            })?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("params '{s}': '{v}' is not a number"))?;
            if !v.is_finite() {
                return Err(format!("params '{s}': {} must be finite", k.trim()));
            }
            Ok((k.trim().to_string(), v))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for (i, (k, _)) in list.iter().enumerate() {
        if list[..i].iter().any(|(j, _)| j == k) {
            return Err(format!(
                "params '{s}': '{k}' is given twice; give each parameter once"
            ));
        }
    }
    Ok(ParamList(list))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Args::command().debug_assert();
    }

    #[test]
    fn counts_in_every_spelling() {
        assert_eq!(parse_count("1e9"), Ok(1_000_000_000));
        assert_eq!(parse_count("1_000_000"), Ok(1_000_000));
        assert_eq!(parse_count("250M"), Ok(250_000_000));
        assert_eq!(parse_count("2.5k"), Ok(2500));
        assert_eq!(parse_count("1T"), Ok(1_000_000_000_000));
        assert!(parse_count("0").unwrap_err().contains("too small"));
        assert!(parse_count("1e30").unwrap_err().contains("too large"));
        assert!(parse_count("-5").unwrap_err().contains("not a number"));
        assert!(
            parse_count("1.5")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(parse_count("nan").is_err());
        assert!(parse_count("inf").is_err());
        assert_eq!(parse_skip("0"), Ok(0));
    }

    #[test]
    fn sizes_bounds_start_params() {
        assert_eq!(parse_size("640x480"), Ok((640, 480)));
        assert!(parse_size("0x10").is_err());
        assert!(parse_size("100").is_err());
        assert!(parse_size("70000x10").is_err());
        assert_eq!(parse_bounds("-3,3,-2.5,2.5"), Ok([-3.0, 3.0, -2.5, 2.5]));
        assert!(
            parse_bounds("3,-3,-2,2")
                .unwrap_err()
                .contains("xmin < xmax")
        );
        assert!(parse_bounds("-3,3,-2,inf").unwrap_err().contains("finite"));
        assert!(
            parse_bounds("1,2,3")
                .unwrap_err()
                .contains("found 3 values")
        );
        assert_eq!(parse_start("-0.5,0"), Ok(StartPoint(vec![-0.5, 0.0])));
        assert!(parse_start("1,2,3,4").is_err());
        assert_eq!(
            parse_params("a=1,b=-2.5"),
            Ok(ParamList(vec![("a".into(), 1.0), ("b".into(), -2.5)]))
        );
        assert!(parse_params("a:1").is_err());
        assert!(parse_params("a=nan").is_err());
        assert!(parse_params("a=1,a=2").unwrap_err().contains("given twice"));
    }

    #[test]
    fn whole_number_flags_name_the_flag_and_range() {
        assert_eq!(parse_checkpoint_secs("0"), Ok(0));
        assert_eq!(
            parse_checkpoint_secs("0.5").unwrap_err(),
            "--checkpoint '0.5': expected seconds between checkpoints (0: never), a whole number from 0 to 31536000"
        );
        assert_eq!(
            parse_seed("-1").unwrap_err(),
            "--seed '-1': expected a seed, a whole number from 0 to 18446744073709551615"
        );
        assert_eq!(
            parse_frames("-1").unwrap_err(),
            "--frames '-1': expected a number of frames, a whole number from 1 to 18446744073709551615"
        );
        assert!(parse_frames("0").is_err());
        assert_eq!(parse_frames("3"), Ok(3));
    }

    #[test]
    fn iteration_lists_and_backends() {
        assert_eq!(
            parse_iters_arg("1e2..1e5"),
            Ok(IterList(vec![100, 1000, 10_000, 100_000]))
        );
        assert_eq!(
            parse_iters_arg("1e6,1e5,1e6"),
            Ok(IterList(vec![100_000, 1_000_000]))
        );
        assert!(parse_iters_arg("1e5..1e2").is_err());
        assert!(parse_iters_arg("1e2..1e40").is_err());
        assert_eq!(
            parse_backends("gpu, cpu,cpu"),
            Ok(BackendList(vec![Backend::Gpu, Backend::Cpu]))
        );
        assert!(
            parse_backends("tpu")
                .unwrap_err()
                .contains("'tpu' is not a backend")
        );
    }

    #[test]
    fn negative_values_work_without_equals() {
        let a = Args::try_parse_from([
            "attractors",
            "--bounds",
            "-3,3,-3,3",
            "--start",
            "-0.5,0",
            "--params",
            "a=-1",
        ])
        .unwrap();
        assert_eq!(a.render.bounds, Some([-3.0, 3.0, -3.0, 3.0]));
        assert_eq!(a.render.start, Some(StartPoint(vec![-0.5, 0.0])));
    }
}
