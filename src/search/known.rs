//! Which search results an `.atr` file holds already, so a search run again (with more
//! `--tries`, say) appends only what is new.

use crate::attractor::Preset;
use anyhow::{Context, Result, anyhow};

/// Whether `a` and `b` draw the same attractor: the same map, the parameters it uses and start.
pub fn same_attractor(a: &Preset, b: &Preset) -> bool {
    let map = |p: &Preset| p.formula.as_ref().map(|m| m.canonical_text());
    let start = |p: &Preset| {
        let n = if p.uses_z() { 3 } else { 2 };
        p.start[..n].to_vec()
    };
    a.equation == b.equation
        && map(a) == map(b)
        && a.named_params() == b.named_params()
        && start(a) == start(b)
}

/// Marks the results the `.atr` file holds already (by [`same_attractor`]), giving them the
/// file's name for them, and renames the others whose generated name the file has (`_2`, `_3`,
/// ...). Returns which results are known.
pub fn mark_known<'a>(
    results: impl Iterator<Item = &'a mut Preset>,
    existing: &[Preset],
) -> Vec<bool> {
    let taken: Vec<String> = existing
        .iter()
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    let mut known = Vec::new();
    for p in results {
        if let Some(row) = existing.iter().find(|e| same_attractor(e, p)) {
            p.name = row.name.clone();
            known.push(true);
            continue;
        }
        let base = p.name.clone();
        let mut n = 2;
        while taken.contains(&p.name.to_ascii_lowercase()) {
            p.name = format!("{base}_{n}");
            n += 1;
        }
        known.push(false);
    }
    known
}

/// An append error, naming `--atr` (a path error names it already; the others do not).
pub fn atr_error(e: String) -> anyhow::Error {
    if e.starts_with("--atr") {
        anyhow!(e)
    } else {
        anyhow!("--atr: {e}")
    }
}

/// The presets of the `--atr` file (none when it does not exist yet), read as every input is.
pub fn existing_presets(path: &std::path::Path) -> Result<Vec<Preset>> {
    let limit = crate::attractor::atr::MAX_FILE_BYTES as u64;
    Ok(
        match crate::input::read_file(path, "--atr", limit, "preset file") {
            Ok(bytes) => {
                crate::attractor::atr::parse_appendable(&bytes, &path.display().to_string())
                    .with_context(|| format!("--atr {}", path.display()))?
            }
            Err(_) if !path.exists() => Vec::new(),
            Err(e) => return Err(e.into()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Presets;

    fn clifford(name: &str) -> Preset {
        Preset {
            name: name.into(),
            ..Presets::builtin().get("Clifford").unwrap().clone()
        }
    }

    #[test]
    fn a_known_result_takes_the_row_name_and_a_taken_name_gets_a_suffix() {
        let row = Preset {
            palette: Some("fire".into()),
            ..clifford("Mine")
        };
        let mut other = clifford("Mine");
        other.params[1] += 0.5;
        let existing = [row, other.clone()];
        // the same map, parameters and start (the look does not matter): known, named as the row
        let mut same = clifford("Clifford_s1_n0");
        // other parameters under a name the file has: new, renamed
        let mut new = clifford("Mine");
        new.params[0] += 0.25;
        let known = mark_known([&mut same, &mut new].into_iter(), &existing);
        assert_eq!(known, [true, false]);
        assert_eq!((same.name.as_str(), new.name.as_str()), ("Mine", "Mine_2"));
        // z does not matter to a 2-D map; x does
        let mut moved = clifford("x");
        moved.start[2] += 1.0;
        assert!(same_attractor(&moved, &existing[0]));
        moved.start[0] += 1.0;
        assert!(!same_attractor(&moved, &existing[0]));
    }
}
