//! `attractors list`: the presets of the .atr file, the equations, the palettes or the colours.

use crate::attractor::user::builtin_formula;
use crate::attractor::{Equation, Presets};
use crate::cli::ListArgs;
use crate::cli::config::list_or_none;
use crate::message::printable;
use crate::shade::Palette;
use anyhow::Result;
use std::fmt::Write as _;

pub fn run(l: &ListArgs) -> Result<()> {
    if l.json {
        return json(l);
    }
    // Each list asked for, in a fixed order; the presets when none is.
    let sections: Vec<String> = [
        l.equations.then(|| equations(l.as_formula)),
        l.palettes.then(|| Palette::names().join("\n") + "\n"),
        l.colors.then(colors),
    ]
    .into_iter()
    .flatten()
    .collect();
    let out = match sections.len() {
        0 => presets(l)?,
        1 => sections.concat(),
        // Several: each under a comment line naming it, a blank line between them.
        _ => [
            (l.equations, "# equations"),
            (l.palettes, "# palettes"),
            (l.colors, "# colors"),
        ]
        .iter()
        .filter(|(asked, _)| *asked)
        .zip(&sections)
        .map(|((_, title), body)| format!("{title}\n{body}"))
        .collect::<Vec<_>>()
        .join("\n"),
    };
    crate::output::stdout::write(out)
}

/// Every CSS colour name with its value.
fn colors() -> String {
    let mut out = String::new();
    for (name, [r, g, b]) in crate::css_colors::CSS_COLORS {
        let _ = writeln!(out, "{name} #{r:02x}{g:02x}{b:02x}");
    }
    out
}

/// Every built-in equation with its parameters and formula (or as a user formula).
fn equations(as_formula: bool) -> String {
    let mut out = String::new();
    for e in Equation::ALL {
        if as_formula {
            match builtin_formula(*e) {
                Some(text) => {
                    let _ = writeln!(out, "{}: {text}", e.name());
                }
                None => {
                    let _ = writeln!(
                        out,
                        "# {}: no user formula (it loops over its degree)",
                        e.name()
                    );
                }
            }
        } else {
            let _ = writeln!(out, "{} ({})", e.name(), list_or_none(e.params()));
            for line in e.formula_readable().lines() {
                let _ = writeln!(out, "  {}", line.trim());
            }
        }
    }
    out
}

/// The presets of the preset file, one a line.
fn presets(l: &ListArgs) -> Result<String> {
    let mut out = String::new();
    let presets = Presets::load(l.config.as_deref())?;
    let _ = writeln!(
        out,
        "# {}: {} presets",
        printable(&presets.source),
        presets.all().len()
    );
    let _ = writeln!(
        out,
        "{:<22} {:<15} {:<10} parameters",
        "name", "equation", "palette"
    );
    for p in presets.all() {
        let described = p.describe_params();
        let params: Vec<&str> = described
            .split_once(' ')
            .map_or(vec![], |(_, rest)| rest.split(", ").collect());
        let _ = writeln!(
            out,
            "{:<22} {:<15} {:<10} {}",
            printable(&p.name),
            p.map_name(),
            p.palette.as_deref().map_or("-".into(), printable),
            params.join(" ")
        );
    }
    Ok(out)
}

/// `list --json`: one document with a key per list asked for, `"equations": [{name, params,
/// formula}]`, `"palettes": [..]`, `"colors": [{name, hex}]`; or `{"source", "presets": [{name,
/// equation, palette, params, start}]}` when none is.
fn json(l: &ListArgs) -> Result<()> {
    use serde_json::{Map, Value, json};
    let mut doc = Map::new();
    if l.equations {
        let eqs: Vec<_> = Equation::ALL
            .iter()
            .map(|e| {
                json!({
                    "name": e.name(),
                    "params": e.params(),
                    "formula": e.formula_readable().lines().map(str::trim).collect::<Vec<_>>().join("\n"),
                })
            })
            .collect();
        doc.insert("equations".into(), json!(eqs));
    }
    if l.palettes {
        doc.insert("palettes".into(), json!(Palette::names()));
    }
    if l.colors {
        let colors: Vec<_> = crate::css_colors::CSS_COLORS
            .iter()
            .map(|(n, [r, g, b])| json!({ "name": n, "hex": format!("#{r:02x}{g:02x}{b:02x}") }))
            .collect();
        doc.insert("colors".into(), json!(colors));
    }
    if doc.is_empty() {
        let presets = Presets::load(l.config.as_deref())?;
        let all: Vec<super::json::PresetJson> = presets.all().iter().map(Into::into).collect();
        doc.insert("source".into(), json!(presets.source.to_string()));
        doc.insert("presets".into(), json!(all));
    }
    super::json::print(&Value::Object(doc))
}
