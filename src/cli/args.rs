//! The raw command-line flags (clap) of every command; their value parsers are in
//! [`super::parse`]. [`super::config`] turns
//! these into a validated job and style.

pub use super::parse::*;
pub use super::render_args::*;
pub use crate::backend::Backend;
pub use crate::job::Aspect;
use clap::{Args as ClapArgs, Parser, Subcommand};
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
    // Doc comments would become --help text (see `Command` and `RenderArgs`).
    #[allow(missing_docs)]
    #[command(subcommand)]
    pub command: Option<Command>,
    #[allow(missing_docs)]
    #[command(flatten)]
    pub render: RenderArgs,
}

/// The exit codes, shown at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes: 0 success; 2 bad input or a failure (one line on stderr says which); 130 interrupted
(Ctrl-C, SIGTERM, SIGHUP: a render's outputs hold what was done). No other code is used.
`-` as --png/--hist writes to standard output (then every message goes to stderr); `attractors
shade -` reads the counts from standard input.";

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the presets of the .atr file (or the equations, the palettes, the colours: each asked).
    List(ListArgs),
    /// Show every GPU adapter wgpu sees and the limits that matter.
    Info(InfoArgs),
    /// Time calculation and rendering from 100 to 1e9 points (or more) per backend; table, CSV, plots.
    Bench(BenchArgs),
    /// Re-colour a saved histogram (.npy, or a checkpoint's .ckpt.json) without re-rendering.
    Shade(ShadeArgs),
    /// Discover new attractors: random parameters screened for chaos and coverage; or --score presets.
    Search(SearchArgs),
    /// Animate a parameter sweep or keyframes into PNG frames, a GIF, an APNG or a video.
    Animate(Box<super::animate_args::AnimateArgs>),
    /// Sum the .npy counts of the shards of one job (`--shard I/N`) and write the picture.
    Merge(super::merge_args::MergeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout: `attractors man | man -l -`.
    Man,
}

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct InfoArgs {
    /// Print the recipe this picture carries (a PNG, a .npy with its .recipe.json, a checkpoint)
    /// instead of the adapters.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// With FILE: print the recipe as .atr rows (with a palette column) to paste into a preset file.
    #[arg(long, requires = "file", conflicts_with = "json")]
    pub as_atr: bool,
    /// Print the adapters (or FILE's recipe) as one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct ShadeArgs {
    /// The counts: a 2-D uint32/uint64 .npy (row 0 = top), or a checkpoint's FILE.ckpt.json;
    /// `-` reads a .npy from standard input.
    pub file: PathBuf,
    /// Write the picture as PNG (default: FILE with .png in place of .npy, never over an existing
    /// file; standard output when FILE is `-`; `-`: standard output).
    #[arg(long, value_name = "FILE.png")]
    pub png: Option<PathBuf>,
    /// Tone mapping [default: the recipe's beside FILE, else eq_hist].
    #[arg(long, value_enum)]
    pub shade: Option<ShadeArg>,
    /// Colormap [default: the recipe's beside FILE, else the preset's a checkpoint names, else
    /// fire].
    #[arg(long, value_name = "NAME")]
    pub palette: Option<String>,
    /// Colour of empty bins: a name or `#rrggbb[aa]` [default: the recipe's, else black].
    #[arg(long, value_name = "COLOR")]
    pub background: Option<String>,
    /// Fixed normalisation MIN,MAX in counts (datashader's span; not with eq_hist) [default: the
    /// recipe's].
    #[arg(long, value_name = "MIN,MAX", allow_hyphen_values = true, value_parser = parse_span)]
    pub span: Option<crate::shade::Span>,
    /// Bits per channel of the PNG: 8, or 16 (tone map kept in float, no 8-bit banding)
    /// [default: the recipe's, else 8].
    #[arg(long, allow_hyphen_values = true, value_parser = parse_depth)]
    pub depth: Option<u8>,
    /// Preset file used to look up a checkpoint's preset palette.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// No summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct SearchArgs {
    /// Equation to search (attractors list --equations shows all).
    #[arg(required_unless_present_any = ["score", "formula"])]
    pub equation: Option<String>,
    /// Search a user formula instead of a built-in equation (`x' = ...; y' = ...`); each parameter
    /// it uses is drawn from -2..2 unless --range says otherwise.
    #[arg(long, value_name = "TEXT", conflicts_with = "equation")]
    pub formula: Option<String>,
    /// Parameter ranges to draw from, replacing the defaults: `a=-3:3,d=0.5:1`.
    #[arg(long, value_name = "NAME=LO:HI,..", value_parser = parse_ranges)]
    pub range: Option<RangeList>,
    /// Accepted results wanted.
    #[arg(long, value_name = "N", default_value_t = 12, allow_hyphen_values = true, value_parser = parse_results)]
    pub count: u32,
    /// Seed of the candidate generator (default: from the clock, printed so the run can be repeated).
    #[arg(long, value_name = "S", allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// Give up after screening this many candidates.
    #[arg(long, value_name = "MAX", default_value = "1M", allow_hyphen_values = true, value_parser = parse_count)]
    pub tries: u64,
    /// Append the results to this .atr file (created when missing) as new rows with unique names.
    #[arg(long, value_name = "FILE.atr")]
    pub atr: Option<PathBuf>,
    /// Draw a contact sheet of the results (thumbnails labelled with name and score) as PNG.
    #[arg(long, value_name = "FILE.png")]
    pub sheet: Option<PathBuf>,
    /// Screen these presets instead of searching (`all` for every preset) and show why each passes
    /// or fails.
    #[arg(long, value_name = "NAME", num_args = 1.., conflicts_with_all = ["equation", "formula", "range", "atr", "count", "seed", "tries"])]
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

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
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
    /// Show every colour name `--background` accepts (the CSS named colours) with its value.
    #[arg(long)]
    pub colors: bool,
    /// Preset file of the presets list (default ./attractors.atr, else the built-in copy).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["equations", "palettes", "colors"])]
    pub config: Option<PathBuf>,
    /// Print the list as one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
}

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct BenchArgs {
    /// Preset to time (default Clifford).
    pub name: Option<String>,
    /// Iteration counts: a range of powers of ten `1e2..1e9`, or a list `1e6,5e6,1e7`.
    #[arg(long, value_name = "RANGE|LIST", default_value = "1e2..1e9", allow_hyphen_values = true, value_parser = parse_iters_arg)]
    pub iters: IterList,
    /// Timed runs per size and backend (after one warm-up that is not counted).
    #[arg(long, default_value_t = 3, allow_hyphen_values = true, value_parser = parse_reps)]
    pub reps: u32,
    /// Backends to compare: gpu, cpu, cpu-exact.
    #[arg(long, value_name = "LIST", default_value = "gpu,cpu,cpu-exact", value_parser = parse_backends)]
    pub backends: BackendList,
    /// Canvas size.
    #[arg(long, value_name = "WxH", default_value = "1024x1024", allow_hyphen_values = true, value_parser = parse_size)]
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
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60.0,
        allow_hyphen_values = true
    )]
    pub max_seconds: f64,
    /// Never skip a size for taking too long.
    #[arg(long, conflicts_with = "max_seconds")]
    pub no_skip: bool,
    /// Transient points skipped: by the --exact orbit, and by the pilot orbits whose points seed
    /// the sampled orbits (which then skip only a 32-step decorrelation).
    #[arg(long, value_name = "S", default_value = "1000", allow_hyphen_values = true, value_parser = parse_skip)]
    pub skip: u64,
    /// Preset file (default ./attractors.atr, else the built-in copy).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Pick the GPU adapter whose name contains NAME.
    #[arg(long, value_name = "NAME", value_parser = parse_adapter)]
    pub adapter: Option<String>,
    /// Only the table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary (min/median/mean per size and backend) as one JSON document on stdout
    /// instead of the table.
    #[arg(long)]
    pub json: bool,
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
        assert!(parse_count("-5").unwrap_err().contains("too small"));
        assert!(parse_skip("-1").unwrap_err().contains("too small"));
        // A suffix scales any number, a negative exponent's included.
        assert_eq!(parse_count("1e-3G"), Ok(1_000_000));
        assert_eq!(parse_count("1e5k"), Ok(100_000_000));
        assert!(
            parse_skip("1e-3")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(parse_count("1-3").unwrap_err().contains("not a number"));
        assert!(
            parse_count("1.5")
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(parse_count("nan").is_err());
        assert!(parse_count("inf").is_err());
        assert_eq!(parse_skip("0"), Ok(0));
        // Small counts take the same spellings, with their own range in the message.
        assert_eq!(parse_reps("1e1"), Ok(10));
        assert_eq!(parse_results("2k"), Ok(2000));
        assert!(parse_reps("1e9").unwrap_err().contains("from 1 to 1000"));
        assert!(parse_results("0").unwrap_err().contains("from 1 to 10000"));
        // Values beyond the type are "too large" or out of range, not "not a whole number".
        let span = "0,1e20".parse::<crate::shade::Span>().unwrap_err();
        assert!(span.contains("too large"), "{span}");
        assert_eq!(
            "0,18446744073709551615"
                .parse::<crate::shade::Span>()
                .map(|s| s.max),
            Ok(u64::MAX)
        );
        let shard = crate::shard::Shard::parse("0/4294967296").unwrap_err();
        assert!(shard.contains("the shard count must be"), "{shard}");
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
            "--seed '-1': expected a seed, a whole number from 0 to 2^64 - 1"
        );
        assert_eq!(
            parse_frames("-1").unwrap_err(),
            "--frames '-1': expected a number of frames, a whole number from 1 to 100000"
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
            parse_iters_arg("1e6,1e5"),
            Ok(IterList(vec![100_000, 1_000_000]))
        );
        // The end of a range is included; a duplicate is refused, not dropped.
        assert_eq!(
            parse_iters_arg("1e2..5e3"),
            Ok(IterList(vec![100, 1000, 5000]))
        );
        assert_eq!(parse_iters_arg("150..150"), Ok(IterList(vec![150])));
        assert!(
            parse_iters_arg("1e2,1e2")
                .unwrap_err()
                .contains("iters '1e2,1e2': 1e2 is given twice")
        );
        assert!(parse_iters_arg("1e5..1e2").is_err());
        assert!(parse_iters_arg("1e2..1e40").is_err());
        assert_eq!(
            parse_backends("gpu, cpu"),
            Ok(BackendList(vec![Backend::Gpu, Backend::Cpu]))
        );
        assert!(
            parse_backends("gpu, cpu,cpu")
                .unwrap_err()
                .contains("'cpu' is given twice")
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
