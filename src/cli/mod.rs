//! The command line: raw clap flags ([`args`]) and the validated configuration built from them
//! ([`config`]), ripgrep's low-level / high-level split.

pub mod animate_args;
pub mod args;
pub mod config;
pub mod merge_args;
pub mod parse;
pub mod render_args;

pub use args::*;

/// Parses the process's arguments like `Args::parse()`, and records which render flags were
/// given (for `--from`, where a given flag overrides the recipe and a default does not).
pub fn parse() -> Args {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Args::command().get_matches();
    let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    args.render.given = given(&matches);
    if let (Some(Command::Animate(a)), Some(m)) =
        (&mut args.command, matches.subcommand_matches("animate"))
    {
        a.render.given = given(m);
    }
    args
}

/// The ids of the arguments `matches` got from the command line.
pub fn given(matches: &clap::ArgMatches) -> Given {
    Given(
        matches
            .ids()
            .filter(|id| {
                matches.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine)
            })
            .map(|id| id.as_str().to_string())
            .collect(),
    )
}
