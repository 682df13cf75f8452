//! Candidate generation: candidate `i` of a search is a pure function of (equation, seed, i), drawn
//! with the counter-based PCG hash of [`crate::rng`], so any thread can make any candidate and a
//! search gives the same results on any number of threads.
//!
//! Each parameter is uniform in the range written beside the equation's formula
//! ([`Equation::search_range`]) and rounded to 4 significant digits of that range's width, so the
//! `.atr` row a user saves reproduces the screened orbit exactly. The start point is uniform in
//! [-1, 1]^2 (z as well for 3-D maps), rounded to 4 decimals. symmetric_icon's degree is rounded
//! down to a whole number.

use crate::attractor::{Equation, Preset};
use crate::rng::{hash3, pcg, seed_key};

/// Palettes given to search results (the datashader example's, which read well on black).
pub const PALETTES: [&str; 9] = [
    "fire", "kbc", "bgy", "bmw", "bmy", "kgy", "bgyw", "inferno", "viridis",
];

/// A uniform number in [0, 1) from (key, index, slot), 32 random bits.
fn unit(key: u32, index: u32, slot: u32) -> f64 {
    hash3(key, index, slot) as f64 / 4_294_967_296.0
}

/// Rounds `v` to `decimals` decimal places.
fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The key of a search: the seed and the equation, so two equations searched with the same seed
/// do not share their random numbers.
fn key(equation: Equation, seed: u64) -> u32 {
    let eq = Equation::ALL
        .iter()
        .position(|e| *e == equation)
        .unwrap_or(0) as u32;
    seed_key(seed) ^ pcg(eq ^ 0x5eed_0000)
}

/// Candidate `index` of the search of `equation` with `seed`.
pub fn candidate(equation: Equation, seed: u64, index: u32) -> Preset {
    let key = key(equation, seed);
    let mut params: Vec<f64> = equation
        .search_range()
        .iter()
        .enumerate()
        .map(|(slot, &(lo, hi))| {
            let width = hi - lo;
            let decimals = 4 - width.log10().floor() as i32;
            round_to(lo + width * unit(key, index, slot as u32), decimals).clamp(lo, hi)
        })
        .collect();
    if equation == Equation::SymmetricIcon {
        params[5] = params[5].floor();
    }
    let start = |slot: u32| round_to(2.0 * unit(key, index, 16 + slot) - 1.0, 4);
    let z = if equation == Equation::Pickover {
        start(2)
    } else {
        0.0
    };
    let palette = PALETTES[(unit(key, index, 32) * PALETTES.len() as f64) as usize];
    Preset {
        formula: None,
        name: name(equation, seed, index),
        equation,
        start: [start(0), start(1), z],
        params,
        palette: Some(palette.to_string()),
        line: 0,
    }
}

/// The generated name of candidate `index`: `De_Jong_s42_n1234` (equation in the presets' style,
/// seed, candidate index), so the name alone says how to find it again.
pub fn name(equation: Equation, seed: u64, index: u32) -> String {
    let title: Vec<String> = equation
        .name()
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
                let c = candidate(eq, 7, i);
                assert_eq!(c, candidate(eq, 7, i));
                assert_eq!(c.params.len(), eq.params().len());
                check_params(eq, &c.params).unwrap();
                for (v, (lo, hi)) in c.params.iter().zip(eq.search_range()) {
                    assert!(v >= lo && v <= hi, "{} {v} not in {lo}..{hi}", eq.name());
                }
                assert!(c.start[0].abs() <= 1.0 && c.start[1].abs() <= 1.0);
            }
        }
        assert_ne!(
            candidate(Equation::Clifford, 1, 0).params,
            candidate(Equation::Clifford, 2, 0).params
        );
        assert_ne!(
            candidate(Equation::Clifford, 1, 0).params,
            candidate(Equation::Clifford, 1, 1).params
        );
    }

    #[test]
    fn names_follow_the_preset_style() {
        assert_eq!(name(Equation::DeJong, 42, 1234), "De_Jong_s42_n1234");
        assert_eq!(name(Equation::Clifford, 0, 5), "Clifford_s0_n5");
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
}
