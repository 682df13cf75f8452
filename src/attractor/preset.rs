//! A preset: one named parameter set of one equation (a row of an `.atr` file).

use std::sync::Arc;

use super::Equation;
use super::user::UserMap;

/// One attractor to render: equation, start point and parameters (validated, see [`super::atr`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// The preset's name (the `.atr` Attractor column), unique in its file up to case.
    pub name: String,
    /// The built-in map it iterates.
    pub equation: Equation,
    /// A user formula that replaces `equation` when present (`equation` is then only a
    /// placeholder); `params` then holds the seven values a..g (unused ones zero).
    pub formula: Option<Arc<UserMap>>,
    /// Start point (x, y, z); z is used by 3-D maps only.
    pub start: [f64; 3],
    /// Exactly `equation.params().len()` finite values, in the order of `equation.params()`.
    pub params: Vec<f64>,
    /// The preset's colormap, if the file names one.
    pub palette: Option<String>,
    /// The preset's tone map, background and view, if the file sets them (see [`super::look`]).
    pub shade: Option<crate::shade::Shade>,
    /// Background colour (straight RGBA), if the file sets one.
    pub background: Option<crate::shade::Color>,
    /// The view (x and y ranges) to render, if the file sets one; else the pilot frames it.
    pub bounds: Option<crate::histogram::Bounds>,
    /// 1-based line in the source file (0 for presets built on the command line).
    pub line: usize,
}

impl Preset {
    /// A start point's z on a map that never reads it would be dropped without a word (and kept
    /// in the recipe): refused, wherever the start comes from (flags, .atr rows, keyframes,
    /// recipes). `Err` says why.
    pub fn check_start(&self) -> Result<(), String> {
        if self.start[2] != 0.0 && !self.uses_z() {
            return Err(format!(
                "{} does not use z (a 2-D map: z is never read)",
                self.map_name()
            ));
        }
        Ok(())
    }

    /// Whether the z of the start point matters to this map (see [`Equation::uses_z`] and
    /// [`UserMap::uses_z`]).
    pub fn uses_z(&self) -> bool {
        match &self.formula {
            Some(m) => m.uses_z(),
            None => self.equation.uses_z(),
        }
    }

    /// The seven kernel parameters a..g as every renderer receives them: the preset's values padded
    /// with zeros, with bedhead's rule applied (b == 0 becomes 3 machine epsilons, as in the
    /// datashader example, to avoid dividing by zero).
    pub fn kernel_params(&self) -> [f64; 7] {
        let mut k = [0.0; 7];
        let n = self.params.len().min(7);
        k[..n].copy_from_slice(&self.params[..n]);
        if self.formula.is_none() && self.equation == Equation::Bedhead && k[1] == 0.0 {
            k[1] = 3.0 * f64::EPSILON;
        }
        k
    }

    /// The preset's map in float64 for the kernel parameters `k` (from [`Preset::kernel_params`]):
    /// the built-in equation, or the user formula's evaluator. The one place that tells them apart.
    pub fn map_f64(&self, k: &[f64; 7]) -> MapF64<'_> {
        match &self.formula {
            Some(m) => MapF64::User(m.eval_f64(k)),
            None => MapF64::Builtin(self.equation),
        }
    }

    /// `a=-1.3, b=-1.3, ...`: the parameters with their names, for messages.
    pub fn describe_params(&self) -> String {
        let named: Vec<String> = self
            .named_params()
            .iter()
            .map(|(n, v)| format!("{n}={}", crate::histogram::show_f64(*v)))
            .collect();
        if named.is_empty() {
            self.map_name().to_string()
        } else {
            format!("{} {}", self.map_name(), named.join(", "))
        }
    }

    /// The parameters the map uses, with their names: a built-in's in its order, a formula's
    /// a..g that it uses.
    pub fn named_params(&self) -> Vec<(String, f64)> {
        match &self.formula {
            Some(m) => (0..7)
                .filter(|&i| m.params_used()[i])
                .map(|i| {
                    let name = super::user::PARAM_NAMES[i].to_string();
                    (name, self.params.get(i).copied().unwrap_or(0.0))
                })
                .collect(),
            None => self
                .equation
                .params()
                .iter()
                .zip(&self.params)
                .map(|(n, v)| (n.to_string(), *v))
                .collect(),
        }
    }

    /// The map's name: the built-in equation's, or `formula` for a user formula.
    pub fn map_name(&self) -> &str {
        match self.formula {
            Some(_) => "formula",
            None => self.equation.name(),
        }
    }

    /// What identifies the map in a job key: the equation's name, or the formula's text.
    pub fn map_key(&self) -> String {
        match &self.formula {
            Some(m) => format!("formula:{}", m.text()),
            None => self.equation.name().to_string(),
        }
    }

    /// The map's WGSL `fn map_step`.
    pub fn map_step_wgsl(&self) -> String {
        match &self.formula {
            Some(m) => m.map_step_wgsl(),
            None => crate::gpu::compose::map_step_wgsl(self.equation),
        }
    }
}

/// Finds an equation by name or explains what exists: `unknown equation 'clifort'; did you mean
/// clifford? (attractors list --equations shows all)`.
pub fn lookup_equation(name: &str) -> Result<Equation, String> {
    Equation::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Equation::ALL.iter().map(|e| e.name()).collect();
        format!(
            "unknown equation '{name}'{}",
            crate::suggest::did_you_mean(name, names.iter().copied())
        )
    })
}

/// Checks the per-equation constraints that a plain number column cannot express.
pub fn check_params(equation: Equation, params: &[f64]) -> Result<(), String> {
    if equation == Equation::SymmetricIcon {
        let degree = params[5];
        if degree.fract() != 0.0 || !(1.0..=64.0).contains(&degree) {
            return Err(format!(
                "symmetric_icon's degree must be a whole number from 1 to 64, found {degree}"
            ));
        }
    }
    Ok(())
}

/// One float64 step of a preset's map: a built-in equation or a user formula's evaluator.
pub enum MapF64<'a> {
    /// A built-in equation, stepped in f64.
    Builtin(Equation),
    /// A user formula's f64 evaluator.
    User(super::user::Eval64<'a>),
}

impl MapF64<'_> {
    /// The next point; `k` are the kernel parameters the map was made with.
    #[inline]
    pub fn step(&mut self, p: [f64; 3], k: &[f64; 7]) -> [f64; 3] {
        match self {
            MapF64::Builtin(eq) => eq.step_f64(p, k),
            MapF64::User(e) => e.step(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Presets;
    use crate::attractor::user::UserMap;
    use std::sync::Arc;

    #[test]
    fn params_are_described_by_name_and_none_leave_no_gap() {
        let mut p = Presets::builtin().get("Clifford").unwrap().clone();
        p.params = vec![-1.3, -1.3, -1.8, -1.9];
        assert_eq!(
            p.describe_params(),
            "clifford a=-1.3, b=-1.3, c=-1.8, d=-1.9"
        );
        p.formula = Some(Arc::new(UserMap::parse("x' = sin(y); y' = x").unwrap()));
        assert_eq!(p.describe_params(), "formula");
    }
}
