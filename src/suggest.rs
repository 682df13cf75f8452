//! "Did you mean" suggestions for unknown names (presets, equations, palettes, shades, functions).
//!
//! A name is close when it is a few typing slips away (optimal string alignment distance: an
//! insertion, a deletion, a substitution or a swap of two neighbours each count one) or when the
//! Jaro-Winkler similarity is high (a long name with a shared prefix). Close names are ranked by
//! that distance, then by length (the shorter, plainer name first), then in the order the caller
//! lists them (callers list the common names first), so `cso` suggests `cos` before `cosh`.

/// Most suggestions shown.
const MAX_SUGGESTIONS: usize = 3;
/// Jaro-Winkler similarity at or above which a name is close whatever its distance.
const MIN_SIMILARITY: f64 = 0.8;

/// The most typing slips that still make a name of `len` characters close: one for short names,
/// about one per three characters for longer ones.
fn max_slips(len: usize) -> usize {
    (len / 3).max(1)
}

/// Returns `"; did you mean a, b?"` with up to three close names (case-insensitive), closest
/// first, or an empty string when nothing is close.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let names = closest(wanted, known);
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", names.join(", "))
    }
}

/// Up to three close names, ranked (see the module docs).
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, usize, usize, &str)> = known
        .into_iter()
        .enumerate()
        .filter_map(|(order, k)| {
            let lower = k.to_ascii_lowercase();
            let slips = strsim::osa_distance(&wanted, &lower);
            let close = slips <= max_slips(wanted.chars().count())
                || strsim::jaro_winkler(&wanted, &lower) >= MIN_SIMILARITY;
            close.then_some((slips, k.len(), order, k))
        })
        .collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.3 == b.3);
    scored
        .iter()
        .take(MAX_SUGGESTIONS)
        .map(|&(.., k)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let s = did_you_mean("clifort", ["clifford", "de_jong", "henon"]);
        assert_eq!(s, "; did you mean clifford?");
        assert_eq!(did_you_mean("zzzz", ["clifford"]), "");
    }

    #[test]
    fn ranks_by_slips_then_length_then_order() {
        let funcs = ["sin", "cos", "tan", "sinh", "cosh", "tanh", "sign", "sqrt"];
        // a swap is one slip: cos before cosh (two)
        assert_eq!(closest("cso", funcs)[0], "cos");
        // one slip each: the shorter first, then the caller's order
        assert_eq!(closest("sinn", funcs), ["sin", "sinh", "sign"]);
        assert_eq!(closest("coss", funcs)[..2], ["cos", "cosh"]);
        // case does not count as a slip
        assert_eq!(closest("COS", funcs)[0], "cos");
    }
}
