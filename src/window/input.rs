//! Routing input between egui and the window. The window's shortcuts work whenever the user is not
//! typing into a text field (Tab and F1 always toggle the panel); a pan starts only on a press in
//! the picture that egui did not take, and any release ends it.

use super::App;
use super::view::{Action, KeyName, Mods, action_for, wheel_factor};
use anyhow::Result;
use std::time::{Duration, Instant};
use winit::event::{ElementState, KeyEvent, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::ActiveEventLoop;
use winit::keyboard::{Key, NamedKey};

fn key_name(event: &KeyEvent) -> KeyName {
    match &event.logical_key {
        Key::Named(NamedKey::Tab) => KeyName::Tab,
        Key::Named(NamedKey::F1) => KeyName::F1,
        Key::Named(NamedKey::Space) => KeyName::Space,
        Key::Named(NamedKey::Escape) => KeyName::Escape,
        Key::Named(NamedKey::ArrowLeft) => KeyName::Left,
        Key::Named(NamedKey::ArrowRight) => KeyName::Right,
        Key::Named(NamedKey::ArrowUp) => KeyName::Up,
        Key::Named(NamedKey::ArrowDown) => KeyName::Down,
        Key::Character(c) => KeyName::Char(c.to_string()),
        _ => KeyName::Other,
    }
}

impl App {
    /// Whether the panel is open and a text field in it has the keyboard.
    fn typing(&self) -> bool {
        let open = self.live.as_ref().is_some_and(|l| l.panel);
        open && self
            .gfx
            .as_ref()
            .is_some_and(|g| g.egui_state.egui_ctx().text_edit_focused())
    }

    /// Whether the pointer is over the open panel (decided from the window's own layout, so a
    /// press egui has not seen yet still counts as the panel's).
    fn over_panel(&self) -> bool {
        let (x0, _, _) = self.area();
        self.cursor.0 < x0 as f64
    }

    /// Passes `event` to egui when the panel is open; returns whether egui wants it for itself.
    fn pass_to_egui(&mut self, event: &WindowEvent) -> bool {
        let open = self.live.as_ref().is_some_and(|l| l.panel);
        match (&mut self.gfx, open) {
            (Some(g), true) => g.egui_state.on_window_event(&g.window, event).consumed,
            _ => false,
        }
    }

    pub(super) fn on_event(
        &mut self,
        event_loop: &ActiveEventLoop,
        event: WindowEvent,
    ) -> Result<()> {
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(s) => {
                self.pass_to_egui(&event);
                self.resized(s.width, s.height);
            }
            WindowEvent::RedrawRequested => return self.frame(event_loop),
            WindowEvent::ModifiersChanged(m) => {
                self.mods = Mods {
                    ctrl: m.state().control_key(),
                    shift: m.state().shift_key(),
                };
                self.pass_to_egui(&event);
            }
            WindowEvent::KeyboardInput { event: ref key, .. } => {
                let name = key_name(key);
                let always = matches!(name, KeyName::Tab | KeyName::F1);
                let action = action_for(&name, self.mods);
                if !always && (self.typing() || action.is_none()) {
                    self.pass_to_egui(&event);
                    return Ok(());
                }
                // A shortcut: egui never sees it (Tab would move its focus, Space would press the
                // focused widget), so no widget keeps the keyboard either.
                if key.state == ElementState::Pressed
                    && let Some(action) = action
                    && (!key.repeat || action.repeats())
                {
                    if action == Action::TogglePanel
                        && let Some(g) = &self.gfx
                    {
                        let ctx = g.egui_state.egui_ctx();
                        if let Some(id) = ctx.memory(|m| m.focused()) {
                            ctx.memory_mut(|m| m.surrender_focus(id));
                        }
                    }
                    return self.act(action, event_loop);
                }
            }
            WindowEvent::CursorMoved { position, .. } => {
                self.pass_to_egui(&event);
                let (x, y) = (position.x, position.y);
                if let (Some((fx, fy)), Some(live)) = (self.drag_from, self.live.as_mut()) {
                    live.view.pan(x - fx, y - fy);
                    live.dirty = true;
                    self.drag_from = Some((x, y));
                }
                self.cursor = (x, y);
            }
            WindowEvent::MouseInput {
                state,
                button: MouseButton::Left,
                ..
            } => {
                let egui_took = self.pass_to_egui(&event);
                if state == ElementState::Released {
                    self.drag_from = None;
                    return Ok(());
                }
                if egui_took || self.over_panel() {
                    return Ok(());
                }
                let double = self
                    .last_click
                    .is_some_and(|t| t.elapsed() < Duration::from_millis(400));
                self.last_click = Some(Instant::now());
                if double && let Some(live) = self.live.as_mut() {
                    live.view.reset();
                    live.dirty = true;
                }
                self.drag_from = Some(self.cursor);
            }
            WindowEvent::MouseWheel { delta, .. } => {
                if self.pass_to_egui(&event) || self.over_panel() {
                    return Ok(());
                }
                let lines = match delta {
                    MouseScrollDelta::LineDelta(_, y) => y as f64,
                    MouseScrollDelta::PixelDelta(p) => p.y / 40.0,
                };
                let (x0, _, _) = self.area();
                let (cx, cy) = (self.cursor.0 - x0 as f64, self.cursor.1);
                let fine = self.mods.shift;
                if let Some(live) = self.live.as_mut() {
                    live.view.zoom(wheel_factor(lines, fine), cx, cy);
                    live.dirty = true;
                }
            }
            _ => {
                self.pass_to_egui(&event);
            }
        }
        Ok(())
    }
}
