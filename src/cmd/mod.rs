//! One file per command; each turns its flags into a configuration and runs it through the
//! library. `main.rs` calls [`run`].

mod animate;
mod animate_dir;
mod animate_drive;
mod animate_files;
mod animate_plan;
mod bench;
mod info;
mod json;
mod list;
mod merge;
mod render;
mod render_files;
mod render_out;
pub mod search;
pub mod search_table;
mod shade;
mod shade_input;
mod shell;
mod window;

use crate::cli::{Args, Command};
use anyhow::Result;

/// How a run ended, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Ran to the end.
    Complete,
    /// Stopped early (Ctrl-C, SIGTERM, SIGHUP); what was accumulated was written.
    Interrupted,
}

/// Runs the command the flags name.
pub fn run(args: Args) -> Result<Outcome> {
    crate::signals::install();
    match args.command {
        Some(Command::List(l)) => list::run(&l).map(|_| Outcome::Complete),
        Some(Command::Bench(b)) => bench::run(&b).map(|_| Outcome::Complete),
        Some(Command::Info(i)) => info::run(&i).map(|_| Outcome::Complete),
        Some(Command::Completions(c)) => shell::completions(c.shell).map(|_| Outcome::Complete),
        Some(Command::Man(m)) => shell::man(m.markdown).map(|_| Outcome::Complete),
        Some(Command::Shade(s)) => shade::run(&s).map(|_| Outcome::Complete),
        Some(Command::Search(s)) => search::run(&s).map(|_| Outcome::Complete),
        Some(Command::Animate(a)) => animate::run(&a),
        Some(Command::Merge(m)) => merge::run(&m).map(|_| Outcome::Complete),
        None if args.render.png.is_none()
            && args.render.hist.is_none()
            && args.render.exr.is_none() =>
        {
            window::run(&args.render).map(|_| Outcome::Complete)
        }
        None => render::run(&args.render),
    }
}
