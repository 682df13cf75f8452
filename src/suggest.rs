//! "Did you mean" suggestions for unknown names (presets, equations, palettes, shades).

/// Returns `"; did you mean a, b?"` with up to three close names (Jaro-Winkler, case-insensitive),
/// or an empty string when nothing is close.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let wanted = wanted.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&wanted, &k.to_ascii_lowercase()), k))
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let names: Vec<&str> = scored.iter().take(3).map(|(_, k)| *k).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_close_names_only() {
        let s = super::did_you_mean("clifort", ["clifford", "de_jong", "henon"]);
        assert_eq!(s, "; did you mean clifford?");
        assert_eq!(super::did_you_mean("zzzz", ["clifford"]), "");
    }
}
