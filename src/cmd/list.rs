//! `attractors list`: the presets of the .atr file, the equations, the palettes or the colours.

use crate::attractor::user::builtin_formula;
use crate::attractor::{Equation, Presets};
use crate::cli::ListArgs;
use crate::cli::config::list_or_none;
use crate::shade::Palette;
use anyhow::Result;
use std::fmt::Write as _;

pub fn run(l: &ListArgs) -> Result<()> {
    if l.json {
        return json(l);
    }
    let mut out = String::new();
    if l.palettes {
        out = Palette::names().join("\n") + "\n";
    } else if l.colors {
        for (name, [r, g, b]) in crate::css_colors::CSS_COLORS {
            let _ = writeln!(out, "{name} #{r:02x}{g:02x}{b:02x}");
        }
    } else if l.equations && l.as_formula {
        for e in Equation::ALL {
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
        }
    } else if l.equations {
        for e in Equation::ALL {
            let _ = writeln!(out, "{} ({})", e.name(), list_or_none(e.params()));
            for line in e.formula_readable().lines() {
                let _ = writeln!(out, "  {}", line.trim());
            }
        }
    } else {
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
    }
    // A closed pipe (`attractors list | head`) is not an error worth a message.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    Ok(())
}

/// A name with control characters escaped, so a preset file cannot drive the terminal.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `list --json`: `{"palettes": [..]}`, `{"colors": [{name, hex}]}`, `{"equations": [{name, params, formula}]}`, or
/// `{"source", "presets": [{name, equation, palette, params, start}]}`.
fn json(l: &ListArgs) -> Result<()> {
    use serde_json::json;
    let doc = if l.palettes {
        json!({ "palettes": Palette::names() })
    } else if l.colors {
        let colors: Vec<_> = crate::css_colors::CSS_COLORS
            .iter()
            .map(|(n, [r, g, b])| json!({ "name": n, "hex": format!("#{r:02x}{g:02x}{b:02x}") }))
            .collect();
        json!({ "colors": colors })
    } else if l.equations {
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
        json!({ "equations": eqs })
    } else {
        let presets = Presets::load(l.config.as_deref())?;
        let all: Vec<super::json::PresetJson> = presets.all().iter().map(Into::into).collect();
        json!({ "source": presets.source.to_string(), "presets": all })
    };
    super::json::print(&doc)
}
