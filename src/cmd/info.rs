//! `attractors info`: every GPU adapter wgpu sees and the limits that matter; or, with FILE, the
//! recipe a picture carries (as text, `--json`, or `--as-atr` rows for a preset file).

use crate::cli::InfoArgs;
use crate::message::printable;
use crate::recipe::{Document, Recipe};
use anyhow::{Result, anyhow};

pub fn run(i: &InfoArgs) -> Result<()> {
    if let Some(file) = &i.file {
        let doc = crate::recipe::load(file).map_err(|e| anyhow!("{e}"))?;
        let shown = printable(&file.display().to_string());
        return if i.json {
            super::json::print(&doc)
        } else if i.as_atr {
            as_atr(&doc, &shown)
        } else {
            crate::output::stdout::write(describe(&doc, &shown))
        };
    }
    let auto = crate::backend::AutoChoice::for_machine(None);
    if i.json {
        let mut v = crate::gpu::context::info_json();
        v["auto"] = serde_json::json!({ "backend": auto.backend.name(), "why": auto.why });
        return super::json::print(&v);
    }
    let text = crate::gpu::context::info_text();
    crate::output::stdout::write(format!("{text}--backend auto: {}\n", auto.line()))
}

/// The recipes as `.atr` rows (one line each, reading back; a name's control characters are
/// written escaped, and said so).
fn as_atr(doc: &Document, shown: &str) -> Result<()> {
    let mut rows = Vec::new();
    for r in doc.recipes() {
        let row = r
            .atr_row()
            .map_err(|e| anyhow!("{shown}: {}: {e}", printable(&r.name)))?;
        if printable(&r.name) != r.name {
            eprintln!(
                "note: the name '{}' holds control characters; its row has them escaped as shown",
                printable(&r.name)
            );
        }
        rows.push(row);
    }
    crate::output::stdout::write(format!("{}\n", rows.join("\n")))
}

/// The recipe as aligned `field: value` lines, one block per picture; every value echoed with
/// its control characters escaped.
fn describe(doc: &Document, file: &str) -> String {
    let mut s = format!(
        "{file}: written by {} (recipe format {})\n",
        printable(&doc.program),
        doc.format
    );
    let recipes = doc.recipes();
    for (n, r) in recipes.iter().enumerate() {
        if recipes.len() > 1 {
            s.push_str(&format!("\nsheet picture {} of {}\n", n + 1, recipes.len()));
        }
        s.push_str(&block(r));
    }
    if doc.picture.is_some() {
        s.push_str(&format!(
            "\nrender again: attractors --from {file} --png again.png\n"
        ));
    }
    s
}

fn block(r: &Recipe) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        ("name", r.name.clone()),
        (
            "map",
            r.formula.clone().unwrap_or_else(|| r.equation.clone()),
        ),
        ("params", r.params_flag()),
        (
            "start",
            format!("{},{},{}", r.start[0], r.start[1], r.start[2]),
        ),
        (
            "bounds",
            format!(
                "{},{},{},{}",
                r.bounds[0], r.bounds[1], r.bounds[2], r.bounds[3]
            ),
        ),
        ("size", format!("{}x{}", r.size[0], r.size[1])),
        ("points", r.points.to_string()),
        ("seed", r.seed.to_string()),
        ("skip", r.skip.to_string()),
        ("mode", format!("{:?}", r.mode).to_lowercase()),
        ("shade", r.shade.clone()),
        ("palette", r.palette.clone()),
        ("background", r.background.clone()),
        ("depth", format!("{}-bit", r.depth)),
    ];
    if let Some([a, b]) = r.span {
        rows.push(("span", format!("{a},{b}")));
    }
    if r.supersample > 1 {
        rows.push(("supersample", r.supersample.to_string()));
    }
    if let Some(de) = &r.de {
        rows.push(("de", format!("{},{},{}", de.radius, de.min, de.curve)));
    }
    rows.push(("flags", r.command()));
    rows.iter()
        .map(|(k, v)| format!("  {:<11} {}\n", format!("{k}:"), printable(v)))
        .collect()
}
