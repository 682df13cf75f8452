//! What the user is exploring: the map with its edits, the style, the view and the panel's
//! state.

use super::view::{FrameBudget, View};
use super::{history, panel_parts};
use crate::attractor::Preset;
use crate::job::Job;
use crate::shade::Style;

/// What the user is exploring.
pub struct Live {
    /// The presets browsed.
    pub presets: Vec<Preset>,
    /// Index of the current preset's origin in `presets`.
    pub index: usize,
    /// The current preset with the user's edits (parameters, start point).
    pub preset: Preset,
    /// The current tone map, palette and background.
    pub style: Style,
    /// What the picture shows (pan and zoom).
    pub view: View,
    /// Accumulation stopped (Space).
    pub paused: bool,
    /// The control panel is shown.
    pub panel: bool,
    /// Points per frame, adapted to the frame time.
    pub budget: FrameBudget,
    /// Points accumulated for the current job.
    pub points: u64,
    /// Set when the job changed and accumulation must restart.
    pub dirty: bool,
    /// The status line's message.
    pub message: String,
    /// Width and height of a saved PNG.
    pub save_size: (u32, u32),
    /// Points of a saved picture; `None`: as many as the window holds (at least 1e7).
    pub save_points: Option<u64>,
    /// The name typed for "save preset".
    pub new_preset_name: String,
    /// The preset picker's filter text.
    pub preset_filter: String,
    /// Undo and redo of presets, styles and views.
    pub history: history::History,
    /// Half-width of each parameter's slider (by index into `preset.params`), set when a map is
    /// loaded and widened only when a typed value leaves it.
    pub ranges: Vec<f64>,
    /// The parameter the arrow keys nudge (index into `preset.params`), and each one's step.
    pub selected: usize,
    /// Each parameter's nudge step (by index into `preset.params`).
    pub steps: Vec<f64>,
    /// The formula box: its text and the error of the last edit that did not compile.
    pub formula_text: String,
    /// The error of the last formula edit that did not compile.
    pub formula_error: Option<String>,
    /// "Surprise me" candidates received so far (newest last), shown as thumbnails.
    pub strip: Vec<panel_parts::Thumb>,
    /// "Surprise me" was asked for before a candidate was ready: jump to the next one.
    pub surprise_wanted: bool,
    /// Widget rectangles of the last panel frame, for `ATTRACTORS_TEST_LAYOUT`.
    pub probe: Vec<(String, egui::Rect)>,
}

impl Live {
    /// The job of the current view at `size` with `iters` points.
    pub fn job(&self, size: (u32, u32), iters: u64, skip: u64, seed: u64) -> Job {
        Job::new(
            self.preset.clone(),
            (size.0.max(1), size.1.max(1)),
            self.view.bounds,
            iters,
            skip,
            seed,
        )
    }
}
