//! `attractors completions SHELL` and `attractors man`: generated from the clap definition.
//!
//! Completion scripts are static, so the values a shell offers are fixed when the script is made:
//! the command used for generation (never for parsing) lists the built-in preset names and the
//! palette names as possible values of `NAME` and `--palette`.

use crate::attractor::Presets;
use crate::cli::Args;
use crate::shade::Palette;
use anyhow::{Context, Result};
use clap::CommandFactory;
use clap::builder::PossibleValuesParser;
use std::io::Write;

/// The clap command with preset and palette names as value hints (for scripts only).
pub fn command_with_hints() -> clap::Command {
    // The command lives until the process ends; its strings may too (clap wants 'static ones).
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let presets: Vec<&'static str> = Presets::builtin()
        .all()
        .iter()
        .map(|p| leak(p.name.clone()))
        .collect();
    let palettes: Vec<&'static str> = Palette::names().into_iter().map(leak).collect();
    let hint = |cmd: clap::Command| {
        let has = |id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
        let (name, palette) = (has("name"), has("palette"));
        let mut cmd = cmd;
        if name {
            let v = presets.clone();
            cmd = cmd.mut_arg("name", |a| a.value_parser(PossibleValuesParser::new(v)));
        }
        if palette {
            let v = palettes.clone();
            cmd = cmd.mut_arg("palette", |a| a.value_parser(PossibleValuesParser::new(v)));
        }
        cmd
    };
    let mut cmd = hint(Args::command());
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(sub, hint);
    }
    cmd
}

pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = command_with_hints();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "attractors", &mut buf);
    write_stdout(&buf)
}

pub fn man() -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Args::command())
        .render(&mut buf)
        .context("rendering the manual page")?;
    write_stdout(&buf)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        // A closed pipe (`attractors man | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("writing to standard output"),
    }
}
