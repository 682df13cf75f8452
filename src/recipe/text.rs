//! A recipe in words: the `--params` value, the one-line description image viewers show, the
//! equivalent command line, and the `.atr` row.

use super::{Document, Mode, Recipe};
use crate::attractor;
use crate::output::PngText;

impl Recipe {
    /// `a=-1.3,b=-1.3` in the map's parameter order.
    pub fn params_flag(&self) -> String {
        let order: Vec<String> = match self.preset() {
            Ok(p) if p.formula.is_some() => p
                .formula
                .as_ref()
                .map(|m| m.param_names_used().iter().map(char::to_string).collect())
                .unwrap_or_default(),
            Ok(p) => p.equation.params().iter().map(|n| n.to_string()).collect(),
            Err(_) => self.params.keys().cloned().collect(),
        };
        order
            .iter()
            .filter_map(|n| self.params.get(n).map(|v| format!("{n}={v}")))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// One line for image viewers.
    pub fn describe(&self) -> String {
        let params = self.params_flag().replace(',', ", ");
        format!(
            "{}: {} {}; {}x{}, {} points, seed {}, {}; {} {} on {}. Render again: attractors --from FILE",
            self.name,
            self.formula.as_deref().unwrap_or(&self.equation),
            params,
            self.size[0],
            self.size[1],
            self.points,
            self.seed,
            match self.mode {
                Mode::Sampled => "sampled",
                Mode::Exact => "exact",
            },
            self.shade,
            self.palette,
            self.background
        )
    }

    /// The flags that render this recipe without `--from`.
    pub fn command(&self) -> String {
        let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let map = match &self.formula {
            Some(f) => format!("--formula {}", quote(f)),
            None => format!("--equation {}", self.equation),
        };
        let [x, y, z] = self.start;
        let [x0, x1, y0, y1] = self.bounds;
        let mut cmd = format!(
            "attractors {map} --params {} --start {x},{y},{z} --bounds {x0},{x1},{y0},{y1} --size {}x{} --iters {} --seed {} --skip {}{} --shade {} --palette {} --background '{}'",
            self.params_flag(),
            self.size[0],
            self.size[1],
            self.points,
            self.seed,
            self.skip,
            if self.mode == Mode::Exact {
                " --exact"
            } else {
                ""
            },
            self.shade,
            self.palette,
            self.background
        );
        if let Some([a, b]) = self.span {
            cmd.push_str(&format!(" --span {a},{b}"));
        }
        if self.depth != 8 {
            cmd.push_str(&format!(" --depth {}", self.depth));
        }
        if self.supersample > 1 {
            cmd.push_str(&format!(" --supersample {}", self.supersample));
        }
        if let Some(de) = &self.de {
            cmd.push_str(&format!(" --de {},{},{}", de.radius, de.min, de.curve));
        }
        if let Some(s) = &self.shard {
            cmd.push_str(&format!(" --shard {}/{}", s.index, s.count));
        }
        cmd
    }

    /// The recipe as an `.atr` row with a palette column (see the guide's reference, "File formats").
    pub fn atr_row(&self) -> Result<String, String> {
        Ok(attractor::atr::format_row(&self.preset()?, true))
    }
}

impl Document {
    /// The text chunks of a PNG carrying this document.
    pub fn png_text(&self) -> PngText {
        let description = match (&self.picture, &self.sheet) {
            (Some(r), _) => r.describe(),
            (None, Some(s)) => format!(
                "attractors search sheet of {} candidates: {}. Their .atr rows: attractors info FILE --as-atr",
                s.len(),
                s.iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, None) => "attractors picture".into(),
        };
        PngText {
            description,
            recipe: Some(self.to_json()),
        }
    }
}
