//! `ATTRACTORS_TEST_WINDOW_REPORT` (see [`crate::testing`]): where the panel's widgets are and what
//! the window shows, written for tests that drive the window with real input.

use super::Live;
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;

/// Writes `live.txt` after every frame: [`state_text`], `frame=N`, then one line per probed panel
/// widget, `widget NAME X Y W H` in window pixels.
pub fn frame(dir: &Path, live: &Live, title: &str, frame: u64, ppp: f32) -> Result<()> {
    let mut text = state_text(live, title);
    let _ = writeln!(text, "frame={frame}");
    if live.panel {
        for (name, r) in &live.probe {
            let _ = writeln!(
                text,
                "widget {name} {} {} {} {}",
                (r.min.x * ppp).round(),
                (r.min.y * ppp).round(),
                (r.width() * ppp).round(),
                (r.height() * ppp).round()
            );
        }
    }
    write_atomic(&dir.join("live.txt"), &text)
}

/// Writes `state.txt` at exit: [`state_text`].
pub fn state(dir: &Path, live: &Live, title: &str) -> Result<()> {
    write_atomic(&dir.join("state.txt"), &state_text(live, title))
}

/// `key=value` lines of what the window shows.
fn state_text(live: &Live, title: &str) -> String {
    let (undo, redo) = live.history.counts();
    let params: Vec<String> = live.preset.params.iter().map(|v| v.to_string()).collect();
    format!(
        "title={title}\npaused={}\npanel={}\npreset={}\nparams={}\nbounds={}\nframed={}\n\
         area={}x{}\npalette={}\nundo={undo}\nredo={redo}\nselected={}\nformula={}\n\
         formula_error={}\nstrip={}\nstrip_names={}\nmessage={}\nhome={}\nname_field={}\nstep={}\nshade={}\n\
         background={}\n",
        live.paused,
        live.panel,
        live.preset.name,
        params.join(","),
        live.view.bounds,
        live.view.framed,
        live.view.area.0,
        live.view.area.1,
        live.style.palette.name,
        live.selected,
        live.preset.formula.as_ref().map_or("", |m| m.text()),
        live.formula_error
            .as_deref()
            .unwrap_or("")
            .replace('\n', " "),
        live.strip.len(),
        live.strip
            .iter()
            .map(|t| t.preset.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        live.message.replace('\n', " "),
        live.view.home,
        live.new_preset_name,
        live.steps.get(live.selected).copied().unwrap_or(0.0),
        live.style.shade,
        crate::attractor::look::color_text(live.style.background),
    )
}

fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
