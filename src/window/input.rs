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
    /// Whether `event` calls for a frame: input, a resize, focus; not the frame itself, nor a
    /// mouse move that neither drags nor reaches the panel.
    pub(super) fn redraw_after(&self, event: &WindowEvent) -> bool {
        match event {
            WindowEvent::RedrawRequested => false,
            WindowEvent::CursorMoved { .. } => {
                self.drag_from.is_some() || self.live.as_ref().is_some_and(|l| l.panel)
            }
            _ => true,
        }
    }

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
                return self.on_key(event_loop, key.clone(), &event);
            }
            WindowEvent::CursorMoved { position, .. } => {
                self.pass_to_egui(&event);
                self.on_cursor(position.x, position.y);
            }
            WindowEvent::MouseInput {
                state,
                button: MouseButton::Left,
                ..
            } => {
                let egui_took = self.pass_to_egui(&event);
                self.on_left_button(state, egui_took);
            }
            WindowEvent::MouseWheel { delta, .. } => {
                if !self.pass_to_egui(&event) && !self.over_panel() {
                    self.on_wheel(delta);
                }
            }
            _ => {
                self.pass_to_egui(&event);
            }
        }
        Ok(())
    }

    /// A key: a shortcut acts (egui never sees it: Tab would move its focus, Space would press
    /// the focused widget), anything else goes to egui.
    fn on_key(
        &mut self,
        event_loop: &ActiveEventLoop,
        key: KeyEvent,
        event: &WindowEvent,
    ) -> Result<()> {
        let name = key_name(&key);
        let always = matches!(name, KeyName::Tab | KeyName::F1);
        let action = action_for(&name, self.mods);
        if !always && (self.typing() || action.is_none()) {
            self.pass_to_egui(event);
            return Ok(());
        }
        let Some(action) = action else {
            return Ok(());
        };
        if key.state != ElementState::Pressed || (key.repeat && !action.repeats()) {
            return Ok(());
        }
        // No widget keeps the keyboard after the panel is toggled.
        if action == Action::TogglePanel
            && let Some(g) = &self.gfx
        {
            let ctx = g.egui_state.egui_ctx();
            if let Some(id) = ctx.memory(|m| m.focused()) {
                ctx.memory_mut(|m| m.surrender_focus(id));
            }
        }
        self.act(action, event_loop)
    }

    fn on_cursor(&mut self, x: f64, y: f64) {
        if let (Some((fx, fy)), Some(live)) = (self.drag_from, self.live.as_mut()) {
            live.view.pan(x - fx, y - fy);
            live.dirty = true;
            self.drag_from = Some((x, y));
        }
        self.cursor = (x, y);
    }

    /// A press in the picture starts a pan (a double click resets the view); any release ends it.
    fn on_left_button(&mut self, state: ElementState, egui_took: bool) {
        if state == ElementState::Released {
            self.drag_from = None;
            return;
        }
        if egui_took || self.over_panel() {
            return;
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

    /// Zooms about the cursor: one notch is [`wheel_factor`]'s step, a trackpad's pixels are
    /// proportional (40 pixels a notch). The burst is one undo step once the wheel rests.
    fn on_wheel(&mut self, delta: MouseScrollDelta) {
        let lines = match delta {
            MouseScrollDelta::LineDelta(_, y) => {
                // winit reports a wheel button's press and its release as two equal notches
                // (X11): the second of such a pair within one batch of events is dropped.
                if (y == 1.0 || y == -1.0) && self.wheel_pair.take() == Some(y) {
                    return;
                }
                self.wheel_pair = Some(y);
                y as f64
            }
            MouseScrollDelta::PixelDelta(p) => p.y / 40.0,
        };
        let (x0, _, _) = self.area();
        let (cx, cy) = (self.cursor.0 - x0 as f64, self.cursor.1);
        let fine = self.mods.shift;
        if let Some(live) = self.live.as_mut() {
            live.view.zoom(wheel_factor(lines, fine), cx, cy);
            live.dirty = true;
        }
        self.settle_until = Some(Instant::now() + super::SETTLE);
    }
}
