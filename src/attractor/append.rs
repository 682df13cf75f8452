//! Appending presets to an `.atr` file without disturbing a byte of what is there, written
//! atomically through [`crate::output::OutputFile`].

use super::Preset;
use super::atr::{COLUMNS, format_row_in, parse, parse_appendable};
use super::look::{Layout, read_header};
use crate::output::{Kind, OutputFile, Staged};

/// Appends `preset` as a new last row of the `.atr` file at `path`; see [`append_presets`].
pub fn append_preset(path: &std::path::Path, preset: &Preset) -> Result<(), String> {
    append_presets(path, std::slice::from_ref(preset), false, "--config")
}

/// Appends `presets` as new last rows of the `.atr` file at `path` (created with a header, a
/// palette column and the look columns the presets set, when missing and `create` is set). Every
/// existing byte is kept, except that a header lacking an optional column a new row sets (its
/// shade, background or bounds, say) gains it at its end: the existing rows, shorter than the
/// header then, leave it unset. The new content (old content, a line break if it lacked one, the
/// rows) is checked to parse back to the old presets plus these, then replaces the file
/// atomically. Refuses a duplicate name or an unwritable file with a message that names `flag`,
/// the flag that gave the path.
pub fn append_presets(
    path: &std::path::Path,
    presets: &[Preset],
    create: bool,
    flag: &str,
) -> Result<(), String> {
    stage_presets(path, presets, create, flag)?
        .commit()
        .map_err(|e| format!("{e:#}; save presets to a writable copy given with {flag}"))
}

/// [`append_presets`], written to the temporary file but not yet in place: for a command that
/// commits it with its other outputs. `flag` names the file in messages.
pub fn stage_presets(
    path: &std::path::Path,
    presets: &[Preset],
    create: bool,
    flag: &str,
) -> Result<Staged, String> {
    Appending::open(path, create, flag)?.stage(presets)
}

/// A preset file locked for an append, and what it holds, read under the lock
/// ([`OutputFile::prepare_append`]: another append to it is waited for). The lock is held until
/// the result is in place, so appends that run at once all land, one after another: a command
/// decides what to append from [`Appending::existing`], the file as it is now.
pub struct Appending {
    out: OutputFile,
    path: std::path::PathBuf,
    flag: String,
    old: Vec<u8>,
    existing: Vec<Preset>,
}

impl Appending {
    /// Locks the `.atr` file at `path` and reads it (when missing and `create` is set: a new
    /// file, a header alone).
    pub fn open(path: &std::path::Path, create: bool, flag: &str) -> Result<Appending, String> {
        let out = OutputFile::prepare_append(path, Kind::Atr, flag)
            .map_err(|e| format!("{e:#}; save presets to a writable copy given with {flag}"))?;
        let (old, existing) = read_existing(path, create, flag)?;
        Ok(Appending {
            out,
            path: path.to_path_buf(),
            flag: flag.to_string(),
            old,
            existing,
        })
    }

    /// The presets the file holds now.
    pub fn existing(&self) -> &[Preset] {
        &self.existing
    }

    /// Writes the file with `presets` as new last rows to the temporary file (not yet in place).
    pub fn stage(self, presets: &[Preset]) -> Result<Staged, String> {
        let new = appended(&self.path, self.old, &self.existing, presets)?;
        let flag = self.flag;
        self.out
            .write_bytes(&new)
            .map_err(|e| format!("{e:#}; save presets to a writable copy given with {flag}"))
    }
}

/// `old` (the bytes of the `.atr` file at `path`, holding `existing`) with `presets` appended,
/// checked to read back.
fn appended(
    path: &std::path::Path,
    old: Vec<u8>,
    existing: &[Preset],
    presets: &[Preset],
) -> Result<Vec<u8>, String> {
    let shown = path.display();
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
    let text = String::from_utf8_lossy(&old).into_owned();
    let (at, had) = header_of(&text);
    // A new file gets the palette column whatever its rows set.
    let start = if existing.is_empty() && had.0.is_empty() {
        Layout::palette()
    } else {
        had.clone()
    };
    let layout = presets.iter().fold(start, |l, p| l.with_columns_of(p));
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut new = old;
    let added = Layout(layout.0[had.0.len()..].to_vec()).header_tail();
    new.splice(at..at, added.bytes());
    if !new.is_empty() && !new.ends_with(b"\n") {
        new.extend_from_slice(eol.as_bytes());
    }
    for preset in presets {
        new.extend_from_slice(format_row_in(preset, &layout).as_bytes());
        new.extend_from_slice(eol.as_bytes());
    }
    let back = parse(&new, &shown.to_string())
        .map_err(|e| format!("the new rows would not read back: {e}"))?;
    if back.len() != existing.len() + presets.len() || back[..existing.len()] != existing[..] {
        return Err(format!(
            "appending to {shown} would change its existing rows; not written"
        ));
    }
    Ok(new)
}

/// The bytes of the `.atr` file at `path` (read as every input is: a regular file, bounded) and
/// its presets; a missing file, when `create` is set, is a header alone.
fn read_existing(
    path: &std::path::Path,
    create: bool,
    flag: &str,
) -> Result<(Vec<u8>, Vec<Preset>), String> {
    let shown = path.display().to_string();
    let missing =
        matches!(std::fs::metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
    if create && missing {
        // A new file: the header alone (which would not parse as a preset file by itself).
        return Ok((format!("{}\n", COLUMNS.join(",")).into_bytes(), Vec::new()));
    }
    let mut old =
        crate::input::read_file(path, flag, super::atr::MAX_FILE_BYTES as u64, "preset file")
            .map_err(|e| e.to_string())?;
    let existing = if create {
        parse_appendable(&old, &shown)
    } else {
        parse(&old, &shown)
    }
    .map_err(|e| e.to_string())?;
    // An empty file (or comments alone) gains the header after what it holds.
    if existing.is_empty() && !has_header(&old) {
        if !old.is_empty() && !old.ends_with(b"\n") {
            old.push(b'\n');
        }
        old.extend_from_slice(format!("{}\n", COLUMNS.join(",")).as_bytes());
    }
    Ok((old, existing))
}

/// Whether `bytes` has a row that is not blank or a comment (a header, in a file that parsed).
fn has_header(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).lines().any(|l| {
        let l = l.trim().trim_start_matches('\u{feff}');
        !l.is_empty() && !l.starts_with('#')
    })
}

/// Where the header row of `text` ends (before its line break) and the optional columns it names.
fn header_of(text: &str) -> (usize, Layout) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            at += line.len();
            continue;
        }
        let fields: Vec<&str> = content
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .collect();
        let extra = fields.get(COLUMNS.len()..).unwrap_or_default();
        let layout = read_header(extra, COLUMNS.len() + 1, "").unwrap_or_default();
        return (at + content.len(), layout);
    }
    (at, Layout::default())
}
