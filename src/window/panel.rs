//! The egui control panel (Tab or F1): preset, parameters, start point, palette, tone map,
//! background, points per frame, pause/reset, save PNG, save preset. It edits [`Live`] in place
//! and returns what the window must do about it in [`Requests`].

use super::Live;
use crate::shade::{Color, Palette, Shade};

/// Palettes offered in the panel and cycled by C (any name works with `--palette`).
pub const PALETTES: [&str; 16] = [
    "fire", "bgy", "bgyw", "bmw", "bmy", "kbc", "kgy", "gray", "viridis", "inferno", "magma",
    "plasma", "cividis", "turbo", "rainbow", "fire_r",
];

/// What the panel asks the window to do after this frame.
#[derive(Default, Debug)]
pub struct Requests {
    pub restart: bool,
    pub preset: Option<usize>,
    pub save_png: bool,
    pub save_preset: bool,
}

/// A slider range that holds `v` with room to explore.
fn range_for(v: f64) -> std::ops::RangeInclusive<f64> {
    let r = (v.abs() * 2.0).max(4.0);
    -r..=r
}

pub fn show(ui: &mut egui::Ui, live: &mut Live, req: &mut Requests) {
    egui::Panel::left("attractors.panel").show(ui, |ui| {
        ui.heading("attractors");
        ui.label(format!("{:.3e} points", live.points as f64));
        egui::ComboBox::from_label("preset").selected_text(live.preset.name.clone()).show_ui(ui, |ui| {
            for (i, p) in live.presets.iter().enumerate() {
                if ui.selectable_label(i == live.index, &p.name).clicked() {
                    req.preset = Some(i);
                }
            }
        });
        ui.separator();
        ui.label(format!("{} parameters", live.preset.map_name()));
        // (index into params, name): a formula's used parameters among a..g, or the equation's
        const ALL: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];
        let slots: Vec<(usize, &&str)> = match &live.preset.formula {
            Some(m) => {
                let used = m.params_used();
                ALL.iter().enumerate().filter(|(i, _)| used[*i]).collect()
            }
            None => live.preset.equation.params().iter().enumerate().collect(),
        };
        for (i, name) in slots {
            let v = &mut live.preset.params[i];
            let range = range_for(*v);
            let changed = if *name == "degree" {
                let mut d = *v as i32;
                let c = ui.add(egui::Slider::new(&mut d, 1..=12).text(*name)).changed();
                *v = d as f64;
                c
            } else {
                ui.add(egui::Slider::new(v, range).text(*name).max_decimals(6)).changed()
            };
            req.restart |= changed;
        }
        ui.label("start point");
        ui.horizontal(|ui| {
            req.restart |= ui.add(egui::DragValue::new(&mut live.preset.start[0]).speed(0.01).prefix("x ")).changed();
            req.restart |= ui.add(egui::DragValue::new(&mut live.preset.start[1]).speed(0.01).prefix("y ")).changed();
        });
        ui.separator();
        egui::ComboBox::from_label("palette").selected_text(live.style.palette.name.clone()).show_ui(ui, |ui| {
            for name in PALETTES {
                if ui.selectable_label(live.style.palette.name == name, name).clicked()
                    && let Ok(p) = Palette::from_name(name)
                {
                    live.style.palette = p;
                }
            }
        });
        egui::ComboBox::from_label("tone map").selected_text(live.style.shade.name()).show_ui(ui, |ui| {
            for s in Shade::ALL {
                ui.selectable_value(&mut live.style.shade, s, s.name());
            }
        });
        ui.horizontal(|ui| {
            let [r, g, b, a] = live.style.background.0;
            let mut c = egui::Color32::from_rgba_unmultiplied(r, g, b, a);
            if egui::color_picker::color_edit_button_srgba(ui, &mut c, egui::color_picker::Alpha::Opaque).changed() {
                live.style.background = Color(c.to_srgba_unmultiplied());
            }
            ui.label("background");
        });
        ui.separator();
        ui.add(egui::Slider::new(&mut live.budget.points, live.budget.min..=live.budget.max).logarithmic(true).text("points/frame"));
        ui.horizontal(|ui| {
            if ui.button(if live.paused { "resume" } else { "pause" }).clicked() {
                live.paused = !live.paused;
            }
            if ui.button("reset").clicked() {
                live.view.reset();
                req.restart = true;
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut live.save_size.0).range(1..=16384));
            ui.label("x");
            ui.add(egui::DragValue::new(&mut live.save_size.1).range(1..=16384));
            req.save_png |= ui.button("save PNG").clicked();
        });
        ui.horizontal(|ui| {
            ui.text_edit_singleline(&mut live.new_preset_name);
            req.save_preset |= ui.button("save preset").clicked();
        });
        if !live.message.is_empty() {
            ui.label(&live.message);
        }
        ui.separator();
        ui.small("Space pause, N/P preset, C palette, S save PNG, R reset view, drag pan, wheel zoom, Esc quit");
    });
}
