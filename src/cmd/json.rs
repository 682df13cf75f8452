//! `--json`: one JSON document on standard output per run (serde). The field names are documented
//! in the guide's chapter on long renders and files ("JSON output") and checked by `tests/cli_conventions.rs`.

use crate::attractor::Preset;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// Prints `value` as pretty JSON and a newline on standard output.
pub fn print<T: Serialize>(value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("encoding JSON")?;
    text.push('\n');
    crate::output::stdout::write(text)
}

/// A preset: name, equation, palette, parameters by name, start point.
#[derive(Serialize)]
pub struct PresetJson {
    pub name: String,
    pub equation: String,
    pub palette: Option<String>,
    pub params: BTreeMap<String, f64>,
    pub start: Vec<f64>,
    /// The preset's look where its `.atr` row sets it: tone map, background, view bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds: Option<[f64; 4]>,
}

impl From<&Preset> for PresetJson {
    fn from(p: &Preset) -> Self {
        PresetJson {
            name: p.name.clone(),
            equation: p.equation.name().to_string(),
            palette: p.palette.clone(),
            params: p
                .equation
                .params()
                .iter()
                .zip(&p.params)
                .map(|(n, v)| (n.to_string(), *v))
                .collect(),
            start: p.start.to_vec(),
            shade: p.shade.map(|s| s.name().to_string()),
            background: p.background.map(crate::attractor::look::color_text),
            bounds: p.bounds.map(|b| [b.xmin, b.xmax, b.ymin, b.ymax]),
        }
    }
}
