//! The panel's state helpers and its newer sections: parameter ranges and steps (fine control),
//! the formula box, the "surprise me" strip and the view's bounds.

use super::Live;
use super::surprise::{Candidate, THUMB};
use crate::attractor::Preset;
use crate::attractor::user::{Origin, UserMap, builtin_formula};
use std::sync::Arc;

/// Candidates kept in the strip (the oldest are dropped): one row of the panel.
const STRIP: usize = 6;

/// A "surprise me" candidate in the strip.
pub struct Thumb {
    pub preset: Preset,
    pub score: f64,
    pub rgba: Vec<u8>,
    pub texture: Option<egui::TextureHandle>,
    /// Shown already (by the key or a click).
    pub seen: bool,
}

/// The names of a preset's parameters with their index into `params`: the equation's, or a
/// formula's used ones among a..g.
pub fn slots(p: &Preset) -> Vec<(usize, &'static str)> {
    const ALL: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];
    match &p.formula {
        Some(m) => {
            let used = m.params_used();
            (0..7).filter(|i| used[*i]).map(|i| (i, ALL[i])).collect()
        }
        None => p.equation.params().iter().copied().enumerate().collect(),
    }
}

/// Whether a parameter takes whole numbers only (symmetric_icon's degree).
pub fn is_integer(name: &str) -> bool {
    name == "degree"
}

/// Each parameter's slider half-width: room around its value and the equation's search range,
/// fixed while the map is shown so a drag never moves the slider's ends.
pub fn ranges_for(p: &Preset) -> Vec<f64> {
    let search = match &p.formula {
        None => p.equation.search_range().to_vec(),
        Some(_) => Vec::new(),
    };
    p.params
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let s = search.get(i).map_or(4.0, |(lo, hi)| lo.abs().max(hi.abs()));
            (2.0 * v.abs()).max(s).max(1e-6)
        })
        .collect()
}

/// Whether parameter `i` is shown on a logarithmic slider from 0: its equation's range is
/// non-negative (hopalong's, gumowski_mira's a in 0..0.01), so the slider spans decades and small
/// values get as much of it as large ones.
pub fn logarithmic(p: &Preset, i: usize) -> bool {
    p.formula.is_none()
        && p.params.get(i).is_some_and(|v| *v >= 0.0)
        && p.equation.search_range().get(i).is_some_and(|r| r.0 >= 0.0)
}

/// Each parameter's nudge step: a hundredth of the power of ten below its slider's half-width.
pub fn steps_for(p: &Preset) -> Vec<f64> {
    ranges_for(p)
        .iter()
        .map(|r| 10f64.powf(r.log10().floor()) / 100.0)
        .collect()
}

/// The formula box's text for a preset: its formula, or the built-in map written as one.
pub fn formula_text(p: &Preset) -> String {
    match &p.formula {
        Some(m) => m.text().to_string(),
        None => builtin_formula(p.equation).unwrap_or_default(),
    }
}

/// Makes `preset` the shown map, resetting what belongs to the map (ranges, steps, the selected
/// parameter, the formula box).
pub fn loaded(live: &mut Live, preset: Preset) {
    live.ranges = ranges_for(&preset);
    live.steps = steps_for(&preset);
    live.formula_text = formula_text(&preset);
    live.formula_error = None;
    let first = slots(&preset).first().map_or(0, |s| s.0);
    if !slots(&preset).iter().any(|s| s.0 == live.selected) {
        live.selected = first;
    }
    live.preset = preset;
}

/// Moves the selected parameter by `steps` of its step (whole numbers for integer parameters).
pub fn nudge(live: &mut Live, steps: f64) {
    let Some(&(i, name)) = slots(&live.preset).iter().find(|s| s.0 == live.selected) else {
        return;
    };
    let v = &mut live.preset.params[i];
    if is_integer(name) {
        *v = (*v + steps.signum()).clamp(1.0, 64.0);
    } else {
        *v += steps * live.steps.get(i).copied().unwrap_or(0.01);
        if v.abs() > live.ranges[i] {
            live.ranges[i] = 2.0 * v.abs();
        }
    }
    live.dirty = true;
}

/// Selects the next (`d` = 1) or previous (-1) parameter for nudging.
pub fn select_next(live: &mut Live, d: isize) {
    let s = slots(&live.preset);
    if s.is_empty() {
        return;
    }
    let at = s.iter().position(|x| x.0 == live.selected).unwrap_or(0) as isize;
    let n = s.len() as isize;
    live.selected = s[((at + d) % n + n) as usize % s.len()].0;
}

/// Takes new candidates into the strip.
pub fn add_to_strip(live: &mut Live, new: Vec<Candidate>) {
    for c in new {
        live.strip.push(Thumb {
            preset: c.preset,
            score: c.score,
            rgba: c.thumb,
            texture: None,
            seen: false,
        });
    }
    let extra = live.strip.len().saturating_sub(STRIP);
    live.strip.drain(..extra);
}

/// The formula box: recompiled as the user types; an error is shown under it and the last good
/// map keeps drawing. Returns whether the map changed.
pub fn formula_box(ui: &mut egui::Ui, live: &mut Live) -> bool {
    ui.label("formula (x' = ...; y' = ...)");
    let edit = ui.add(
        egui::TextEdit::multiline(&mut live.formula_text)
            .code_editor()
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    );
    live.probe.push(("formula".into(), edit.rect));
    let mut changed = false;
    if edit.changed() {
        match UserMap::parse(&live.formula_text) {
            Ok(map) => {
                live.formula_error = None;
                // Spaces and redundant parentheses change nothing: no restart.
                let unchanged = live
                    .preset
                    .formula
                    .as_ref()
                    .is_some_and(|m| m.canonical_text() == map.canonical_text());
                if !unchanged {
                    let mut params = live.preset.params.clone();
                    params.resize(7, 0.0);
                    live.preset.params = params;
                    live.preset.formula = Some(Arc::new(map));
                    live.preset.name = "formula".into();
                    live.ranges = ranges_for(&live.preset);
                    live.steps = steps_for(&live.preset);
                    changed = true;
                }
            }
            Err(e) => {
                live.formula_error = Some(e.render(&live.formula_text, Origin::Flag("formula")));
            }
        }
    }
    if let Some(err) = &live.formula_error {
        // The caret line points into the line above it: neither may wrap, so a long line
        // scrolls sideways instead.
        egui::ScrollArea::horizontal()
            .id_salt("formula.error")
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(err)
                            .monospace()
                            .color(egui::Color32::from_rgb(255, 120, 100)),
                    )
                    .wrap_mode(egui::TextWrapMode::Extend),
                );
            });
    }
    changed
}

/// The preset picker: a type-to-filter field over the list of presets (by name or map); returns
/// the preset picked.
pub fn preset_picker(ui: &mut egui::Ui, live: &mut Live) -> Option<usize> {
    let mut picked = None;
    let r = egui::ComboBox::from_label("preset")
        .selected_text(live.preset.name.clone())
        .height(360.0)
        .show_ui(ui, |ui| {
            let field = ui.add(
                egui::TextEdit::singleline(&mut live.preset_filter).hint_text("type to filter"),
            );
            field.request_focus();
            let needle = live.preset_filter.to_ascii_lowercase();
            let shown = live.presets.iter().enumerate().filter(|(_, p)| {
                p.name.to_ascii_lowercase().contains(&needle) || p.map_name().contains(&needle)
            });
            for (i, p) in shown {
                if ui.selectable_label(i == live.index, &p.name).clicked() {
                    picked = Some(i);
                }
            }
        });
    live.probe.push(("preset".into(), r.response.rect));
    picked
}

/// The "surprise me" button and the strip of candidates; returns (surprise asked, clicked one).
pub fn strip(ui: &mut egui::Ui, live: &mut Live) -> (bool, Option<usize>) {
    let b = ui
        .button("surprise me (M)")
        .on_hover_text("a new attractor of this equation, found by `attractors search`");
    live.probe.push(("surprise".into(), b.rect));
    let mut clicked = None;
    // The strip fits the panel's width: STRIP buttons with their padding and spacing.
    let gap = ui.spacing().item_spacing.x + 2.0 * ui.spacing().button_padding.x;
    let side = ((ui.available_width() - gap * STRIP as f32) / STRIP as f32).clamp(8.0, 32.0);
    ui.horizontal(|ui| {
        // The row keeps its height while empty, so the panel does not jump as candidates arrive.
        ui.set_min_height(side + 10.0);
        for (i, t) in live.strip.iter_mut().enumerate() {
            let tex = t.texture.get_or_insert_with(|| {
                let image = egui::ColorImage::from_rgba_unmultiplied(
                    [THUMB as usize, THUMB as usize],
                    &t.rgba,
                );
                ui.ctx().load_texture(
                    format!("surprise.{}", t.preset.name),
                    image,
                    egui::TextureOptions::LINEAR,
                )
            });
            let r = ui
                .add(egui::Button::image(
                    egui::Image::from_texture(&*tex).fit_to_exact_size(egui::vec2(side, side)),
                ))
                .on_hover_text(format!("{} (score {:.1})", t.preset.name, t.score));
            live.probe.push((format!("thumb{i}"), r.rect));
            if r.clicked() {
                clicked = Some(i);
            }
        }
    });
    (b.clicked(), clicked)
}

/// The current view's bounds, copyable as a `--bounds` value.
pub fn bounds(ui: &mut egui::Ui, live: &Live) {
    let text = format!("--bounds={}", live.view.bounds);
    ui.horizontal(|ui| {
        let b = &live.view.bounds;
        ui.label(format!(
            "view x {:.4}..{:.4}, y {:.4}..{:.4}",
            b.xmin, b.xmax, b.ymin, b.ymax
        ))
        .on_hover_text(&text);
        if ui
            .small_button("copy")
            .on_hover_text("copy as a --bounds value")
            .clicked()
        {
            ui.ctx().copy_text(text.clone());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Presets;

    fn preset(name: &str) -> Preset {
        Presets::builtin().get(name).unwrap().clone()
    }

    #[test]
    fn ranges_hold_the_value_and_degree_is_whole() {
        for p in Presets::builtin().all() {
            for (i, v) in p.params.iter().enumerate() {
                assert!(v.abs() <= ranges_for(p)[i], "{} {i}", p.name);
            }
        }
        let icon = preset("Symmetric_Icon_11");
        let s = slots(&icon);
        assert_eq!(s[5], (5, "degree"));
        assert!(is_integer(s[5].1));
        assert_eq!(icon.params[5], 16.0);
    }

    #[test]
    fn steps_and_log_sliders() {
        let c = preset("Clifford");
        assert_eq!(steps_for(&c), vec![0.01; 4]);
        assert!(!logarithmic(&c, 0));
        let g = Presets::builtin()
            .all()
            .iter()
            .find(|p| p.equation == crate::attractor::Equation::GumowskiMira && p.params[0] > 0.0)
            .unwrap()
            .clone();
        assert!(logarithmic(&g, 0), "{}", g.name);
        assert!(!logarithmic(&g, 2), "mu spans -1..1");
        assert!(steps_for(&g)[0] < 0.001);
    }
}
