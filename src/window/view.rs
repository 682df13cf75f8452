//! The window's interaction logic, free of winit and wgpu so it is unit-tested: the view (pan and
//! zoom maths), the key-to-action map and the per-frame point budget.

use crate::histogram::Bounds;

/// The plot bounds shown in the window, and the bounds a reset returns to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub bounds: Bounds,
    pub home: Bounds,
}

impl View {
    pub fn new(home: Bounds) -> View {
        View { bounds: home, home }
    }

    /// Map coordinates of a pixel position (x right, y down, in a `w x h` window).
    pub fn to_map(&self, px: f64, py: f64, w: u32, h: u32) -> (f64, f64) {
        let b = &self.bounds;
        (
            b.xmin + (b.xmax - b.xmin) * px / w as f64,
            b.ymax - (b.ymax - b.ymin) * py / h as f64,
        )
    }

    /// Moves the view so the content follows a drag of (dx, dy) pixels.
    pub fn pan(&mut self, dx: f64, dy: f64, w: u32, h: u32) {
        let b = self.bounds;
        let (sx, sy) = ((b.xmax - b.xmin) / w as f64, (b.ymax - b.ymin) / h as f64);
        self.bounds = Bounds {
            xmin: b.xmin - dx * sx,
            xmax: b.xmax - dx * sx,
            ymin: b.ymin + dy * sy,
            ymax: b.ymax + dy * sy,
        };
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the map point under the cursor fixed.
    pub fn zoom(&mut self, factor: f64, px: f64, py: f64, w: u32, h: u32) {
        let (cx, cy) = self.to_map(px, py, w, h);
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
        }
    }

    pub fn reset(&mut self) {
        self.bounds = self.home;
    }
}

/// What a key press does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    TogglePanel,
    Pause,
    NextPreset,
    PreviousPreset,
    NextPalette,
    SavePng,
    ResetView,
    Quit,
}

/// A key as the window sees it: a character or a named key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyName {
    Char(String),
    Tab,
    F1,
    Space,
    Escape,
    Other,
}

/// The key map: Tab/F1 panel, Space pause, N/P next/previous preset, C next palette, S save PNG,
/// R reset view, Esc/Q quit.
pub fn action_for(key: &KeyName) -> Option<Action> {
    match key {
        KeyName::Tab | KeyName::F1 => Some(Action::TogglePanel),
        KeyName::Space => Some(Action::Pause),
        KeyName::Escape => Some(Action::Quit),
        KeyName::Char(c) => match c.to_ascii_lowercase().as_str() {
            "n" => Some(Action::NextPreset),
            "p" => Some(Action::PreviousPreset),
            "c" => Some(Action::NextPalette),
            "s" => Some(Action::SavePng),
            "r" => Some(Action::ResetView),
            "q" => Some(Action::Quit),
            _ => None,
        },
        KeyName::Other => None,
    }
}

/// Points per frame, adapted so a frame's accumulation takes about `target` seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameBudget {
    pub points: u64,
    pub min: u64,
    pub max: u64,
    pub target: f64,
}

impl FrameBudget {
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
        View::new(Bounds::new(-2.0, 2.0, -1.0, 1.0).unwrap())
    }

    #[test]
    fn pixel_to_map_and_pan() {
        let mut v = view();
        assert_eq!(v.to_map(0.0, 0.0, 400, 200), (-2.0, 1.0));
        assert_eq!(v.to_map(400.0, 200.0, 400, 200), (2.0, -1.0));
        // dragging right by a quarter of the width moves the view left by a quarter of its range
        v.pan(100.0, 0.0, 400, 200);
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
        v.pan(0.0, 50.0, 400, 200);
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
        let before = v.to_map(px, py, 400, 200);
        v.zoom(2.0, px, py, 400, 200);
        let after = v.to_map(px, py, 400, 200);
        assert!((before.0 - after.0).abs() < 1e-12 && (before.1 - after.1).abs() < 1e-12);
        assert!((v.bounds.xmax - v.bounds.xmin - 2.0).abs() < 1e-12);
        v.zoom(0.5, px, py, 400, 200);
        assert!((v.bounds.xmax - v.bounds.xmin - 4.0).abs() < 1e-12);
        // zooming in without end stops at f32 resolution
        for _ in 0..100 {
            v.zoom(10.0, 200.0, 100.0, 400, 200);
        }
        assert!(v.bounds.xmax - v.bounds.xmin > 1e-6);
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(action_for(&KeyName::Tab), Some(Action::TogglePanel));
        assert_eq!(action_for(&KeyName::F1), Some(Action::TogglePanel));
        assert_eq!(action_for(&KeyName::Space), Some(Action::Pause));
        assert_eq!(
            action_for(&KeyName::Char("N".into())),
            Some(Action::NextPreset)
        );
        assert_eq!(
            action_for(&KeyName::Char("p".into())),
            Some(Action::PreviousPreset)
        );
        assert_eq!(
            action_for(&KeyName::Char("c".into())),
            Some(Action::NextPalette)
        );
        assert_eq!(
            action_for(&KeyName::Char("s".into())),
            Some(Action::SavePng)
        );
        assert_eq!(
            action_for(&KeyName::Char("r".into())),
            Some(Action::ResetView)
        );
        assert_eq!(action_for(&KeyName::Char("q".into())), Some(Action::Quit));
        assert_eq!(action_for(&KeyName::Escape), Some(Action::Quit));
        assert_eq!(action_for(&KeyName::Char("x".into())), None);
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
