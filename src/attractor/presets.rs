//! A loaded preset file: where it came from and its presets, looked up by name (case-insensitive,
//! in constant time, so a file of 160 000 rows answers at once).

use super::{Preset, atr};
use crate::input::{InputError, read_file};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The preset file compiled into the binary (used when ./attractors.atr does not exist).
pub const BUILTIN_ATR: &[u8] = include_bytes!("../../attractors.atr");

/// Why presets could not be loaded or found.
#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    /// The file could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A row or the header of the `.atr` file is invalid.
    #[error(transparent)]
    Atr(#[from] atr::AtrError),
    /// A preset names a palette that does not exist.
    #[error("{file}:{line}: column palette: {message}")]
    Palette {
        /// The file's name, as given.
        file: String,
        /// 1-based line of the preset.
        line: usize,
        /// What is wrong and the palettes there are.
        message: String,
    },
    /// No preset of that name.
    #[error("no preset '{name}' in {file}{suggestion} (attractors list shows all)")]
    NotFound {
        /// The name asked for.
        name: String,
        /// The file searched.
        file: String,
        /// `; did you mean ...?` with the nearest names, or empty.
        suggestion: String,
    },
}

/// The presets of one `.atr` file.
///
/// ```
/// let presets = attractors::Presets::builtin();
/// let clifford = presets.get("clifford").unwrap(); // names are case-insensitive
/// assert_eq!(clifford.equation.name(), "clifford");
/// let err = presets.get("Clifort").unwrap_err().to_string();
/// assert!(err.contains("did you mean Clifford"), "{err}");
/// ```
#[derive(Clone, Debug)]
pub struct Presets {
    list: Vec<Preset>,
    /// The name used in messages (the path, or `<built-in attractors.atr>`).
    pub source: String,
    /// The file they were read from (None for the built-in copy).
    pub path: Option<PathBuf>,
    by_name: HashMap<String, usize>,
}

impl Presets {
    fn new(
        list: Vec<Preset>,
        source: String,
        path: Option<PathBuf>,
    ) -> Result<Presets, PresetError> {
        // Each distinct name is checked once (building a palette evaluates its 256 colours).
        let mut known = std::collections::HashSet::new();
        for p in &list {
            if let Some(pal) = &p.palette
                && !known.contains(pal.as_str())
            {
                crate::shade::Palette::from_name(pal).map_err(|message| PresetError::Palette {
                    file: source.clone(),
                    line: p.line,
                    message,
                })?;
                known.insert(pal.as_str());
            }
        }
        let mut by_name = HashMap::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            by_name.entry(p.name.to_ascii_lowercase()).or_insert(i);
        }
        Ok(Presets {
            list,
            source,
            path,
            by_name,
        })
    }

    /// The presets compiled into the program.
    pub fn builtin() -> Presets {
        let list = atr::parse(BUILTIN_ATR, "<built-in attractors.atr>")
            .expect("the built-in preset file parses (tested)");
        Presets::new(list, "<built-in attractors.atr>".into(), None)
            .expect("the built-in palettes exist (tested)")
    }

    /// Reads `config`, else `./attractors.atr` when it exists, else the built-in presets.
    pub fn load(config: Option<&Path>) -> Result<Presets, PresetError> {
        let path = match config {
            Some(p) => p.to_path_buf(),
            None if Path::new("attractors.atr").is_file() => PathBuf::from("attractors.atr"),
            None => return Ok(Presets::builtin()),
        };
        let bytes = read_file(&path, "--config", atr::MAX_FILE_BYTES as u64, "preset file")?;
        let source = path.display().to_string();
        let list = atr::parse(&bytes, &source)?;
        Presets::new(list, source, Some(path))
    }

    /// All presets, in file order.
    pub fn all(&self) -> &[Preset] {
        &self.list
    }

    /// The preset named `name` (case-insensitive), or an error suggesting close names.
    pub fn get(&self, name: &str) -> Result<&Preset, PresetError> {
        match self.by_name.get(&name.to_ascii_lowercase()) {
            Some(&i) => Ok(&self.list[i]),
            None => Err(PresetError::NotFound {
                name: name.to_string(),
                file: self.source.clone(),
                suggestion: crate::suggest::did_you_mean(
                    name,
                    self.list.iter().map(|p| p.name.as_str()),
                ),
            }),
        }
    }

    /// The index of the preset named `name` in [`Presets::all`].
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(&name.to_ascii_lowercase()).copied()
    }
}
