//! The egui control panel (Tab or F1): history, preset, "surprise me", parameters (fine control),
//! start point, formula, palette, tone map, background, view, points per frame, pause/reset, save
//! PNG, save preset. It edits [`Live`] in place and returns what the window must do about it in
//! [`Requests`].

use super::Live;
use super::panel_parts::{self as parts, is_integer, logarithmic, slots};
use crate::shade::{Color, Palette, Shade};

/// Palettes offered in the panel and cycled by C (any name works with `--palette`).
pub const PALETTES: [&str; 16] = [
    "fire", "bgy", "bgyw", "bmw", "bmy", "kbc", "kgy", "gray", "viridis", "inferno", "magma",
    "plasma", "cividis", "turbo", "rainbow", "fire_r",
];

/// The panel's width in points, and a first guess of it in pixels before it is drawn.
const WIDTH: f32 = 300.0;
pub const WIDTH_GUESS: u32 = 320;

/// What the panel asks the window to do after this frame.
#[derive(Default, Debug)]
pub struct Requests {
    pub restart: bool,
    pub preset: Option<usize>,
    pub save_png: bool,
    pub save_preset: bool,
    pub undo: bool,
    pub redo: bool,
    pub surprise: bool,
    pub candidate: Option<usize>,
    pub fit: bool,
    pub record: bool,
    pub render: bool,
}

/// Draws the panel; returns its right edge in points (the picture is drawn beside it).
pub fn show(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) -> f32 {
    live.probe.clear();
    let r = egui::Panel::left("attractors.panel")
        .resizable(false)
        .exact_size(WIDTH)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| contents(ui, live, req));
        });
    r.response.rect.max.x
}

fn contents(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    // Everything wraps at the panel's width (nothing may widen it past its edge).
    ui.set_max_width(ui.available_width());
    ui.horizontal(|ui| {
        ui.strong("attractors");
        ui.label(format!("{:.3e} points", live.points as f64));
    });
    toolbar(ui, live, req);
    if let Some(i) = parts::preset_picker(ui, live) {
        req.preset = Some(i);
    }
    let (surprise, candidate) = parts::strip(ui, live);
    req.surprise |= surprise;
    req.candidate = candidate;
    ui.separator();
    parameters(ui, live, req);
    start_point(ui, live, req);
    egui::CollapsingHeader::new("formula")
        .default_open(live.preset.formula.is_some())
        .show(ui, |ui| req.restart |= parts::formula_box(ui, live));
    ui.separator();
    style(ui, live);
    parts::bounds(ui, live);
    ui.add(
        egui::Slider::new(&mut live.budget.points, live.budget.min..=live.budget.max)
            .logarithmic(true)
            .text("points/frame"),
    );
    ui.separator();
    saving(ui, live, req);
    recording(ui, live, req);
    if !live.message.is_empty() {
        ui.label(&live.message);
    }
    ui.separator();
    ui.small(
        "Space pause, N/P preset, M surprise me, C palette, S save PNG, R reset view, \
         Ctrl-Z/Ctrl-Shift-Z undo/redo, Up/Down pick a parameter, Left/Right nudge it \
         (Shift: 10x finer), drag pan, wheel zoom (Shift: finer), Tab/F1 panel, Esc quit",
    );
}

/// Undo, redo, pause, reset view and fit view, in one row.
fn toolbar(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    ui.horizontal(|ui| {
        let (undo, redo) = live.history.counts();
        let u = ui.add_enabled(undo > 0, egui::Button::new(format!("undo ({undo})")));
        let r = ui.add_enabled(redo > 0, egui::Button::new(format!("redo ({redo})")));
        live.probe.push(("undo".into(), u.rect));
        live.probe.push(("redo".into(), r.rect));
        req.undo |= u.clicked();
        req.redo |= r.clicked();
        let pause = ui.button(if live.paused { "resume" } else { "pause" });
        live.probe.push(("pause".into(), pause.rect));
        if pause.clicked() {
            live.paused = !live.paused;
        }
        if ui.button("reset view").clicked() {
            live.view.reset();
            req.restart = true;
        }
        let fit = ui
            .button("fit view")
            .on_hover_text("frame the attractor as it is now (F)");
        live.probe.push(("fit".into(), fit.rect));
        req.fit |= fit.clicked();
    });
}

/// The start point's fields: x and y, and z for a 3-D map.
fn start_point(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    ui.horizontal(|ui| {
        ui.label("start");
        // A 3-D map reads z too.
        let axes = if live.preset.uses_z() { 3 } else { 2 };
        for (i, axis) in ["x ", "y ", "z "].into_iter().enumerate().take(axes) {
            let d = egui::DragValue::new(&mut live.preset.start[i])
                .speed(0.01)
                .prefix(axis);
            req.restart |= ui.add(d).changed();
        }
    });
}

/// The record and render-GIF buttons.
fn recording(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    ui.horizontal(|ui| {
        let rec = ui.button("record (K)").on_hover_text(
            "record changes of parameters and view as keyframes; press again to write the file",
        );
        live.probe.push(("record".into(), rec.rect));
        req.record |= rec.clicked();
        let gif = ui
            .button("render GIF")
            .on_hover_text("render the last recording with attractors animate, in the background");
        live.probe.push(("render_gif".into(), gif.rect));
        req.render |= gif.clicked();
    });
}

/// A slider per parameter; the selected one (arrow keys) is marked. Shift while dragging moves 10x
/// more finely; non-negative parameters get a logarithmic slider. A slider's ends come from the
/// value, so showing a value never changes it.
fn parameters(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    ui.label(format!(
        "{} parameters (step {})",
        live.preset.map_name(),
        live.steps.get(live.selected).copied().unwrap_or(0.0)
    ));
    let fine = ui.input(|i| i.modifiers.shift);
    for (i, name) in slots(&live.preset) {
        let before = live.preset.params[i];
        let mut v = before;
        let selected = live.selected == i;
        let resp = ui
            .horizontal(|ui| {
                let pick = ui.radio(selected, "");
                if pick.clicked() {
                    live.selected = i;
                }
                if is_integer(name) {
                    let mut d = v as i64;
                    let lo = 1.min(d);
                    let hi = 64.max(d);
                    let r = ui.add(
                        egui::Slider::new(&mut d, lo..=hi)
                            .step_by(1.0)
                            .clamping(egui::SliderClamping::Never)
                            .text(name),
                    );
                    if r.changed() {
                        v = d as f64;
                    }
                    r
                } else {
                    let half = live.ranges[i];
                    let log = logarithmic(&live.preset, i);
                    let lo = if log { 0.0 } else { -half };
                    let r = ui.add(
                        egui::Slider::new(&mut v, lo..=half)
                            .logarithmic(log)
                            .clamping(egui::SliderClamping::Never)
                            .max_decimals(6)
                            .text(name),
                    );
                    if r.changed() && fine && r.dragged() {
                        v = before + (v - before) / 10.0;
                    }
                    r
                }
            })
            .inner;
        live.probe.push((format!("param.{name}"), resp.rect));
        if resp.changed() && v != before && v.is_finite() {
            live.preset.params[i] = v;
            live.selected = i;
            if !is_integer(name) && v.abs() > live.ranges[i] {
                live.ranges[i] = 2.0 * v.abs();
            }
            req.restart = true;
        }
        if resp.clicked() || resp.dragged() {
            live.selected = i;
        }
    }
    if let Some(step) = live.steps.get_mut(live.selected) {
        ui.horizontal(|ui| {
            ui.label("nudge step");
            let speed = *step * 0.1;
            ui.add(egui::DragValue::new(step).speed(speed).range(1e-12..=1e6));
        });
    }
}

fn style(ui: &mut egui::Ui, live: &mut Live) {
    ui.horizontal(|ui| style_pickers(ui, live));
    background(ui, live);
}

fn style_pickers(ui: &mut egui::Ui, live: &mut Live) {
    egui::ComboBox::from_id_salt("palette")
        .width(90.0)
        .selected_text(live.style.palette.name.clone())
        .show_ui(ui, |ui| {
            for name in PALETTES {
                if ui
                    .selectable_label(live.style.palette.name == name, name)
                    .clicked()
                    && let Ok(p) = Palette::from_name(name)
                {
                    live.style.palette = p;
                }
            }
        });
    egui::ComboBox::from_id_salt("tone map")
        .width(90.0)
        .selected_text(live.style.shade.name())
        .show_ui(ui, |ui| {
            for s in Shade::ALL {
                ui.selectable_value(&mut live.style.shade, s, s.name());
            }
        });
    ui.label("style");
}

fn background(ui: &mut egui::Ui, live: &mut Live) {
    ui.horizontal(|ui| {
        let [r, g, b, a] = live.style.background.0;
        let mut c = egui::Color32::from_rgba_unmultiplied(r, g, b, a);
        if egui::color_picker::color_edit_button_srgba(
            ui,
            &mut c,
            egui::color_picker::Alpha::Opaque,
        )
        .changed()
        {
            live.style.background = Color(c.to_srgba_unmultiplied());
        }
        ui.label("background");
    });
}

fn saving(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut live.save_size.0).range(1..=16384));
        ui.label("x");
        ui.add(egui::DragValue::new(&mut live.save_size.1).range(1..=16384));
        let b = ui.button("save PNG");
        live.probe.push(("save_png".into(), b.rect));
        req.save_png |= b.clicked();
    });
    ui.horizontal(|ui| {
        let mut auto = live.save_points.is_none();
        ui.checkbox(&mut auto, "points as shown");
        if auto {
            live.save_points = None;
        } else {
            let p = live.save_points.get_or_insert(live.points.max(10_000_000));
            let speed = *p as f64 * 0.01;
            ui.add(egui::DragValue::new(p).speed(speed).range(1..=u64::MAX / 2));
        }
    });
    ui.horizontal(|ui| {
        let name = ui.add(
            egui::TextEdit::singleline(&mut live.new_preset_name)
                .hint_text("new preset name")
                .desired_width(170.0),
        );
        live.probe.push(("preset_name".into(), name.rect));
        let b = ui.button("save preset");
        live.probe.push(("save_preset".into(), b.rect));
        req.save_preset |= b.clicked();
    });
}
