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
    crate::output::stdout::write(&buf)
}

/// `attractors man`: the manual page (roff), or with `markdown` the guide's flag reference.
pub fn man(markdown: bool) -> Result<()> {
    if markdown {
        let page = crate::cli::reference::flags_markdown(&Args::command());
        return crate::output::stdout::write(page.as_bytes());
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(Args::command())
        .render(&mut buf)
        .context("rendering the manual page")?;
    crate::output::stdout::write(&buf)
}

/// One word for a POSIX shell: kept as is when it holds only characters no shell treats
/// specially, else single-quoted (a `'` inside becomes `'\''`).
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=,:+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The words of a command line, quoted for a POSIX shell and joined by spaces.
pub fn shell_line<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| shell_word(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_a_shell_would_split_or_expand_them() {
        assert_eq!(shell_word("--size"), "--size");
        assert_eq!(shell_word("a=-1.3,b=2"), "a=-1.3,b=2");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("x' = y"), r"'x'\'' = y'");
        assert_eq!(shell_word("my file.png"), "'my file.png'");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
        assert_eq!(shell_line(&["a", "b c"]), "a 'b c'");
    }
}
