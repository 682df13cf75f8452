//! Discovery: random candidates of an equation, screened on the CPU in float64 for divergence,
//! fixed points and cycles, chaos (largest Lyapunov exponent), coverage and concentration of a
//! thumbnail, and a correlation-dimension estimate.
//!
//! * [`mod@screen`]: the screen of one candidate, and [`screen::judge_histogram`], the same coverage and
//!   collapse checks applied to any rendered histogram (the render warnings use it, so a render and
//!   a search never disagree);
//! * [`candidates`]: candidate `i` of (space, seed): an equation or a formula, counter-based, so results do not depend on
//!   threads;
//! * [`mod@find`]: the parallel search loop and the ranking;
//! * [`known`]: the results an `.atr` file holds already;
//! * [`sheet`]: the contact sheet of results.

pub mod candidates;
pub mod find;
pub mod judge;
pub mod known;
mod orbit;
pub mod rules;
pub mod screen;
pub mod sheet;

pub use candidates::Space;
pub use find::{Found, Outcome, find, find_with};
pub use orbit::float32_divergence;
pub use screen::{HistogramReport, Metrics, Reason, Verdict, judge_histogram, screen};
