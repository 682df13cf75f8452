//! Recording (K, or the panel's "record" button): every settled change of the map and the view
//! while recording is a keyframe, timed as it happened; stopping writes them as a keyframe file
//! (the format `attractors animate --keys` reads, [`crate::animate::timeline::keys_text`]) and
//! the panel's "render GIF" turns the last one into a GIF in the background.
//!
//! An animation has one view: the file's bounds are the union of the views recorded, so every
//! keyframe is in the picture.

use super::App;
use super::history::Look;
use crate::attractor::Preset;
use crate::histogram::Bounds;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// A recording in progress.
pub struct Recording {
    started: Instant,
    keys: Vec<(f64, Preset)>,
    view: Bounds,
}

/// The recording state of the window.
#[derive(Default)]
pub struct Recorder {
    pub active: Option<Recording>,
    /// The last keyframe file written.
    pub last_file: Option<PathBuf>,
    /// A GIF being rendered: the `animate` run and the file it writes.
    pub render: Option<(Child, PathBuf)>,
}

fn union(a: Bounds, b: Bounds) -> Bounds {
    Bounds {
        xmin: a.xmin.min(b.xmin),
        xmax: a.xmax.max(b.xmax),
        ymin: a.ymin.min(b.ymin),
        ymax: a.ymax.max(b.ymax),
    }
}

impl Recording {
    pub fn start(look: &Look) -> Recording {
        let mut r = Recording {
            started: Instant::now(),
            keys: Vec::new(),
            view: look.framed,
        };
        r.add(look);
        r
    }

    /// A settled change: a keyframe at the time since the start (a change within the same
    /// hundredth of a second replaces the last keyframe).
    pub fn add(&mut self, look: &Look) {
        let time = (self.started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
        let mut p = look.preset.clone();
        p.palette = Some(look.style.palette.name.clone());
        p.shade = Some(look.style.shade);
        p.background = Some(look.style.background);
        self.view = union(self.view, look.framed);
        if self.keys.last().is_some_and(|(t, _)| *t >= time) {
            self.keys.pop();
        }
        self.keys.push((time, p));
    }

    /// The keyframe file's text, or `None` with fewer than two keyframes.
    pub fn text(&self) -> Option<String> {
        if self.keys.len() < 2 {
            return None;
        }
        let mut keys = self.keys.clone();
        keys[0].1.bounds = Some(self.view);
        Some(crate::animate::timeline::keys_text(&keys))
    }
}

/// `attractors-recording-N.csv` with the first N not taken.
fn fresh_name() -> PathBuf {
    (1u64..)
        .map(|n| PathBuf::from(format!("attractors-recording-{n}.csv")))
        .find(|p| !Path::new(p).exists())
        .unwrap_or_else(|| PathBuf::from("attractors-recording.csv"))
}

impl App {
    /// K: starts recording, or stops and writes the keyframe file.
    pub(super) fn toggle_recording(&mut self) {
        let look = self.look();
        let Some(live) = self.live.as_mut() else {
            return;
        };
        let Some(rec) = self.recorder.active.take() else {
            self.recorder.active = Some(Recording::start(&look));
            live.message = "recording: change parameters and the view; K stops".into();
            return;
        };
        live.message = match rec.text() {
            None => "recording stopped: nothing changed, no keyframe file written".into(),
            Some(text) => {
                let path = fresh_name();
                let written = crate::output::OutputFile::prepare(&path, crate::output::Kind::Csv)
                    .and_then(|out| out.write_bytes(text.as_bytes()))
                    .and_then(|staged| staged.commit());
                match written {
                    Ok(()) => {
                        let m = format!(
                            "wrote {} (attractors animate --keys {} --gif out.gif)",
                            path.display(),
                            path.display()
                        );
                        self.recorder.last_file = Some(path);
                        m
                    }
                    Err(e) => format!("keyframes not written: {e:#}"),
                }
            }
        };
        if !self.opts.quiet {
            eprintln!("{}", live.message);
        }
    }

    /// A settled change while recording is a keyframe.
    pub(super) fn record_keyframe(&mut self, look: &Look) {
        if let Some(rec) = self.recorder.active.as_mut() {
            rec.add(look);
        }
    }

    /// Renders the last keyframe file as a GIF beside it with `attractors animate`, in the
    /// background at the window's picture size.
    pub(super) fn render_recording(&mut self) {
        let Some(live) = self.live.as_mut() else {
            return;
        };
        let Some(keys) = self.recorder.last_file.clone() else {
            live.message = "record something first (K starts and stops a recording)".into();
            return;
        };
        if self.recorder.render.is_some() {
            live.message = "a GIF is being rendered already".into();
            return;
        }
        let gif = keys.with_extension("gif");
        let (w, h) = live.view.area;
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("attractors"));
        let run = Command::new(exe)
            .args(["animate", "--keys"])
            .arg(&keys)
            .arg("--gif")
            .arg(&gif)
            .args(["--size", &format!("{w}x{h}"), "-q"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        live.message = match run {
            Ok(child) => {
                let m = format!("rendering {} in the background ...", gif.display());
                self.recorder.render = Some((child, gif));
                m
            }
            Err(e) => format!("cannot start the render: {e}"),
        };
    }

    /// Whether a recording is being rendered.
    pub(super) fn recording_busy(&self) -> bool {
        self.recorder.render.is_some()
    }

    /// Says when the background render ended.
    pub(super) fn poll_recording(&mut self) {
        let Some((child, gif)) = self.recorder.render.as_mut() else {
            return;
        };
        let msg = match child.try_wait() {
            Ok(None) => return,
            Ok(Some(s)) if s.success() => format!("wrote {}", gif.display()),
            Ok(Some(_)) => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                format!("the GIF was not written: {}", err.trim())
            }
            Err(e) => format!("the GIF render failed: {e}"),
        };
        self.recorder.render = None;
        if !self.opts.quiet {
            eprintln!("{msg}");
        }
        if let Some(live) = self.live.as_mut() {
            live.message = msg;
        }
    }

    /// Stops a background render (the window is closing).
    pub(super) fn cancel_recording(&mut self) {
        if let Some((mut child, _)) = self.recorder.render.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::animate::timeline::Timeline;
    use crate::attractor::Presets;
    use crate::shade::Style;

    fn look(a: f64, framed: Bounds) -> Look {
        let mut preset = Presets::builtin().get("Clifford").unwrap().clone();
        preset.params[0] = a;
        Look {
            index: 0,
            preset,
            style: Style::default(),
            framed,
            home: framed,
        }
    }

    #[test]
    fn a_recording_reads_back_as_keyframes_in_one_view() {
        let small = Bounds::new(-1.0, 1.0, -1.0, 1.0).unwrap();
        let moved = Bounds::new(0.0, 3.0, -2.0, 0.5).unwrap();
        let mut rec = Recording::start(&look(-1.3, small));
        assert!(rec.text().is_none(), "one keyframe is no animation");
        std::thread::sleep(std::time::Duration::from_millis(20));
        rec.add(&look(-1.2, moved));
        let text = rec.text().unwrap();
        let Timeline::Keys(keys) = Timeline::keys(text.as_bytes(), "rec.csv").unwrap() else {
            panic!("{text}");
        };
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].preset.params[0], -1.3);
        assert_eq!(keys[1].preset.params[0], -1.2);
        assert!(keys[1].time > keys[0].time);
        // the view holds both views recorded
        assert_eq!(
            keys[0].preset.bounds,
            Some(Bounds::new(-1.0, 3.0, -2.0, 1.0).unwrap())
        );
    }
}
