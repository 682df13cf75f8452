//! The progress line of long work: points done, the rate in M or G points/s and an ETA from the
//! rate over the last few seconds (not from the first batch), kept within the terminal's width.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back the rate (and so the ETA) looks.
const WINDOW: Duration = Duration::from_secs(5);

/// `1234567` -> `1.23 M`; `5e10` -> `50.0 G`.
pub fn si(v: f64) -> String {
    let (d, unit) = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(d, _)| v >= *d)
        .unwrap_or((1.0, ""));
    let x = v / d;
    let digits = if x >= 100.0 {
        0
    } else if x >= 10.0 {
        1
    } else {
        2
    };
    format!("{x:.digits$} {unit}").trim_end().to_string()
}

/// `75` -> `1m15s`.
pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A measured time: `3.456` -> `3.46 s`, `0.0123` -> `12.3 ms`, `0.000254` -> `0.254 ms` (short
/// runs keep their digits, so the rate printed beside them can be checked).
pub fn seconds(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{:.3} ms", secs * 1e3)
    }
}

/// A rate over a sliding window of (time, done) samples.
#[derive(Debug, Default)]
pub struct RateWindow {
    samples: VecDeque<(Instant, u64)>,
}

impl RateWindow {
    /// Records `done` at `now`; returns the rate (per second) over the window, once there is one.
    pub fn update(&mut self, now: Instant, done: u64) -> Option<f64> {
        self.samples.push_back((now, done));
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > WINDOW)
            && self.samples.len() > 2
        {
            self.samples.pop_front();
        }
        let (t0, d0) = *self.samples.front()?;
        let dt = now.duration_since(t0).as_secs_f64();
        (dt > 0.2).then(|| done.saturating_sub(d0) as f64 / dt)
    }
}

/// The progress bar on stderr (drawn only where stderr is a terminal).
pub struct Bar {
    bar: indicatif::ProgressBar,
    total: u64,
    window: RateWindow,
    /// What is counted (`points`, `candidates`).
    unit: &'static str,
    /// Whether the work may end before `total` (a search stops at its count): the time left is
    /// then an upper bound, and said so.
    may_end_early: bool,
}

impl Bar {
    /// A bar for `total` points.
    pub fn new(total: u64) -> Bar {
        Bar::counting(total, "points", false)
    }

    /// A bar for `total` things named `unit`; `may_end_early` when the work can stop before.
    pub fn counting(total: u64, unit: &'static str, may_end_early: bool) -> Bar {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{wide_bar} {msg}").expect("static template"),
        );
        Bar {
            bar,
            total,
            window: RateWindow::default(),
            unit,
            may_end_early,
        }
    }

    /// Shows `done` points.
    pub fn set(&mut self, done: u64) {
        self.set_noting(done, "");
    }

    /// Shows `done`, with `note` after the count (`, found 3 of 12`).
    pub fn set_noting(&mut self, done: u64, note: &str) {
        self.bar.set_position(done);
        let rate = self.window.update(Instant::now(), done);
        self.bar.set_message(message(
            done,
            self.total,
            self.unit,
            note,
            rate,
            self.may_end_early,
        ));
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// The text beside the bar: percent, count, note, rate and the time left.
fn message(
    done: u64,
    total: u64,
    unit: &str,
    note: &str,
    rate: Option<f64>,
    may_end_early: bool,
) -> String {
    let pct = 100.0 * done as f64 / total.max(1) as f64;
    let mut msg = format!(
        "{pct:>3.0}% {}/{} {unit}{note}",
        si(done as f64),
        si(total as f64)
    );
    if let Some(r) = rate.filter(|r| *r > 0.0) {
        let left = duration(total.saturating_sub(done) as f64 / r);
        if may_end_early {
            msg += &format!("  {} {unit}/s  at most {left} left", si(r));
        } else {
            msg += &format!("  {} {unit}/s  ETA {left}", si(r));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations_read_well() {
        assert_eq!(si(159_796_223_374.46), "160 G");
        assert_eq!(si(1_234_567.0), "1.23 M");
        assert_eq!(si(12.0), "12.0");
        assert_eq!(duration(75.0), "1m15s");
        assert_eq!(duration(7300.0), "2h01m");
        assert_eq!(seconds(3.456), "3.46 s");
        assert_eq!(seconds(0.0123), "12.3 ms");
        assert_eq!(seconds(0.000254), "0.254 ms");
    }

    #[test]
    fn the_message_names_the_unit_and_bounds_an_early_end() {
        assert_eq!(
            message(500, 1000, "points", "", Some(100.0), false),
            " 50% 500/1.00 k points  100 points/s  ETA 5s"
        );
        assert_eq!(
            message(
                32,
                1_000_000,
                "candidates",
                ", found 1 of 2",
                Some(1000.0),
                true
            ),
            "  0% 32.0/1.00 M candidates, found 1 of 2  1.00 k candidates/s  at most 16m40s left"
        );
    }

    #[test]
    fn the_rate_follows_recent_samples() {
        let t0 = Instant::now();
        let mut w = RateWindow::default();
        assert_eq!(w.update(t0, 0), None);
        // Slow start, then 10x faster: after the window the rate is the recent one.
        w.update(t0 + Duration::from_secs(1), 100);
        for s in 2..=20 {
            w.update(t0 + Duration::from_secs(s), 100 + (s - 1) * 1000);
        }
        let r = w
            .update(t0 + Duration::from_secs(21), 100 + 20 * 1000)
            .unwrap();
        assert!((r - 1000.0).abs() < 1.0, "{r}");
    }
}
