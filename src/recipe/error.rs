//! Why a recipe could not be read or used.

use super::FORMAT;

/// Why a recipe could not be read or used. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum RecipeError {
    #[error(
        "{file}: holds no attractors recipe (written by another program, or before pictures carried one); render it with flags instead"
    )]
    Missing { file: String },
    #[error("{}", unknown_field(file, field, ours, program, *format))]
    UnknownField {
        file: String,
        field: String,
        ours: &'static str,
        program: String,
        format: u32,
    },
    #[error(
        "{file}: recipe lacks the field '{field}' (written by {program}, format {format}); the recipe is damaged or too old"
    )]
    MissingField {
        file: String,
        field: String,
        program: String,
        format: u32,
    },
    #[error("{file}: cannot read it ({why}); give a PNG, .npy or .ckpt.json that attractors wrote")]
    Unreadable { file: String, why: String },
    #[error("{file}: damaged recipe: {why}")]
    Damaged { file: String, why: String },
    #[error(
        "{file}: a contact sheet of {count} pictures, not one; `attractors info {file} --as-atr` prints their rows for a preset file"
    )]
    Sheet { file: String, count: usize },
}

/// An unknown field: from a newer version (use it), or, when this very version wrote the file,
/// an edit or damage.
fn unknown_field(file: &str, field: &str, ours: &str, program: &str, format: u32) -> String {
    if program == format!("attractors {ours}") {
        format!(
            "{file}: recipe field '{field}' is not one attractors {ours} writes, though it wrote the file (recipe format {format}): the recipe was edited or damaged"
        )
    } else {
        format!(
            "{file}: recipe field '{field}' is unknown to attractors {ours} (recipe format {FORMAT}); it was written by {program} (format {format}): use that version or newer to re-render it"
        )
    }
}

/// A recipe value that is not valid, by field: `"size" 70000x1: expected ...`. The reader puts
/// the file in front.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{field}\" {value}: {why}")]
pub struct FieldError {
    pub field: &'static str,
    pub value: String,
    pub why: String,
}

impl FieldError {
    pub fn new(field: &'static str, value: impl std::fmt::Display, why: impl Into<String>) -> Self {
        FieldError {
            field,
            value: value.to_string(),
            why: why.into(),
        }
    }
}

impl From<FieldError> for String {
    fn from(e: FieldError) -> String {
        e.to_string()
    }
}
