//! Thin entry point: parse flags, run, print the error chain once, exit code.

use clap::Parser;

fn main() {
    let args = attractors::cli::Args::parse();
    match attractors::app::run(args) {
        Ok(attractors::app::Outcome::Complete) => {}
        Ok(attractors::app::Outcome::Interrupted) => std::process::exit(130),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::exit(2);
        }
    }
}
