//! Candidate generation: candidate `i` of a search is a pure function of (space, seed, i), drawn
//! with the counter-based PCG hash of [`crate::rng`], so any thread can make any candidate and a
//! search gives the same results on any number of threads.
//!
//! A [`Space`] is what is searched: a built-in equation with the ranges written beside its formula
//! ([`Equation::search_range`]), or a user formula whose parameters are each uniform in
//! [`FORMULA_RANGE`] unless the user gives ranges. Each parameter is rounded to 4 significant
//! digits of its range's width, so the `.atr` row a user saves reproduces the screened orbit
//! exactly. The start point is uniform in [-1, 1]^2 (z as well for 3-D maps), rounded to 4
//! decimals. symmetric_icon's degree is rounded down to a whole number.

use std::sync::Arc;

use crate::attractor::user::UserMap;
use crate::attractor::{Equation, Preset};
use crate::rng::{hash3, pcg, seed_key};

/// Palettes given to search results (the datashader example's, which read well on black).
pub const PALETTES: [&str; 9] = [
    "fire", "kbc", "bgy", "bmw", "bmy", "kgy", "bgyw", "inferno", "viridis",
];

/// The default range of every parameter of a user formula: the range the sine maps (Clifford,
/// De Jong, Svensson) are searched in.
pub const FORMULA_RANGE: (f64, f64) = (-2.0, 2.0);

/// What a search draws candidates from.
#[derive(Clone, Debug)]
pub struct Space {
    /// A built-in equation, or `Clifford` as a placeholder when `formula` is set.
    pub equation: Equation,
    /// The user formula searched, if any (then `equation` is a placeholder).
    pub formula: Option<Arc<UserMap>>,
    /// The range of each parameter slot: one per built-in parameter, seven (a..g) for a formula,
    /// where the parameters a formula does not use have `None`.
    pub ranges: Vec<Option<(f64, f64)>>,
}

impl Space {
    /// A built-in equation with its declared ranges.
    pub fn builtin(equation: Equation) -> Space {
        Space {
            equation,
            formula: None,
            ranges: equation.search_range().iter().copied().map(Some).collect(),
        }
    }

    /// A user formula, each parameter it uses in [`FORMULA_RANGE`].
    pub fn formula(map: Arc<UserMap>) -> Space {
        let ranges = map
            .params_used()
            .iter()
            .map(|&used| used.then_some(FORMULA_RANGE))
            .collect();
        Space {
            equation: Equation::Clifford,
            formula: Some(map),
            ranges,
        }
    }

    /// The parameter names, in slot order.
    pub fn param_names(&self) -> Vec<String> {
        match &self.formula {
            Some(_) => ["a", "b", "c", "d", "e", "f", "g"]
                .map(String::from)
                .to_vec(),
            None => self
                .equation
                .params()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// Sets the range of parameter `name`. Errors name the parameter and what is allowed.
    pub fn set_range(&mut self, name: &str, lo: f64, hi: f64) -> Result<(), String> {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(format!(
                "--range {name}={lo}:{hi}: expected finite LO < HI, e.g. {name}=-2:2"
            ));
        }
        check_range_float32(name, lo, hi)?;
        let names = self.param_names();
        let slot = names
            .iter()
            .position(|n| n == name)
            .filter(|&i| self.formula.is_none() || self.ranges[i].is_some())
            .ok_or_else(|| {
                let used: Vec<&str> = names
                    .iter()
                    .zip(&self.ranges)
                    .filter(|(_, r)| r.is_some())
                    .map(|(n, _)| n.as_str())
                    .collect();
                format!(
                    "--range {name}: not a parameter of {}; expected one of {}",
                    self.label(),
                    used.join(", ")
                )
            })?;
        self.ranges[slot] = Some((lo, hi));
        Ok(())
    }

    /// The map's name in messages and generated preset names.
    pub fn label(&self) -> &str {
        match &self.formula {
            Some(_) => "formula",
            None => self.equation.name(),
        }
    }

    fn is_3d(&self) -> bool {
        match &self.formula {
            Some(m) => m.is_3d(),
            None => self.equation == Equation::Pickover,
        }
    }

    /// The key of a search: the seed and the map, so two maps searched with the same seed do not
    /// share their random numbers.
    fn key(&self, seed: u64) -> u32 {
        let map = match &self.formula {
            Some(m) => m.canonical_text().bytes().fold(0x811c_9dc5u32, |h, b| {
                (h ^ b as u32).wrapping_mul(0x0100_0193)
            }),
            None => Equation::ALL
                .iter()
                .position(|e| *e == self.equation)
                .unwrap_or(0) as u32,
        };
        seed_key(seed) ^ pcg(map ^ 0x5eed_0000)
    }
}

/// A range the sampled and GPU modes can render: both ends within float32 (an end beyond
/// 3.4e38 would propose parameters that cannot render), and not every nonzero value in it
/// underflowing to 0 there.
fn check_range_float32(name: &str, lo: f64, hi: f64) -> Result<(), String> {
    use crate::job::{F32Problem, f32_problem};
    let show = crate::histogram::show_f64;
    let range = format!("--range {name}={}:{}", show(lo), show(hi));
    let precision = "in float32, the precision of the sampled and GPU modes";
    if let Some(end) = [lo, hi]
        .into_iter()
        .find(|&v| f32_problem(v) == Some(F32Problem::Overflow))
    {
        return Err(format!(
            "{range}: {} {} {precision}; give a range within +-3.4e38",
            show(end),
            F32Problem::Overflow.why()
        ));
    }
    if f32_problem(lo.abs().max(hi.abs())) == Some(F32Problem::Underflow) {
        return Err(format!(
            "{range}: every value {} {precision}; give a range reaching at least 1.4e-45 in magnitude",
            F32Problem::Underflow.why()
        ));
    }
    Ok(())
}

/// A uniform number in [0, 1) from (key, index, slot), 32 random bits.
fn unit(key: u32, index: u32, slot: u32) -> f64 {
    hash3(key, index, slot) as f64 / 4_294_967_296.0
}

/// Rounds `v` to `decimals` decimal places.
fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// Candidate `index` of the search of `space` with `seed`.
pub fn candidate(space: &Space, seed: u64, index: u32) -> Preset {
    let key = space.key(seed);
    let mut params: Vec<f64> = space
        .ranges
        .iter()
        .enumerate()
        .map(|(slot, range)| match *range {
            Some((lo, hi)) => {
                let width = hi - lo;
                let decimals = 4 - width.log10().floor() as i32;
                round_to(lo + width * unit(key, index, slot as u32), decimals).clamp(lo, hi)
            }
            None => 0.0,
        })
        .collect();
    if space.formula.is_none() && space.equation == Equation::SymmetricIcon {
        params[5] = params[5].floor();
    }
    let start = |slot: u32| round_to(2.0 * unit(key, index, 16 + slot) - 1.0, 4);
    let z = if space.is_3d() { start(2) } else { 0.0 };
    let palette = PALETTES[(unit(key, index, 32) * PALETTES.len() as f64) as usize];
    Preset {
        formula: space.formula.clone(),
        name: name(space, seed, index),
        equation: space.equation,
        start: [start(0), start(1), z],
        params,
        palette: Some(palette.to_string()),
        shade: None,
        background: None,
        bounds: None,
        line: 0,
    }
}

/// The generated name of candidate `index`: `De_Jong_s42_n1234` (equation in the presets' style,
/// seed, candidate index; `Formula_s42_n7` for a formula), so the name says how to find it again.
pub fn name(space: &Space, seed: u64, index: u32) -> String {
    let title: Vec<String> = space
        .label()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("{}_s{seed}_n{index}", title.join("_"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::check_params;

    #[test]
    fn candidates_are_valid_in_range_and_repeatable() {
        for &eq in Equation::ALL {
            for i in 0..200 {
                let c = candidate(&Space::builtin(eq), 7, i);
                assert_eq!(c, candidate(&Space::builtin(eq), 7, i));
                assert_eq!(c.params.len(), eq.params().len());
                check_params(eq, &c.params).unwrap();
                for (v, (lo, hi)) in c.params.iter().zip(eq.search_range()) {
                    assert!(v >= lo && v <= hi, "{} {v} not in {lo}..{hi}", eq.name());
                }
                assert!(c.start[0].abs() <= 1.0 && c.start[1].abs() <= 1.0);
            }
        }
        assert_ne!(
            candidate(&Space::builtin(Equation::Clifford), 1, 0).params,
            candidate(&Space::builtin(Equation::Clifford), 2, 0).params
        );
        assert_ne!(
            candidate(&Space::builtin(Equation::Clifford), 1, 0).params,
            candidate(&Space::builtin(Equation::Clifford), 1, 1).params
        );
    }

    #[test]
    fn names_follow_the_preset_style() {
        assert_eq!(
            name(&Space::builtin(Equation::DeJong), 42, 1234),
            "De_Jong_s42_n1234"
        );
        assert_eq!(
            name(&Space::builtin(Equation::Clifford), 0, 5),
            "Clifford_s0_n5"
        );
    }

    #[test]
    fn every_equation_declares_a_range_per_parameter() {
        for &eq in Equation::ALL {
            assert_eq!(eq.search_range().len(), eq.params().len(), "{}", eq.name());
            for &(lo, hi) in eq.search_range() {
                assert!(lo < hi, "{}", eq.name());
            }
        }
    }

    #[test]
    fn formula_candidates_fill_only_the_parameters_used() {
        let map =
            UserMap::parse("x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + z; z' = d*z").unwrap();
        let mut space = Space::formula(Arc::new(map));
        space.set_range("d", 0.1, 0.2).unwrap();
        for i in 0..100 {
            let c = candidate(&space, 3, i);
            assert_eq!(c.params.len(), 7);
            for (slot, v) in c.params.iter().enumerate() {
                match slot {
                    0..=2 => assert!((-2.0..=2.0).contains(v), "{v}"),
                    3 => assert!((0.1..=0.2).contains(v), "{v}"),
                    _ => assert_eq!(*v, 0.0),
                }
            }
            assert_ne!(c.start[2], 0.0, "a 3-D formula gets a z start");
            assert!(c.name.starts_with("Formula_s3_n"));
        }
        let err = space.set_range("e", 0.0, 1.0).unwrap_err();
        assert!(err.contains("expected one of a, b, c, d"), "{err}");
        let err = space.set_range("a", 1.0, 1.0).unwrap_err();
        assert!(err.contains("expected finite LO < HI"), "{err}");
    }
}
