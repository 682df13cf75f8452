//! Appending presets to an `.atr` file without disturbing a byte of what is there, written
//! atomically through [`crate::output::OutputFile`].

use super::Preset;
use super::atr::{COLUMNS, PALETTE_COLUMN, format_row, parse};
use crate::output::{Kind, OutputFile};

/// Appends `preset` as a new last row of the `.atr` file at `path`; see [`append_presets`].
pub fn append_preset(path: &std::path::Path, preset: &Preset) -> Result<(), String> {
    append_presets(path, std::slice::from_ref(preset), false)
}

/// Appends `presets` as new last rows of the `.atr` file at `path` (created with a header and a
/// palette column when missing and `create` is set). Every existing byte is kept: the new content
/// (old content, a line break if it lacked one, the rows) is checked to parse back to the old
/// presets plus these, then replaces the file atomically. Refuses a duplicate name or an
/// unwritable file with a message.
pub fn append_presets(
    path: &std::path::Path,
    presets: &[Preset],
    create: bool,
) -> Result<(), String> {
    let shown = path.display();
    let (old, existing) = match std::fs::read(path) {
        // A new file: the header alone (which would not parse as a preset file by itself).
        Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => (
            format!("{},{PALETTE_COLUMN}\n", COLUMNS.join(",")).into_bytes(),
            Vec::new(),
        ),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
        Ok(old) => {
            let existing = parse(&old, &shown.to_string()).map_err(|e| e.to_string())?;
            (old, existing)
        }
    };
    for (i, preset) in presets.iter().enumerate() {
        if existing
            .iter()
            .chain(&presets[..i])
            .any(|p| p.name.eq_ignore_ascii_case(&preset.name))
        {
            return Err(format!(
                "{shown} already has a preset named '{}'; choose another name",
                preset.name
            ));
        }
    }
    let text = String::from_utf8_lossy(&old);
    let palette_col = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .is_some_and(|h| h.split(',').count() == COLUMNS.len() + 1);
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut new = old.clone();
    if !new.is_empty() && !new.ends_with(b"\n") {
        new.extend_from_slice(eol.as_bytes());
    }
    for preset in presets {
        new.extend_from_slice(format_row(preset, palette_col).as_bytes());
        new.extend_from_slice(eol.as_bytes());
    }
    let back = parse(&new, &shown.to_string())
        .map_err(|e| format!("the new rows would not read back: {e}"))?;
    if back.len() != existing.len() + presets.len() || back[..existing.len()] != existing[..] {
        return Err(format!(
            "appending to {shown} would change its existing rows; not written"
        ));
    }
    // The same atomic output as every other file: checked, temporary file, rename.
    let not_writable =
        |e: anyhow::Error| format!("{e:#}; save presets to a writable copy given with --config");
    OutputFile::prepare_for(path, Kind::Atr, "--config")
        .map_err(not_writable)?
        .write_bytes(&new)
        .map_err(not_writable)
}
