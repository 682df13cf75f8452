//! "Surprise me": a background thread screens random candidates of the current equation with the
//! search's screen ([`crate::search::screen`]) and hands over the accepted ones with a small
//! thumbnail, a few ahead of need, so the key answers at once and the window never waits for the
//! search. Accepted means above the search's documented quality bar (Lyapunov exponent, coverage,
//! correlation dimension, score, float32: [`crate::search::screen::below_bar`] and the rules
//! before it), the same bar as every `attractors search` result.

use crate::attractor::Preset;
use crate::cpu::render_sampled;
use crate::engine::Control;
use crate::job::Job;
use crate::search::candidates::{Space, candidate};
use crate::search::screen;
use crate::shade::{Color, Palette, Shade, Style, shade};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

/// Side of a thumbnail, in pixels.
pub const THUMB: u32 = 96;
/// Points counted per thumbnail.
const THUMB_POINTS: u64 = 200_000;
/// Accepted candidates kept ready (not shown yet) before the search rests.
pub const AHEAD: usize = 4;

/// One accepted candidate.
pub struct Candidate {
    /// The candidate, framed.
    pub preset: Preset,
    /// The search's score (effective pixels, % of the thumbnail).
    pub score: f64,
    /// RGBA8, `THUMB` x `THUMB`.
    pub thumb: Vec<u8>,
}

/// The search of one map (an equation or a formula), running until dropped.
pub struct Surprises {
    /// The map searched ([`Preset::map_key`]).
    pub map: String,
    /// The seed of the search (candidate i of (map, seed)).
    pub seed: u64,
    rx: Receiver<Candidate>,
    stop: Arc<AtomicBool>,
}

impl Surprises {
    /// Starts searching `equation` with `seed` (candidates are named after both, so any of them
    /// can be found again with `attractors search EQUATION --seed SEED`).
    pub fn start(preset: &Preset, seed: u64) -> Surprises {
        let space = match &preset.formula {
            Some(m) => Space::formula(m.clone()),
            None => Space::builtin(preset.equation),
        };
        let (tx, rx) = sync_channel(AHEAD);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("window.surprise".into())
            .spawn(move || search(&space, seed, tx, &flag))
            .expect("a thread can be started");
        Surprises {
            map: preset.map_key(),
            seed,
            rx,
            stop,
        }
    }

    /// Up to `max` candidates accepted since the last call (the search rests while the window
    /// has enough it has not shown).
    pub fn poll(&self, max: usize) -> Vec<Candidate> {
        self.rx.try_iter().take(max).collect()
    }
}

impl Drop for Surprises {
    fn drop(&mut self) {
        // The thread sees the flag after its current candidate (or its blocked send fails once
        // the receiver is gone) and ends by itself; nothing waits for it.
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn search(space: &Space, seed: u64, tx: SyncSender<Candidate>, stop: &AtomicBool) {
    for index in 0..u32::MAX {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let preset = candidate(space, seed, index);
        let verdict = screen(&preset);
        if !verdict.accepted() {
            continue;
        }
        let Some(thumb) = thumbnail(&preset) else {
            continue;
        };
        let mut c = Candidate {
            preset,
            score: verdict.metrics.score(),
            thumb,
        };
        // Wait while enough are ready, checking now and then whether the window still wants them.
        loop {
            match tx.try_send(c) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) => {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    c = back;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

/// A small eq_hist picture of `preset` in its own palette, from the pilot's bounds.
pub fn thumbnail(preset: &Preset) -> Option<Vec<u8>> {
    let pilot = crate::pilot::run(preset, 1000, 0).ok()?;
    let bounds = pilot.bounds.with_equal_aspect(THUMB, THUMB);
    let job = Job::new(
        preset.clone(),
        (THUMB, THUMB),
        bounds,
        THUMB_POINTS,
        1000,
        0,
    );
    let hist = render_sampled(&job, &Control::new());
    let palette = Palette::from_name(preset.palette.as_deref().unwrap_or("fire")).ok()?;
    let style = Style {
        shade: Shade::EqHist,
        palette,
        background: Color([0, 0, 0, 255]),
        span: None,
    };
    Some(shade(&hist, &style))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clifford() -> Preset {
        crate::attractor::Presets::builtin()
            .get("Clifford")
            .unwrap()
            .clone()
    }

    #[test]
    fn a_formula_is_searched_as_a_formula() {
        let mut p = clifford();
        let map = crate::attractor::user::UserMap::parse(
            "x' = sin(a*y) - cos(b*x); y' = sin(c*x) - cos(d*y)",
        )
        .unwrap();
        p.formula = Some(Arc::new(map));
        let s = Surprises::start(&p, 3);
        let mut got = Vec::new();
        while got.is_empty() {
            got.extend(s.poll(1));
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(got[0].preset.formula.is_some());
        assert!(
            got[0].preset.name.starts_with("Formula_s3_n"),
            "{}",
            got[0].preset.name
        );
    }

    #[test]
    fn hands_over_accepted_candidates_with_thumbnails() {
        let s = Surprises::start(&clifford(), 7);
        let mut got = Vec::new();
        while got.len() < 2 {
            got.extend(s.poll(AHEAD));
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        for c in &got {
            assert!(screen(&c.preset).accepted(), "{}", c.preset.name);
            assert_eq!(c.thumb.len(), (THUMB * THUMB * 4) as usize);
            assert!(
                c.preset.name.starts_with("Clifford_s7_n"),
                "{}",
                c.preset.name
            );
            // the thumbnail is not blank
            let lit = c.thumb.chunks(4).filter(|p| p[..3] != [0, 0, 0]).count();
            assert!(lit > 100, "{}: {lit} lit pixels", c.preset.name);
        }
        // the same seed gives the same candidates, in order
        let again = Surprises::start(&clifford(), 7);
        let mut first = Vec::new();
        while first.is_empty() {
            first.extend(again.poll(1));
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(first[0].preset, got[0].preset);
    }
}
