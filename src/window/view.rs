//! The window's interaction logic, free of winit and wgpu so it is unit-tested: the view (pan and
//! zoom maths, framing), the key-to-action map and the per-frame point budget.

use crate::histogram::Bounds;
use std::time::Instant;

/// The plot bounds shown in the picture area, the region the user framed, and the bounds a reset
/// returns to.
///
/// `framed` is what the user asked to see (the home bounds, or the result of the last pan or
/// zoom); `bounds` is `framed` widened to the picture area's proportions. When the area changes
/// (the panel opens or closes, the window is resized) `bounds` is fitted anew from `framed`, so
/// opening and closing the panel returns to exactly the same view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The bounds shown: `framed` widened to the picture area's proportions.
    pub bounds: Bounds,
    /// The region the user framed (see above).
    pub framed: Bounds,
    /// The bounds a reset returns to.
    pub home: Bounds,
    /// The picture area in pixels.
    pub area: (u32, u32),
}

/// `b` widened to the proportions of a `w x h` area (unchanged when it has them already, so a
/// view that fills the area survives a round trip exactly).
fn fit(b: Bounds, (w, h): (u32, u32)) -> Bounds {
    let (sx, sy) = ((b.xmax - b.xmin) / w as f64, (b.ymax - b.ymin) / h as f64);
    if (sx - sy).abs() <= 1e-12 * sx.max(sy) {
        b
    } else {
        b.with_equal_aspect(w, h)
    }
}

impl View {
    /// A view of `home` on an `area` of pixels (at least 1 x 1).
    pub fn new(home: Bounds, area: (u32, u32)) -> View {
        let area = (area.0.max(1), area.1.max(1));
        View {
            bounds: fit(home, area),
            framed: home,
            home,
            area,
        }
    }

    /// The picture area is now `w x h`: show the framed region in it with true proportions.
    /// Returns whether the bounds changed.
    pub fn set_area(&mut self, w: u32, h: u32) -> bool {
        let area = (w.max(1), h.max(1));
        let before = self.bounds;
        self.area = area;
        self.bounds = fit(self.framed, area);
        self.bounds != before
    }

    /// Shows `framed` (fitted to the area), as after a pan or zoom to it.
    pub fn frame(&mut self, framed: Bounds) {
        self.framed = framed;
        self.bounds = fit(framed, self.area);
    }

    /// Map coordinates of a pixel position (x right, y down, in the picture area).
    pub fn to_map(&self, px: f64, py: f64) -> (f64, f64) {
        let b = &self.bounds;
        let (w, h) = self.area;
        (
            b.xmin + (b.xmax - b.xmin) * px / w as f64,
            b.ymax - (b.ymax - b.ymin) * py / h as f64,
        )
    }

    /// Moves the view so the content follows a drag of (dx, dy) pixels.
    pub fn pan(&mut self, dx: f64, dy: f64) {
        let b = self.bounds;
        let (w, h) = self.area;
        let (sx, sy) = ((b.xmax - b.xmin) / w as f64, (b.ymax - b.ymin) / h as f64);
        self.bounds = Bounds {
            xmin: b.xmin - dx * sx,
            xmax: b.xmax - dx * sx,
            ymin: b.ymin + dy * sy,
            ymax: b.ymax + dy * sy,
        };
        self.framed = self.bounds;
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the map point under the cursor fixed.
    pub fn zoom(&mut self, factor: f64, px: f64, py: f64) {
        let (cx, cy) = self.to_map(px, py);
        let b = self.bounds;
        let f = factor.clamp(1e-3, 1e3);
        let nb = Bounds {
            xmin: cx - (cx - b.xmin) / f,
            xmax: cx + (b.xmax - cx) / f,
            ymin: cy - (cy - b.ymin) / f,
            ymax: cy + (b.ymax - cy) / f,
        };
        // Keep a usable range: not below f32 resolution, not beyond the divergence limit.
        let span = (nb.xmax - nb.xmin).min(nb.ymax - nb.ymin);
        let scale = nb
            .xmax
            .abs()
            .max(nb.xmin.abs())
            .max(nb.ymax.abs())
            .max(nb.ymin.abs())
            .max(1.0);
        if span > scale * 1e-5
            && (nb.xmax - nb.xmin) < 1e9
            && Bounds::new(nb.xmin, nb.xmax, nb.ymin, nb.ymax).is_ok()
        {
            self.bounds = nb;
            self.framed = nb;
        }
    }

    /// Returns to the home bounds.
    pub fn reset(&mut self) {
        self.frame(self.home);
    }
}

/// Points per second for the title, measured over about a second from the running total of
/// points shown: a restart (the total drops) counts the new points as added, so a change of
/// preset or view does not read as a stall.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    since: Instant,
    added: u64,
    last_total: u64,
    per_sec: Option<f64>,
}

impl Rate {
    /// A rate with nothing measured yet, starting at `now`.
    pub fn new(now: Instant) -> Rate {
        Rate {
            since: now,
            added: 0,
            last_total: 0,
            per_sec: None,
        }
    }

    /// The window shows `total` points at `now`.
    pub fn saw(&mut self, total: u64, now: Instant) {
        self.added += total.checked_sub(self.last_total).unwrap_or(total);
        self.last_total = total;
        let dt = now.saturating_duration_since(self.since).as_secs_f64();
        if dt >= 1.0 {
            self.per_sec = Some(self.added as f64 / dt);
            self.added = 0;
            self.since = now;
        }
    }

    /// "12.3 M points/s"; "paused" while paused; "measuring" before the first second.
    pub fn text(&self, paused: bool) -> String {
        match (paused, self.per_sec) {
            (true, _) => "paused".into(),
            (false, None) => "measuring points/s".into(),
            (false, Some(r)) => format!("{:.1} M points/s", r / 1e6),
        }
    }
}

/// The zoom factor of a wheel turn of `lines` notches (or trackpad pixels / 40): 10% per notch,
/// 1% with Shift, so a trackpad's many small steps zoom smoothly.
pub fn wheel_factor(lines: f64, fine: bool) -> f64 {
    let per_notch: f64 = if fine { 1.01 } else { 1.1 };
    per_notch.powf(lines)
}

/// What a key press does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Show or hide the control panel.
    TogglePanel,
    /// Pause or resume accumulation.
    Pause,
    /// Go to the next preset.
    NextPreset,
    /// Go to the previous preset.
    PreviousPreset,
    /// Switch to the next palette.
    NextPalette,
    /// Save the picture as a PNG.
    SavePng,
    /// Return to the home view.
    ResetView,
    /// Frame the attractor as it is now.
    Fit,
    /// Start or stop recording keyframes.
    Record,
    /// Undo the last change of preset, style or view.
    Undo,
    /// Redo what was undone.
    Redo,
    /// Show the next "surprise me" candidate.
    Surprise,
    /// Nudge the selected parameter by this many steps (Shift: tenths of a step).
    Nudge(i8),
    /// Select the previous (-1) or next (+1) parameter for nudging.
    SelectParam(i8),
    /// Close the window.
    Quit,
}

impl Action {
    /// Whether holding the key repeats the action: nudges, parameter selection and undo/redo do;
    /// the rest act once per press (a held M, or a press the X server repeats because the
    /// machine was slow to see its release, would skip candidates, presets or saves).
    pub fn repeats(self) -> bool {
        matches!(
            self,
            Action::Nudge(_) | Action::SelectParam(_) | Action::Undo | Action::Redo
        )
    }
}

/// A key as the window sees it: a character or a named key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyName {
    /// A printable character, as typed.
    Char(String),
    /// Tab.
    Tab,
    /// F1.
    F1,
    /// The space bar.
    Space,
    /// Escape.
    Escape,
    /// Left arrow.
    Left,
    /// Right arrow.
    Right,
    /// Up arrow.
    Up,
    /// Down arrow.
    Down,
    /// Any other key.
    Other,
}

/// Modifier keys held with a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mods {
    /// Control is held.
    pub ctrl: bool,
    /// Shift is held.
    pub shift: bool,
}

/// The key map: Tab/F1 panel, Space pause, N/P next/previous preset, C next palette, S save PNG,
/// R reset view, F fit the view to the attractor, K record keyframes, M
/// surprise me, Ctrl-Z undo, Ctrl-Shift-Z or Ctrl-Y redo, Left/Right nudge the
/// selected parameter, Up/Down select it, Esc/Q quit.
pub fn action_for(key: &KeyName, mods: Mods) -> Option<Action> {
    if mods.ctrl {
        return match key {
            KeyName::Char(c) => match c.to_ascii_lowercase().as_str() {
                "z" if mods.shift => Some(Action::Redo),
                "z" => Some(Action::Undo),
                "y" => Some(Action::Redo),
                _ => None,
            },
            _ => None,
        };
    }
    match key {
        KeyName::Tab | KeyName::F1 => Some(Action::TogglePanel),
        KeyName::Space => Some(Action::Pause),
        KeyName::Escape => Some(Action::Quit),
        KeyName::Left => Some(Action::Nudge(-1)),
        KeyName::Right => Some(Action::Nudge(1)),
        KeyName::Up => Some(Action::SelectParam(-1)),
        KeyName::Down => Some(Action::SelectParam(1)),
        KeyName::Char(c) => match c.to_ascii_lowercase().as_str() {
            "n" => Some(Action::NextPreset),
            "p" => Some(Action::PreviousPreset),
            "c" => Some(Action::NextPalette),
            "s" => Some(Action::SavePng),
            "r" => Some(Action::ResetView),
            "f" => Some(Action::Fit),
            "k" => Some(Action::Record),
            "m" => Some(Action::Surprise),
            "q" => Some(Action::Quit),
            _ => None,
        },
        KeyName::Other => None,
    }
}

/// Points per frame, adapted so a frame's accumulation takes about `target` seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameBudget {
    /// Points the next frame accumulates.
    pub points: u64,
    /// The fewest points a frame accumulates.
    pub min: u64,
    /// The most points a frame accumulates.
    pub max: u64,
    /// Seconds a frame's accumulation should take.
    pub target: f64,
}

impl FrameBudget {
    /// A budget aiming at `target` seconds per frame, from 1e5 points.
    pub fn new(target: f64) -> FrameBudget {
        FrameBudget {
            points: 100_000,
            min: 10_000,
            max: 4_000_000_000,
            target,
        }
    }

    /// After a frame whose accumulation of `self.points` took `seconds`: scale towards the target,
    /// at most 2x up or down per frame (no oscillation on a noisy frame).
    pub fn update(&mut self, seconds: f64) {
        let ratio = (self.target / seconds.max(1e-6)).clamp(0.5, 2.0);
        self.points = ((self.points as f64 * ratio) as u64).clamp(self.min, self.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        View::new(Bounds::new(-2.0, 2.0, -1.0, 1.0).unwrap(), (400, 200))
    }

    #[test]
    fn pixel_to_map_and_pan() {
        let mut v = view();
        assert_eq!(v.to_map(0.0, 0.0), (-2.0, 1.0));
        assert_eq!(v.to_map(400.0, 200.0), (2.0, -1.0));
        // dragging right by a quarter of the width moves the view left by a quarter of its range
        v.pan(100.0, 0.0);
        assert_eq!(
            v.bounds,
            Bounds {
                xmin: -3.0,
                xmax: 1.0,
                ymin: -1.0,
                ymax: 1.0
            }
        );
        // dragging down shows what is above
        v.pan(0.0, 50.0);
        assert_eq!(
            v.bounds,
            Bounds {
                xmin: -3.0,
                xmax: 1.0,
                ymin: -0.5,
                ymax: 1.5
            }
        );
        v.reset();
        assert_eq!(v, view());
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut v = view();
        let (px, py) = (300.0, 50.0);
        let before = v.to_map(px, py);
        v.zoom(2.0, px, py);
        let after = v.to_map(px, py);
        assert!((before.0 - after.0).abs() < 1e-12 && (before.1 - after.1).abs() < 1e-12);
        assert!((v.bounds.xmax - v.bounds.xmin - 2.0).abs() < 1e-12);
        v.zoom(0.5, px, py);
        assert!((v.bounds.xmax - v.bounds.xmin - 4.0).abs() < 1e-12);
        // zooming in without end stops at f32 resolution
        for _ in 0..100 {
            v.zoom(10.0, 200.0, 100.0);
        }
        assert!(v.bounds.xmax - v.bounds.xmin > 1e-6);
    }

    #[test]
    fn a_narrower_area_shows_all_of_the_framed_region_and_back() {
        let mut v = view();
        v.pan(40.0, -10.0);
        let framed = v.bounds;
        // the panel takes 150 pixels: everything framed stays visible, at true proportions
        assert!(v.set_area(250, 200));
        let b = v.bounds;
        assert!(b.xmin <= framed.xmin && b.xmax >= framed.xmax);
        assert!(b.ymin <= framed.ymin && b.ymax >= framed.ymax);
        let per_px = |b: Bounds, (w, h): (u32, u32)| {
            ((b.xmax - b.xmin) / w as f64, (b.ymax - b.ymin) / h as f64)
        };
        let (sx, sy) = per_px(b, (250, 200));
        assert!((sx - sy).abs() < 1e-12);
        // the panel closes: exactly the view before
        assert!(v.set_area(400, 200));
        assert_eq!(v.bounds, framed);
        assert!(!v.set_area(400, 200));
    }

    #[test]
    fn a_wheel_notch_zooms_finely() {
        assert!((wheel_factor(1.0, false) - 1.1).abs() < 1e-12);
        assert!((wheel_factor(-1.0, false) - 1.0 / 1.1).abs() < 1e-12);
        assert!((wheel_factor(1.0, true) - 1.01).abs() < 1e-12);
        // ten trackpad steps of a tenth zoom as much as one notch
        let f: f64 = (0..10).map(|_| wheel_factor(0.1, false)).product();
        assert!((f - 1.1).abs() < 1e-9);
    }

    #[test]
    fn keys_map_to_actions() {
        let none = Mods::default();
        let key = |c: &str| KeyName::Char(c.into());
        assert_eq!(action_for(&KeyName::Tab, none), Some(Action::TogglePanel));
        assert_eq!(action_for(&KeyName::F1, none), Some(Action::TogglePanel));
        assert_eq!(action_for(&KeyName::Space, none), Some(Action::Pause));
        assert_eq!(action_for(&key("N"), none), Some(Action::NextPreset));
        assert_eq!(action_for(&key("p"), none), Some(Action::PreviousPreset));
        assert_eq!(action_for(&key("c"), none), Some(Action::NextPalette));
        assert_eq!(action_for(&key("s"), none), Some(Action::SavePng));
        assert_eq!(action_for(&key("r"), none), Some(Action::ResetView));
        assert_eq!(action_for(&key("f"), none), Some(Action::Fit));
        assert_eq!(action_for(&key("k"), none), Some(Action::Record));
        assert_eq!(action_for(&key("m"), none), Some(Action::Surprise));
        assert!(!Action::Surprise.repeats() && !Action::SavePng.repeats());
        assert!(Action::Nudge(1).repeats() && Action::Undo.repeats());
        assert_eq!(action_for(&key("q"), none), Some(Action::Quit));
        assert_eq!(action_for(&KeyName::Escape, none), Some(Action::Quit));
        assert_eq!(action_for(&key("x"), none), None);
        assert_eq!(action_for(&KeyName::Left, none), Some(Action::Nudge(-1)));
        assert_eq!(action_for(&KeyName::Right, none), Some(Action::Nudge(1)));
        assert_eq!(
            action_for(&KeyName::Down, none),
            Some(Action::SelectParam(1))
        );
        let ctrl = Mods {
            ctrl: true,
            shift: false,
        };
        let ctrl_shift = Mods {
            ctrl: true,
            shift: true,
        };
        assert_eq!(action_for(&key("z"), ctrl), Some(Action::Undo));
        assert_eq!(action_for(&key("Z"), ctrl_shift), Some(Action::Redo));
        assert_eq!(action_for(&key("y"), ctrl), Some(Action::Redo));
        // Ctrl-S is not S
        assert_eq!(action_for(&key("s"), ctrl), None);
    }

    #[test]
    fn the_rate_counts_the_points_of_a_restart() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + std::time::Duration::from_millis(ms);
        let mut r = Rate::new(t0);
        assert_eq!(r.text(false), "measuring points/s");
        r.saw(4_000_000, at(500));
        // a restart: the total drops to the new run's 2 M points, which were added all the same
        r.saw(2_000_000, at(1000));
        assert_eq!(r.text(false), "6.0 M points/s");
        r.saw(5_000_000, at(2000));
        assert_eq!(r.text(false), "3.0 M points/s");
        assert_eq!(r.text(true), "paused");
    }

    #[test]
    fn budget_converges_to_the_frame_target() {
        let mut b = FrameBudget::new(0.016);
        // a renderer doing 50 M points/s
        for _ in 0..30 {
            let t = b.points as f64 / 50e6;
            b.update(t);
        }
        let t = b.points as f64 / 50e6;
        assert!((t - 0.016).abs() < 0.002, "{t}");
        // a slow frame halves at most
        let p = b.points;
        b.update(10.0);
        assert_eq!(b.points, p / 2);
        b.update(1e-9);
        assert_eq!(b.points, p);
    }
}
