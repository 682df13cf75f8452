//! The result warnings of an animation's frames (those of a still render, see
//! [`crate::warnings`]), gathered frame by frame and summarised by kind at the end in one line
//! each: "frames 19-23 and 36-40 of 48 are blank ...".

use crate::warnings::Problem;
use std::collections::BTreeMap;

/// The frames with each kind of problem, and the first such frame's own warning.
#[derive(Debug, Default)]
pub struct FrameProblems {
    by_kind: BTreeMap<Problem, (Vec<u64>, String)>,
}

impl FrameProblems {
    /// Notes the warnings of frame index `i` (rendered in any order).
    pub fn add(&mut self, i: u64, problems: Vec<(Problem, String)>) {
        for (kind, message) in problems {
            let entry = self
                .by_kind
                .entry(kind)
                .or_insert((Vec::new(), String::new()));
            entry.0.push(i);
            if entry.0.iter().all(|&f| f >= i) {
                entry.1 = message;
            }
        }
    }

    /// One line a kind, frames numbered from 1: `frames 19-23 and 36-40 of 48 are {label}
    /// (frame 19: {its warning})`.
    pub fn summary(&self, frames: u64) -> Vec<String> {
        self.by_kind
            .iter()
            .map(|(kind, (list, first))| {
                let mut list = list.clone();
                list.sort_unstable();
                list.dedup();
                let noun = if list.len() == 1 { "frame" } else { "frames" };
                format!(
                    "{noun} {} of {frames} {} {} (frame {}: {first})",
                    ranges(&list),
                    if list.len() == 1 { "is" } else { "are" },
                    kind.label(),
                    list[0] + 1
                )
            })
            .collect()
    }
}

/// Sorted frame indices as 1-based runs: `3-5, 9 and 12-13`.
fn ranges(sorted: &[u64]) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &i in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let text: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                format!("{}", a + 1)
            } else {
                format!("{}-{}", a + 1, b + 1)
            }
        })
        .collect();
    match text.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => text.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_summarised_in_runs_by_kind() {
        let mut p = FrameProblems::default();
        for i in [22, 18, 19, 20, 21, 35, 36, 37, 38, 39] {
            p.add(i, vec![(Problem::Blank, format!("blank {i}"))]);
        }
        p.add(5, vec![(Problem::Collapsed, "dot".into())]);
        let s = p.summary(48);
        assert_eq!(
            s,
            vec![
                "frames 19-23 and 36-40 of 48 are blank (no point inside the bounds) (frame 19: blank 18)",
                "frame 6 of 48 is nearly black (the orbit collapses to a few pixels) (frame 6: dot)",
            ]
        );
        assert!(FrameProblems::default().summary(3).is_empty());
        assert_eq!(ranges(&[0, 2, 3, 5]), "1, 3-4 and 6");
    }
}
