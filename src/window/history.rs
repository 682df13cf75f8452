//! Undo/redo for the window: every settled change of the map (preset, parameters, start point,
//! formula), the style and the framed view is one step; at least [`STEPS`] are kept.

use crate::attractor::Preset;
use crate::histogram::Bounds;
use crate::shade::Style;

/// Steps kept (the oldest are dropped beyond this).
pub const STEPS: usize = 500;

/// What one history step restores.
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    /// Index of the preset in the picker the map came from.
    pub index: usize,
    /// The map, parameters and start point.
    pub preset: Preset,
    /// Tone map, palette and background.
    pub style: Style,
    /// The region the user framed, and where a reset returns to.
    pub framed: Bounds,
    /// Where a reset returns to.
    pub home: Bounds,
}

/// A linear history with a cursor: recording after an undo drops the steps that were ahead.
#[derive(Clone, Debug)]
pub struct History {
    steps: Vec<Look>,
    at: usize,
    cap: usize,
}

impl History {
    /// A history of `first` keeping the last [`STEPS`] steps.
    pub fn new(first: Look) -> History {
        History::with_capacity(first, STEPS)
    }

    /// A history of `first` keeping the last `cap` steps (at least 2).
    pub fn with_capacity(first: Look, cap: usize) -> History {
        History {
            steps: vec![first],
            at: 0,
            cap: cap.max(2),
        }
    }

    /// The step the window shows.
    pub fn current(&self) -> &Look {
        &self.steps[self.at]
    }

    /// Records `now` as a new step when it differs from the current one. Returns whether it did.
    pub fn record(&mut self, now: &Look) -> bool {
        if *now == self.steps[self.at] {
            return false;
        }
        self.steps.truncate(self.at + 1);
        self.steps.push(now.clone());
        if self.steps.len() > self.cap {
            self.steps.remove(0);
        }
        self.at = self.steps.len() - 1;
        true
    }

    /// Steps back; the look to show, if there is an earlier one.
    pub fn undo(&mut self) -> Option<&Look> {
        if self.at == 0 {
            return None;
        }
        self.at -= 1;
        Some(&self.steps[self.at])
    }

    /// Steps forward again after an undo.
    pub fn redo(&mut self) -> Option<&Look> {
        if self.at + 1 >= self.steps.len() {
            return None;
        }
        self.at += 1;
        Some(&self.steps[self.at])
    }

    /// (steps that can be undone, steps that can be redone).
    pub fn counts(&self) -> (usize, usize) {
        (self.at, self.steps.len() - 1 - self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Presets;

    fn look(a: f64) -> Look {
        let mut preset = Presets::builtin().all()[0].clone();
        preset.params[0] = a;
        let b = Bounds::new(-1.0, 1.0, -1.0, 1.0).unwrap();
        Look {
            index: 0,
            preset,
            style: Style::default(),
            framed: b,
            home: b,
        }
    }

    #[test]
    fn undo_redo_and_a_new_branch() {
        let mut h = History::new(look(0.0));
        assert!(!h.record(&look(0.0)), "no change, no step");
        for i in 1..=3 {
            assert!(h.record(&look(i as f64)));
        }
        assert_eq!(h.counts(), (3, 0));
        assert_eq!(h.undo().unwrap().preset.params[0], 2.0);
        assert_eq!(h.undo().unwrap().preset.params[0], 1.0);
        assert_eq!(h.redo().unwrap().preset.params[0], 2.0);
        assert_eq!(h.counts(), (2, 1));
        // the current step is recorded already: showing it again adds nothing
        assert!(!h.record(&look(2.0)));
        // a new change drops what was ahead
        assert!(h.record(&look(9.0)));
        assert!(h.redo().is_none());
        assert_eq!(h.counts(), (3, 0));
        while h.undo().is_some() {}
        assert_eq!(h.current().preset.params[0], 0.0);
    }

    #[test]
    fn keeps_at_least_a_hundred_steps() {
        let mut h = History::new(look(0.0));
        for i in 1..=(STEPS + 50) {
            h.record(&look(i as f64));
        }
        assert_eq!(h.counts().0, STEPS - 1);
        let mut undone = 0;
        while h.undo().is_some() {
            undone += 1;
        }
        assert!(undone >= 100);
        assert_eq!(h.current().preset.params[0], 51.0);
    }
}
