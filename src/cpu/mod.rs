//! The CPU engines: the float64 single orbit bit-exact with datashader ([`ExactEngine`],
//! `--exact`) and the multi-threaded float32 sampled mode ([`SampledEngine`], the default).

pub mod canvas;
mod exact;
pub(crate) mod kernel;
mod sampled;
pub(crate) mod scatter;

pub use exact::ExactEngine;
pub use sampled::{MAX_ORBIT_LEN, SampledEngine, orbit_plan};

use crate::engine::{Control, Engine};
use crate::histogram::Histogram;
use crate::job::Job;

/// Renders `job` to the end on the CPU, in the sampled mode (a convenience over [`SampledEngine`]
/// and [`crate::engine::drive`]).
pub fn render_sampled(job: &Job, ctl: &Control) -> Histogram {
    render_with(&mut SampledEngine::new(job), job, ctl)
}

/// Renders `job` to the end with the exact float64 orbit.
pub fn render_exact(job: &Job, ctl: &Control) -> Histogram {
    render_with(&mut ExactEngine::new(job), job, ctl)
}

fn render_with(engine: &mut dyn Engine, job: &Job, ctl: &Control) -> Histogram {
    match crate::engine::drive(engine, job.iters, ctl, None) {
        Ok(s) => s.hist,
        // CPU engines do not fail; an error here would be a bug, reported with what was done.
        Err(f) => f.partial.map_or_else(|| job.empty_histogram(), |s| s.hist),
    }
}
