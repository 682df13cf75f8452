//! What the window says about the picture as it accumulates: the command line's result warnings
//! (blank, collapsed, diverged, a few dots: [`crate::warnings`]) in the status line, and framing
//! the attractor (F and the panel's "fit view", and by itself when a change of the map moves the
//! attractor out of view).

use super::{App, home_bounds};
use crate::attractor::Preset;
use crate::histogram::Histogram;

/// Points a picture holds before it is judged.
const JUDGE_AFTER: u64 = 200_000;

/// The last judgement: the map judged and the fraction of its points inside the view.
#[derive(Default)]
pub struct Judged {
    /// Set by a restart: the picture shown has not been judged yet.
    pub pending: bool,
    last: Option<(Preset, f64)>,
    /// The status line holds a warning of ours (cleared when the picture is fine again).
    warned: bool,
}

/// Whether a change of the map from `before` (inside fraction) to `now` lost the attractor:
/// nothing inside the view any more, or less than a quarter of the share inside before.
pub fn left_the_view(before: f64, now: f64) -> bool {
    now == 0.0 || now < 0.25 * before
}

fn inside(hist: &Histogram) -> f64 {
    hist.tally.counted as f64 / hist.tally.total().max(1) as f64
}

impl App {
    /// Judges the picture once per restart, after [`JUDGE_AFTER`] points and once the change
    /// has settled (it is the current history step): shows the warnings of a finished render,
    /// and frames the attractor again when a change of the map moved it out of view.
    pub(super) fn check_result(&mut self) {
        let (Some(live), Some(hist)) = (self.live.as_ref(), self.last_hist.as_ref()) else {
            return;
        };
        let settled = live.history.current().preset == live.preset;
        if !self.judged.pending || !settled || hist.tally.total() < JUDGE_AFTER {
            return;
        }
        self.judged.pending = false;
        let job = live.job(
            (hist.width, hist.height),
            hist.tally.total(),
            self.opts.skip,
            self.opts.seed,
        );
        let warnings = crate::warnings::check_result(hist, &job, false);
        let now = inside(hist);
        let moved = self
            .judged
            .last
            .as_ref()
            .is_some_and(|(p, before)| *p != live.preset && left_the_view(*before, now));
        self.judged.last = Some((live.preset.clone(), now));
        let warned = self.judged.warned;
        let Some(live) = self.live.as_mut() else {
            return;
        };
        if !warnings.is_empty() {
            live.message = format!("warning: {}", warnings.join("; "));
            self.judged.warned = true;
        } else if warned {
            live.message.clear();
            self.judged.warned = false;
        }
        if moved && hist.tally.diverged < hist.tally.total() {
            self.fit_view();
            if let Some(live) = self.live.as_mut() {
                live.message =
                    "the change moved the attractor out of view: framed it again (F)".into();
            }
        }
    }

    /// Frames the attractor as it is now (its automatic bounds, which R returns to from now
    /// on); says why in the status line when it cannot be framed.
    pub(super) fn fit_view(&mut self) {
        let (skip, seed) = (self.opts.skip, self.opts.seed);
        let Some(live) = self.live.as_mut() else {
            return;
        };
        let (w, h) = live.view.area;
        match home_bounds(&live.preset, skip, seed, w, h) {
            Ok(b) => {
                live.view.home = b;
                live.view.frame(b);
                live.dirty = true;
            }
            Err(e) => live.message = format!("cannot frame this map: {e:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::left_the_view;

    #[test]
    fn a_map_change_that_empties_the_view_is_noticed() {
        assert!(left_the_view(0.9, 0.0));
        assert!(left_the_view(0.9, 0.1));
        assert!(!left_the_view(0.9, 0.8));
        // a view zoomed into a detail keeps a small share inside: a small change keeps it
        assert!(!left_the_view(0.05, 0.04));
        assert!(left_the_view(0.05, 0.0));
    }
}
