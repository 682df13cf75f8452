//! The user guide's flag reference (`docs/guide/src/reference/flags.md`), rendered as Markdown
//! from the clap definition, as `attractors man` renders the manual page: the page cannot drift
//! from the flags. `attractors man --markdown` prints it; a test compares it with the checked-in
//! page.

use clap::{Arg, Command};
use std::fmt::Write;

/// The whole page: the top-level command, then every subcommand, each with its usage and flags.
pub fn flags_markdown(root: &Command) -> String {
    let mut root = root.clone();
    root.build();
    let mut page = String::from(
        "# Every flag\n\n\
         <!-- Generated from the command-line definition: do not edit. Regenerate with\n     \
         `cargo run --release -- man --markdown > docs/guide/src/reference/flags.md`. -->\n\n\
         Every command and flag of `attractors`, generated from the same definition that parses\n\
         them (as `attractors --help` and `attractors man` are). The task chapters explain what the\n\
         flags are for; `-h` shows a command's short help and `--help` the long one.\n",
    );
    let name = root.get_name().to_string();
    write_command(&mut page, &root, &name);
    // clap's own `help` subcommand is left out, as its `--help` flags are.
    let subs = root.get_subcommands();
    for sub in subs.filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        let path = format!("{name} {}", sub.get_name());
        write_command(&mut page, sub, &path);
    }
    page
}

/// One command's section: heading, description, usage, then its arguments.
fn write_command(page: &mut String, cmd: &Command, path: &str) {
    let _ = write!(page, "\n## `{path}`\n\n");
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = write!(page, "{}\n\n", prose(about.to_string().trim_end()));
    }
    let mut cmd = cmd.clone();
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim_start_matches("Usage:").trim();
    let usage = if usage.starts_with(path) {
        usage.to_string()
    } else {
        usage.replacen(cmd.get_name(), path, 1)
    };
    let _ = write!(page, "```text\n{usage}\n```\n");
    let shown = |a: &&Arg| !a.is_hide_set() && !matches!(a.get_id().as_str(), "help" | "version");
    let positionals: Vec<&Arg> = cmd.get_positionals().filter(shown).collect();
    let options: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_positional())
        .filter(shown)
        .collect();
    write_args(page, "Arguments", &positionals);
    write_args(page, "Flags", &options);
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        let _ = write!(page, "\n{}\n", prose(after.to_string().trim_end()));
    }
}

fn write_args(page: &mut String, title: &str, args: &[&Arg]) {
    if args.is_empty() {
        return;
    }
    let _ = write!(page, "\n{title}:\n\n");
    for arg in args {
        let _ = writeln!(page, "- {}", arg_line(arg));
    }
}

/// One argument as a list item: its spelling, its value, its default and choices, its help.
fn arg_line(arg: &Arg) -> String {
    let mut line = format!("`{}`", spelling(arg));
    // A switch's implicit `false` is no default worth showing.
    let switch = !arg.get_action().takes_values();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty() && (v != "false" || !switch))
        .collect();
    if !defaults.is_empty() {
        let _ = write!(line, " (default `{}`)", defaults.join(","));
    }
    let help = arg.get_long_help().or(arg.get_help());
    if let Some(help) = help {
        // Continuation lines are indented so they stay in the list item.
        let text = prose(help.to_string().trim_end()).replace('\n', "\n  ");
        let _ = write!(line, ": {text}");
    }
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    if !choices.is_empty() && arg.get_action().takes_values() {
        let _ = write!(line, "\n  One of {}.", choices.join(", "));
    }
    line
}

/// Help text as Markdown prose: outside `code spans`, `<` and `*` are escaped, so that
/// `<FILE>` is not taken for HTML nor `a*y + c*x` for emphasis.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for ch in text.chars() {
        match ch {
            '`' => in_code = !in_code,
            '<' if !in_code => {
                out.push_str("&lt;");
                continue;
            }
            '*' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(ch);
    }
    out
}

/// How the argument is typed: `-q, --quiet`, `--size <WxH>`, `<NAME>`.
fn spelling(arg: &Arg) -> String {
    let values = value_names(arg);
    if arg.is_positional() {
        let name = values.unwrap_or_else(|| format!("<{}>", arg.get_id().as_str().to_uppercase()));
        let many = matches!(arg.get_num_args(), Some(r) if r.max_values() > 1);
        return if many { format!("{name}...") } else { name };
    }
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    let mut text = names.join(", ");
    if let Some(values) = values {
        let _ = write!(text, " {values}");
    }
    text
}

/// `<V>` for an argument that takes a value (its value name, else its id), `None` for a switch.
fn value_names(arg: &Arg) -> Option<String> {
    if !arg.get_action().takes_values() {
        return None;
    }
    let names: Vec<String> = match arg.get_value_names() {
        Some(names) => names.iter().map(|n| format!("<{n}>")).collect(),
        None => vec![format!("<{}>", arg.get_id().as_str().to_uppercase())],
    };
    Some(names.join(" "))
}
