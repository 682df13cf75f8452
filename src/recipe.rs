//! Recipes: everything needed to render a picture again, carried by the picture itself.
//!
//! A [`Recipe`] names the map (a built-in equation with its parameters by name, or a user
//! formula), the start point, bounds, canvas size, points, seed, skip, mode (sampled or exact) and
//! the style (tone map, palette, background, span). A [`Document`] wraps one recipe (a picture) or
//! several (a search contact sheet) with the recipe [`FORMAT`] and the program version, as JSON.
//!
//! Where it goes: every PNG (the `attractors` `iTXt` chunk, see [`crate::output::PngText`]) and
//! beside every `--hist FILE.npy` as `FILE.recipe.json` ([`sidecar_path`]), and in the header of
//! every `--exr` file. [`load`] reads it back from a PNG, an EXR, a `.npy` (its sidecar), a recipe
//! sidecar or a checkpoint's `.ckpt.json`.
//!
//! Versions: a reader takes a document of any format number as long as it knows every field;
//! a field it does not know (written by a newer program) or a field it needs that is missing
//! (an older or damaged one) is refused with a [`RecipeError`] naming the field. Numbers are
//! written in shortest round-trip form and parsed exactly (serde_json's `float_roundtrip`), so
//! bounds and parameters come back bit for bit.

use crate::attractor::user::{PARAM_NAMES, UserMap};
use crate::attractor::{self, Preset};
use crate::histogram::Bounds;
use crate::job::Job;
use crate::shade::Style;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A recipe's map: the equation (Clifford for a formula), the formula and the parameters.
type MapParts = (attractor::Equation, Option<Arc<UserMap>>, Vec<f64>);

/// The recipe format this program writes. Bumped when a field changes meaning.
pub const FORMAT: u32 = 1;
/// A recipe is a few kilobytes (a sheet of many candidates a few hundred); more is not one.
const MAX_RECIPE_BYTES: u64 = 16 << 20;

/// How the orbits are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Many float32 orbits from seeded start points.
    Sampled,
    /// One float64 orbit (`--exact`).
    Exact,
}

/// Everything a render of one picture used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// The preset's name (informative; the map below is what renders).
    pub name: String,
    /// A built-in equation's name, or `formula`.
    pub equation: String,
    /// The user formula's text when `equation` is `formula`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// Parameters by name (a built-in's names, or the letters a formula uses).
    pub params: BTreeMap<String, f64>,
    /// The start point (x, y, z).
    pub start: [f64; 3],
    /// xmin, xmax, ymin, ymax.
    pub bounds: [f64; 4],
    /// Width, height in pixels.
    pub size: [u32; 2],
    /// Points asked for.
    pub points: u64,
    /// The seed of the start points.
    pub seed: u64,
    /// Transient points per orbit.
    pub skip: u64,
    /// Sampled float32 orbits or the exact float64 orbit.
    pub mode: Mode,
    /// Tone map: eq_hist, log, cbrt, linear.
    pub shade: String,
    /// The palette's name.
    pub palette: String,
    /// `#rrggbbaa`.
    pub background: String,
    /// datashader's span MIN, MAX, when fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<[u64; 2]>,
    /// Bits per channel of the PNG (8 or 16).
    #[serde(default = "eight")]
    pub depth: u8,
    /// Accumulated at this many times `size`, box-filtered down (1: not supersampled).
    #[serde(default = "one")]
    pub supersample: u32,
    /// Density estimation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub de: Option<crate::density::De>,
    /// The counts are one shard of the job (`--shard I/N`), not all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardPart>,
}

const fn one() -> u32 {
    1
}
const fn eight() -> u8 {
    8
}

/// A recipe file: one picture, or the candidates of a contact sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The recipe format the writer used.
    pub format: u32,
    /// `attractors VERSION` of the writer.
    pub program: String,
    /// One picture's recipe (PNG, `.npy` sidecar, checkpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<Recipe>,
    /// A contact sheet's recipes, one per tile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Vec<Recipe>>,
}

fn program() -> String {
    format!("attractors {}", env!("CARGO_PKG_VERSION"))
}

impl Recipe {
    /// The recipe of `job` rendered to `points` points (the target of a resumed run) in `style`.
    pub fn of(job: &Job, points: u64, style: &Style) -> Recipe {
        let p = &job.preset;
        let params = match &p.formula {
            Some(m) => m
                .param_names_used()
                .iter()
                .map(|c| {
                    let i = PARAM_NAMES.iter().position(|n| n == c).unwrap_or(0);
                    (c.to_string(), p.params.get(i).copied().unwrap_or(0.0))
                })
                .collect(),
            None => p
                .equation
                .params()
                .iter()
                .zip(&p.params)
                .map(|(n, v)| (n.to_string(), *v))
                .collect(),
        };
        let b = job.bounds;
        let [r, g, bl, a] = style.background.0;
        Recipe {
            name: p.name.clone(),
            equation: p.map_name().to_string(),
            formula: p.formula.as_ref().map(|m| m.text().to_string()),
            params,
            start: p.start,
            bounds: [b.xmin, b.xmax, b.ymin, b.ymax],
            size: [job.width, job.height],
            points,
            seed: job.seed,
            skip: job.skip,
            mode: if job.exact {
                Mode::Exact
            } else {
                Mode::Sampled
            },
            shade: style.shade.name().to_string(),
            palette: style.palette.name.clone(),
            background: format!("#{r:02x}{g:02x}{bl:02x}{a:02x}"),
            span: style.span.map(|s| [s.min, s.max]),
            depth: 8,
            supersample: 1,
            de: None,
            shard: None,
        }
    }

    /// This recipe with the print-quality options `q`: `size` becomes the picture's (the job's
    /// canvas divided by the supersampling factor).
    pub fn with_quality(mut self, q: &crate::density::Quality) -> Recipe {
        let n = q.supersample.max(1);
        self.size = [self.size[0] / n, self.size[1] / n];
        self.depth = q.depth;
        self.supersample = n;
        self.de = q.de;
        self
    }

    /// This recipe shaded in `style` instead (what `shade` writes).
    pub fn with_style(mut self, style: &Style) -> Recipe {
        let [r, g, b, a] = style.background.0;
        self.shade = style.shade.name().to_string();
        self.palette = style.palette.name.clone();
        self.background = format!("#{r:02x}{g:02x}{b:02x}{a:02x}");
        self.span = style.span.map(|s| [s.min, s.max]);
        self
    }

    /// The preset this recipe renders (its palette set to the recipe's); an error names the field.
    pub fn preset(&self) -> Result<Preset, FieldError> {
        let (equation, formula, params) = if self.equation == "formula" {
            self.formula_map()?
        } else {
            self.equation_map()?
        };
        if self.start.iter().any(|v| !v.is_finite()) {
            return Err(FieldError::new(
                "start",
                format!("{:?}", self.start),
                "expected finite numbers",
            ));
        }
        Ok(Preset {
            name: self.name.clone(),
            equation,
            formula,
            start: self.start,
            params,
            palette: Some(self.palette.clone()),
            shade: None,
            background: None,
            bounds: None,
            line: 0,
        })
    }

    /// `equation: "formula"`: the parsed formula and its parameters (a..g; those it does not
    /// read are 0).
    fn formula_map(&self) -> Result<MapParts, FieldError> {
        let text = self.formula.as_deref().ok_or_else(|| {
            FieldError::new(
                "formula",
                "missing",
                "equation 'formula' needs the formula's text",
            )
        })?;
        let map = UserMap::parse(text)
            .map_err(|e| FieldError::new("formula", format!("'{text}'"), e.to_string()))?;
        let names: Vec<String> = map.param_names_used().iter().map(char::to_string).collect();
        self.check_param_names(&names)?;
        let mut params = vec![0.0; 7];
        for n in &names {
            let i = PARAM_NAMES.iter().position(|c| c.to_string() == *n);
            params[i.unwrap_or(0)] = self.param(n, &names)?;
        }
        Ok((attractor::Equation::Clifford, Some(Arc::new(map)), params))
    }

    /// A built-in equation and its parameters, checked.
    fn equation_map(&self) -> Result<MapParts, FieldError> {
        let eq = attractor::lookup_equation(&self.equation)
            .map_err(|e| FieldError::new("equation", format!("'{}'", self.equation), e))?;
        let names: Vec<String> = eq.params().iter().map(|n| n.to_string()).collect();
        self.check_param_names(&names)?;
        let params = names
            .iter()
            .map(|n| self.param(n, &names))
            .collect::<Result<Vec<_>, _>>()?;
        attractor::check_params(eq, &params).map_err(|e| {
            let given: Vec<String> = self
                .params
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            FieldError::new("params", given.join(","), e)
        })?;
        Ok((eq, None, params))
    }

    /// Refuses a parameter the map does not have (`known`: the names it has).
    fn check_param_names(&self, known: &[String]) -> Result<(), FieldError> {
        match self.params.keys().find(|k| !known.contains(k)) {
            Some(k) => Err(FieldError::new(
                "params",
                k,
                format!(
                    "not one of {}'s parameters ({})",
                    self.equation,
                    known.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    /// The value of parameter `name` (finite), out of the map's `known` ones.
    fn param(&self, name: &str, known: &[String]) -> Result<f64, FieldError> {
        match self.params.get(name) {
            Some(v) if v.is_finite() => Ok(*v),
            Some(v) => Err(FieldError::new(
                "params",
                format!("{name}={v}"),
                "expected a finite number",
            )),
            None => Err(FieldError::new(
                "params",
                name,
                format!(
                    "missing; {} needs {}, or give them with --params",
                    self.equation,
                    known.join(", ")
                ),
            )),
        }
    }

    /// The bounds, checked.
    pub fn bounds(&self) -> Result<Bounds, FieldError> {
        let [a, b, c, d] = self.bounds;
        let shown = [a, b, c, d].map(crate::histogram::show_f64).join(",");
        Bounds::new(a, b, c, d).map_err(|e| FieldError::new("bounds", shown, e))
    }
}

impl Document {
    /// The document of one picture.
    pub fn picture(recipe: Recipe) -> Document {
        Document {
            format: FORMAT,
            program: program(),
            picture: Some(recipe),
            sheet: None,
        }
    }

    /// The document of a contact sheet.
    pub fn sheet(recipes: Vec<Recipe>) -> Document {
        Document {
            format: FORMAT,
            program: program(),
            picture: None,
            sheet: Some(recipes),
        }
    }

    /// The recipes it holds (one for a picture).
    pub fn recipes(&self) -> Vec<&Recipe> {
        self.picture
            .iter()
            .chain(self.sheet.iter().flatten())
            .collect()
    }

    /// Compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a recipe serialises")
    }

    /// Parses a document; `file` names its source in errors.
    pub fn from_json(text: &str, file: &str) -> Result<Document, RecipeError> {
        let damaged = |why: String| RecipeError::Damaged {
            file: file.to_string(),
            why,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| damaged(format!("not JSON ({e})")))?;
        // The writer's identity first, so a field error can say who wrote the file.
        let program = value
            .get("program")
            .and_then(|p| p.as_str())
            .unwrap_or("an unknown program")
            .to_string();
        let format = value.get("format").and_then(|f| f.as_u64()).unwrap_or(0) as u32;
        let doc: Document = serde_json::from_value(value).map_err(|e| {
            let msg = e.to_string();
            let quoted = |prefix: &str| {
                msg.strip_prefix(prefix)
                    .and_then(|rest| rest.split('`').next())
                    .map(str::to_string)
            };
            if let Some(field) = quoted("unknown field `") {
                RecipeError::UnknownField {
                    file: file.to_string(),
                    field,
                    ours: env!("CARGO_PKG_VERSION"),
                    program: program.clone(),
                    format,
                }
            } else if let Some(field) = quoted("missing field `") {
                RecipeError::MissingField {
                    file: file.to_string(),
                    field,
                    program: program.clone(),
                    format,
                }
            } else {
                damaged(msg)
            }
        })?;
        if doc.picture.is_some() == doc.sheet.is_some() {
            return Err(damaged(
                "expected exactly one of 'picture' and 'sheet'".into(),
            ));
        }
        Ok(doc)
    }

    /// The one picture's recipe (a sheet is refused).
    pub fn into_picture(self, file: &str) -> Result<Recipe, RecipeError> {
        match (self.picture, self.sheet) {
            (Some(r), _) => Ok(r),
            (None, s) => Err(RecipeError::Sheet {
                file: file.to_string(),
                count: s.map_or(0, |s| s.len()),
            }),
        }
    }
}

mod error;
mod part;
mod read;
mod text;
pub use error::{FieldError, RecipeError};
pub use part::ShardPart;
pub use read::{load, of_checkpoint, sidecar_path};

#[cfg(test)]
mod tests;
