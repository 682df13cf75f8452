//! Reading a recipe back from a PNG, a `.npy` (its `.recipe.json`), a recipe file or a
//! checkpoint sidecar.

use super::{Document, MAX_RECIPE_BYTES, Recipe, RecipeError};
use crate::attractor::{self, user::UserMap};
use crate::histogram::Bounds;
use crate::job::Job;
use crate::shade::{Palette, Style};
use std::path::{Path, PathBuf};

/// `out.npy` -> `out.recipe.json`, the recipe written beside a `--hist` output.
pub fn sidecar_path(npy: &Path) -> PathBuf {
    npy.with_extension("recipe.json")
}

/// Reads the recipe of a PNG, a `.npy` (from its sidecar), a recipe sidecar (`.recipe.json`) or a
/// checkpoint (`.ckpt.json`; its style is the default one, as `shade` uses).
pub fn load(path: &Path) -> Result<Document, RecipeError> {
    let file = path.display().to_string();
    let name = file.to_ascii_lowercase();
    check_regular_file(path, &file)?;
    if name.ends_with(".png") {
        return from_png(path, file);
    }
    if name.ends_with(".exr") {
        let text = crate::output::read_exr_recipe(path)
            .map_err(|e| RecipeError::Damaged {
                file: file.clone(),
                why: format!("{e:#}"),
            })?
            .ok_or(RecipeError::Missing { file: file.clone() })?;
        return Document::from_json(&text, &file);
    }
    if name.ends_with(".ckpt.json") {
        let meta: crate::checkpoint::Meta =
            serde_json::from_str(&read_text(path)?).map_err(|e| RecipeError::Damaged {
                file: file.clone(),
                why: format!("not a checkpoint sidecar ({e})"),
            })?;
        return of_checkpoint(&meta)
            .map(Document::picture)
            .map_err(|why| RecipeError::Damaged { file, why });
    }
    if name.ends_with(".npy") {
        let side = sidecar_path(path);
        if !side.is_file() {
            return Err(RecipeError::Missing {
                file: format!("{file} (no {} beside it)", side.display()),
            });
        }
        return Document::from_json(&read_text(&side)?, &side.display().to_string());
    }
    if name.ends_with(".atr") {
        return Err(RecipeError::Unreadable {
            file,
            why: "a preset file, not a recipe; `attractors list --config FILE` lists its presets, `attractors NAME --config FILE` renders one".into(),
        });
    }
    let text = read_text(path)?;
    if !name.ends_with(".json") && !text.trim_start().starts_with('{') {
        return Err(RecipeError::Unreadable {
            file,
            why: "not a file that carries a recipe".into(),
        });
    }
    Document::from_json(&text, &file)
}

/// Refuses a path that is missing or not a regular file (`file`: its name in messages).
fn check_regular_file(path: &Path, file: &str) -> Result<(), RecipeError> {
    let why = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => return Ok(()),
        Ok(_) => "not a regular file".into(),
        Err(e) => e.to_string(),
    };
    Err(RecipeError::Unreadable {
        file: file.to_string(),
        why,
    })
}

/// A recipe or sidecar file's text (at most [`MAX_RECIPE_BYTES`], UTF-8).
fn read_text(p: &Path) -> Result<String, RecipeError> {
    let bytes = crate::input::read_file(p, "recipe", MAX_RECIPE_BYTES, "recipe").map_err(|e| {
        RecipeError::Damaged {
            file: p.display().to_string(),
            why: format!("{e:#}"),
        }
    })?;
    String::from_utf8(bytes).map_err(|_| RecipeError::Damaged {
        file: p.display().to_string(),
        why: "not UTF-8 text".into(),
    })
}

/// The recipe in a PNG's text chunk; a chunk that fails its checksum is told from no recipe.
fn from_png(path: &Path, file: String) -> Result<Document, RecipeError> {
    let chunks = crate::output::read_png_text(path).map_err(|e| RecipeError::Damaged {
        file: file.clone(),
        why: format!("{e:#}"),
    })?;
    let text = chunks
        .into_iter()
        .find(|(k, _)| k == crate::output::RECIPE_KEYWORD)
        .map(|(_, t)| t);
    let Some(text) = text else {
        // The PNG reader drops a text chunk whose checksum fails: tell that from no recipe.
        return Err(
            if crate::output::png_has_text_chunk(path, crate::output::RECIPE_KEYWORD) {
                RecipeError::Damaged {
                    file,
                    why: "its recipe chunk fails its checksum (the file was changed after it was written)".into(),
                }
            } else {
                RecipeError::Missing { file }
            },
        );
    };
    Document::from_json(&text, &file)
}

/// The recipe of a checkpoint: its job, to its target, in the default style with the palette of
/// its preset when the default preset file has it (as `shade` chooses).
pub fn of_checkpoint(meta: &crate::checkpoint::Meta) -> Result<Recipe, String> {
    let k = &meta.key;
    let mut preset = crate::Presets::builtin()
        .get("Clifford")
        .map_err(|e| e.to_string())?
        .clone();
    preset.name = meta.preset.clone();
    preset.start = k.start;
    preset.params = k.params.clone();
    match k.equation.strip_prefix("formula:") {
        Some(text) => {
            let map = UserMap::parse(text).map_err(|e| format!("its formula: {e}"))?;
            preset.formula = Some(std::sync::Arc::new(map));
        }
        None => preset.equation = attractor::lookup_equation(&k.equation)?,
    }
    let bounds = Bounds::new(k.bounds[0], k.bounds[1], k.bounds[2], k.bounds[3])?;
    let mut job = Job::new(
        preset,
        (k.width, k.height),
        bounds,
        meta.iters,
        k.skip,
        k.seed,
    );
    job.exact = k.exact;
    let mut style = Style::default();
    if let Some(p) = crate::Presets::load(None)
        .ok()
        .and_then(|ps| ps.get(&meta.preset).ok().and_then(|p| p.palette.clone()))
        .and_then(|name| Palette::from_name(&name).ok())
    {
        style.palette = p;
    }
    Ok(Recipe::of(&job, meta.iters, &style))
}
