//! The command line: raw clap flags ([`args`]) and the validated configuration built from them
//! ([`config`]), ripgrep's low-level / high-level split.

pub mod animate_args;
pub mod args;
pub mod config;
pub mod from;
pub mod merge_args;
pub mod parse;
pub mod reference;
pub mod render_args;
pub mod scope;

pub use args::*;

/// Validates a render's flags, or its `--from` recipe with the flags given over it, and runs the
/// pilot; no output is touched.
pub fn render_config(r: &RenderArgs) -> anyhow::Result<config::RenderConfig> {
    match &r.from {
        Some(file) => from::render_config_from(r, file),
        None => config::render_config_of_flags(r),
    }
}

/// Parses the process's arguments like `Args::parse()`, and records which render flags were
/// given (for `--from`, where a given flag overrides the recipe and a default does not). A
/// usage error is printed as one line ([`one_line`]) with exit code 2; `--help` and `--version`
/// print as clap does, with exit code 0.
pub fn parse() -> Args {
    use clap::{CommandFactory, FromArgMatches};
    // The subcommand whose help a usage error points to: the first argument, when it names one.
    let command = std::env::args()
        .nth(1)
        .filter(|a| Args::command().find_subcommand(a).is_some());
    let exit = |e: clap::Error| -> ! {
        if e.use_stderr() {
            eprintln!("{}", one_line(&e, command.as_deref()));
            std::process::exit(2);
        }
        // --help and --version: on standard output, whose failure is an error too (clap's
        // `exit` ignores it).
        match e.print() {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("error: {:#}", crate::output::stdout::failed(err));
                std::process::exit(2);
            }
            _ => std::process::exit(e.exit_code()),
        }
    };
    let matches = Args::command()
        .try_get_matches()
        .unwrap_or_else(|e| exit(e));
    let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| exit(e));
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

/// A clap usage error as one line: `error: MESSAGE; see attractors [COMMAND] --help`. clap's
/// message (and its tips, such as a similar flag's name) is kept; its usage block, its pointer to
/// `--help` and its blank lines are not.
pub fn one_line(e: &clap::Error, command: Option<&str>) -> String {
    let help = match command {
        Some(c) => format!("attractors {c} --help"),
        None => "attractors --help".into(),
    };
    format!("error: {}; see {help}", clap_message(e))
}

/// clap's message for a refused flag on one line, without the `error: ` prefix, the usage and
/// the help pointer (what [`one_line`] prints, and what the Python package raises).
pub fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    let (mut in_usage, mut new_paragraph) = (false, true);
    for line in text.lines().map(str::trim) {
        if line.starts_with("For more information") {
            continue;
        } else if line.starts_with("Usage:") {
            in_usage = true;
        } else if line.is_empty() {
            (in_usage, new_paragraph) = (false, true);
        } else if !in_usage {
            let line = line.strip_prefix("error: ").unwrap_or(line);
            match parts.last_mut() {
                // The lines of one paragraph (a list of missing arguments) join with spaces.
                Some(last) if !new_paragraph && !line.starts_with("tip:") => {
                    last.push(' ');
                    last.push_str(line);
                }
                _ => parts.push(line.to_string()),
            }
            new_paragraph = false;
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn error_of(args: &[&str]) -> String {
        let command = args.get(1).filter(|a| !a.starts_with('-')).copied();
        one_line(
            &Args::command().try_get_matches_from(args).unwrap_err(),
            command,
        )
    }

    #[test]
    fn clap_errors_are_one_line_naming_the_help_to_read() {
        let e = error_of(&["attractors", "--iter", "5"]);
        assert!(
            e.starts_with("error: unexpected argument '--iter' found; tip: a similar argument exists: '--iters'"),
            "{e}"
        );
        assert!(e.ends_with("; see attractors --help"), "{e}");
        let e = error_of(&["attractors", "completions"]);
        assert!(
            e.starts_with("error: the following required arguments were not provided: <SHELL>"),
            "{e}"
        );
        assert!(e.ends_with("; see attractors completions --help"), "{e}");
        let e = error_of(&["attractors", "bench", "--reps", "0"]);
        assert!(e.contains("'--reps <REPS>'"), "{e}");
        assert!(e.ends_with("; see attractors bench --help"), "{e}");
        for e in [e, error_of(&["attractors", "--shade", "loog"])] {
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }
}
