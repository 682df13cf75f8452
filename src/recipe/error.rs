//! Why a recipe could not be read or used.

use super::FORMAT;

/// Why a recipe could not be read or used. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum RecipeError {
    /// The file carries no recipe.
    #[error(
        "{file}: holds no attractors recipe (written by another program, or before pictures carried one); render it with flags instead"
    )]
    Missing {
        /// The file, as given.
        file: String,
    },
    /// A field this version does not know (newer, edited or damaged).
    #[error("{}", unknown_field(file, field, ours, program, *format))]
    UnknownField {
        /// The file, as given.
        file: String,
        /// The field's name.
        field: String,
        /// This program's version.
        ours: &'static str,
        /// The program and version that wrote the recipe.
        program: String,
        /// The recipe format it was written in.
        format: u32,
    },
    /// A field the recipe lacks.
    #[error(
        "{file}: recipe lacks the field '{field}' (written by {program}, format {format}); the recipe is damaged or too old"
    )]
    MissingField {
        /// The file, as given.
        file: String,
        /// The field's name.
        field: String,
        /// The program and version that wrote the recipe.
        program: String,
        /// The recipe format it was written in.
        format: u32,
    },
    /// The file cannot be read, or is of a kind that carries no recipe.
    #[error("{file}: cannot read it ({why}); give a PNG, .npy or .ckpt.json that attractors wrote")]
    Unreadable {
        /// The file, as given.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// The recipe is there but cannot be used.
    #[error("{file}: damaged recipe: {why}")]
    Damaged {
        /// The file, as given.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// A contact sheet (many recipes) where one picture's was wanted.
    #[error(
        "{file}: a contact sheet of {count} pictures, not one; `attractors info {file} --as-atr` prints their rows for a preset file"
    )]
    Sheet {
        /// The file, as given.
        file: String,
        /// Pictures on the sheet.
        count: usize,
    },
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
    /// The recipe field (its JSON name).
    pub field: &'static str,
    /// The value found, as it reads in the message.
    pub value: String,
    /// What was expected instead.
    pub why: String,
}

impl FieldError {
    /// The error of `field` holding `value`, and `why` it is refused.
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
