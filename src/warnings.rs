//! Problems with a finished render's result, shown even under `--quiet` (quiet hides progress and
//! the summary, not problems with the picture). The rules are the search's
//! ([`crate::search::screen::judge_histogram`]), so a render and the search never disagree.

use crate::histogram::Histogram;
use crate::job::Job;
use crate::search::screen::{Reason, judge_histogram, screen};

/// Whether the canvas has pixels enough for a collapse to mean something: on a canvas of a few
/// pixels (1x1, or one pixel wide), every orbit lights only a few of them.
fn can_tell_collapse(hist: &Histogram) -> bool {
    // The judge's thumbnail is at most 64 pixels a side.
    hist.width.min(64) * hist.height.min(64) >= 16 * crate::search::rules::COLLAPSED_PIXELS as u32
}

/// What is wrong with a render's result, by kind (an animation summarises its frames by kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// Most points were lost to divergence.
    Diverged,
    /// No point fell inside the bounds.
    Blank,
    /// The orbit lights only a few pixels.
    Collapsed,
    /// The orbit is periodic: a few dots, not an attractor.
    Periodic,
}

impl Problem {
    /// A few words for a summary: "frames 3-5 of 48 are {label}".
    pub fn label(self) -> &'static str {
        match self {
            Problem::Diverged => "mostly lost to divergence",
            Problem::Blank => "blank (no point inside the bounds)",
            Problem::Collapsed => "nearly black (the orbit collapses to a few pixels)",
            Problem::Periodic => "a few dots (the orbit is periodic)",
        }
    }
}

/// The one-line hint for a render that took the default points on a canvas of more than twice
/// [`crate::job::DEFAULT_CANVAS_PIXELS`] (fewer than half the default's points a pixel: grainy): how dense it
/// is and the `--iters` that gives the default density. `None` on smaller canvases.
pub fn density_hint(width: u32, height: u32) -> Option<String> {
    let pixels = width as u64 * height as u64;
    if pixels <= 2 * crate::job::DEFAULT_CANVAS_PIXELS {
        return None;
    }
    let per_pixel = |px: u64| crate::job::DEFAULT_POINTS as f64 / px as f64;
    let wanted = crate::job::DEFAULT_POINTS as f64 * pixels as f64
        / crate::job::DEFAULT_CANVAS_PIXELS as f64;
    // Two significant digits, written as --iters reads it: 1.6e9.
    let exp = wanted.log10().floor() as i32;
    let mantissa = (wanted / 10f64.powi(exp) * 10.0).ceil() / 10.0;
    Some(format!(
        "the default 1e8 points give {:.1} points a pixel at {width}x{height} ({:.0} at 1024x1024), so the picture may look grainy; --iters {mantissa}e{exp} gives the default density",
        per_pixel(pixels),
        per_pixel(crate::job::DEFAULT_CANVAS_PIXELS)
    ))
}

/// The warning when more than half of the pilot orbits diverged (`pilot_diverged` is their
/// fraction), for the command line and the Python package alike.
pub fn pilot_divergence(pilot_diverged: f64, preset: &crate::attractor::Preset) -> Option<String> {
    (pilot_diverged > 0.5).then(|| {
        format!(
            "{:.0}% of pilot orbits diverged for {}; {}",
            pilot_diverged * 100.0,
            preset.describe_params(),
            crate::pilot::DIVERGENCE_ADVICE
        )
    })
}

/// The warnings for `hist`, the result of `job` (empty when the picture is fine); `bounds_given`:
/// whether the user gave `--bounds` (only then is dropping them advice).
pub fn check_result(hist: &Histogram, job: &Job, bounds_given: bool) -> Vec<String> {
    problems(hist, job, bounds_given)
        .into_iter()
        .map(|(_, m)| m)
        .collect()
}

/// [`check_result`]'s warnings with their kinds.
pub fn problems(hist: &Histogram, job: &Job, bounds_given: bool) -> Vec<(Problem, String)> {
    let t = hist.tally;
    let what = job.preset.describe_params();
    let mut w = Vec::new();
    if t.total() == 0 {
        return w;
    }
    let report = judge_histogram(hist);
    if matches!(report.problem, Some(Reason::Diverged { .. })) {
        w.push((
            Problem::Diverged,
            format!(
                "{:.0}% of points were lost to divergence (beyond 1e10 or not finite) for {what}; {}",
                100.0 * report.diverged_fraction,
                crate::pilot::DIVERGENCE_ADVICE
            ),
        ));
    }
    if t.counted == 0 {
        let advice = if bounds_given {
            "drop --bounds for automatic bounds, or check --start"
        } else {
            "check the parameters and --start"
        };
        w.push((
            Problem::Blank,
            format!(
                "no point fell inside the bounds {} for {what}: the picture is blank; {advice}",
                job.bounds
            ),
        ));
    } else if matches!(report.problem, Some(Reason::Collapsed { .. })) && can_tell_collapse(hist) {
        w.push((Problem::Collapsed, format!(
            "the orbit collapses to about {:.1} effective pixel(s), {} lit (a fixed point or a short cycle) for {what}; try other parameters",
            hist.effective_pixels(),
            hist.nonzero_bins()
        )));
    } else if let Some(reason @ (Reason::FixedPoint | Reason::Cycle { .. })) =
        screen(&job.preset).reject
    {
        // The search's own orbit check (float64, from the start point): a cycle too long to
        // collapse the picture still draws only a few dots, not an attractor.
        w.push((Problem::Periodic, format!(
            "the orbit from the start point is periodic ({reason}) for {what}: the picture shows a few points, not an attractor; try other parameters"
        )));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_density_hint_names_the_points_for_the_default_density() {
        assert_eq!(density_hint(1024, 1024), None);
        assert_eq!(density_hint(2048, 1024), None);
        let h = density_hint(4096, 4096).unwrap();
        assert!(
            h.contains("6.0 points a pixel at 4096x4096 (95 at 1024x1024)")
                && h.ends_with("--iters 1.6e9 gives the default density"),
            "{h}"
        );
    }
    use crate::Presets;

    /// `n` points all in one bin of a `w` x `h` canvas.
    fn one_bin(w: u32, h: u32, n: u64) -> (Histogram, Job) {
        let preset = Presets::builtin().get("Clifford").unwrap().clone();
        let job = Job::builder(preset).size(w, h).points(n).build().unwrap();
        let mut hist = job.empty_histogram();
        hist.counts[0] = n;
        hist.tally.counted = n;
        (hist, job)
    }

    #[test]
    fn a_collapse_is_told_only_where_the_canvas_can_show_one() {
        let collapsed = |w, h| {
            let (hist, job) = one_bin(w, h, 1000);
            check_result(&hist, &job, false)
                .iter()
                .any(|w| w.contains("collapses"))
        };
        assert!(collapsed(64, 64));
        assert!(collapsed(1024, 16));
        assert!(!collapsed(1, 1));
        assert!(!collapsed(1, 65536));
        assert!(!collapsed(3, 5));
    }

    #[test]
    fn dropping_bounds_is_advised_only_when_they_were_given() {
        let (mut hist, job) = one_bin(64, 64, 1000);
        hist.counts[0] = 0;
        hist.tally.counted = 0;
        hist.tally.outside = 1000;
        let blank = |given| check_result(&hist, &job, given).join("\n");
        assert!(blank(true).contains("drop --bounds"), "{}", blank(true));
        assert!(!blank(false).contains("--bounds"), "{}", blank(false));
        assert!(blank(false).contains("the picture is blank"));
    }
}
