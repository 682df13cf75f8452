//! Problems with a finished render's result, shown even under `--quiet` (quiet hides progress and
//! the summary, not problems with the picture).

use crate::histogram::Histogram;
use crate::job::Job;

/// Effective pixels below this (exp of the entropy of the counts) mean the orbit collapsed into
/// a fixed point or a short cycle: a cycle of period p lights about p pixels with equal weight.
pub const COLLAPSED_BELOW: f64 = 16.0;

/// The warnings for `hist`, the result of `job` (empty when the picture is fine).
pub fn check_result(hist: &Histogram, job: &Job) -> Vec<String> {
    let t = hist.tally;
    let what = job.preset.describe_params();
    let mut w = Vec::new();
    if t.total() == 0 {
        return w;
    }
    if t.diverged as f64 > 0.5 * t.total() as f64 {
        w.push(format!(
            "{:.0}% of points were lost to divergence for {what}; check the parameters and --start",
            100.0 * t.diverged as f64 / t.total() as f64
        ));
    }
    if t.counted == 0 {
        w.push(format!(
            "no point fell inside the bounds {} for {what}: the picture is blank; drop --bounds for automatic bounds, or check --start",
            job.bounds
        ));
    } else if t.counted >= 1000 {
        let eff = hist.effective_pixels();
        if eff < COLLAPSED_BELOW {
            w.push(format!(
                "the orbit collapses to about {eff:.1} effective pixel(s), {} lit (a fixed point or a short cycle) for {what}; try other parameters",
                hist.nonzero_bins()
            ));
        }
    }
    w
}
