//! `render(flags)`: the command line's render flags -> the CLI's validated job -> the engine
//! driven on a thread by the crate's one driver loop. This thread waits with the GIL released,
//! and every 100 ms takes it back to report progress and run Python's signal handlers: a
//! KeyboardInterrupt cancels the run's `Control` and joins its thread before it propagates.
//! `shard=(i, n)` arrives as `--shard I/N` and renders that shard's orbits only, as the command
//! line does; the [`Render`] it returns (`result.rs`) keeps which shards it holds.

use crate::result::{Made, Render, ShardSet};
use crate::{argument_error, clap_error, render_error};
use attractors::Engines;
use attractors::backend::OpenError;
use attractors::cli::RenderArgs;
use attractors::cli::config::RenderConfig;
use attractors::cli::render_config;
use attractors::engine::{self, Background, Engine};
use attractors::histogram::Histogram;
use attractors::job::Job;
use attractors::sampling::OrbitPlan;
use clap::{CommandFactory, FromArgMatches, Parser};
use pyo3::prelude::*;
use std::time::{Duration, Instant};

/// How often the waiting thread takes the GIL back: progress and Ctrl-C latency.
const POLL: Duration = Duration::from_millis(100);

/// The render flags of the command line, parsed without a program name.
#[derive(Parser, Debug)]
#[command(name = "attractors", no_binary_name = true)]
struct Flags {
    #[command(flatten)]
    render: RenderArgs,
}

/// Parses `flags` exactly as the command line would (the given ones recorded, as `cli::parse`
/// does); a bad flag raises ArgumentError with clap's message.
pub(crate) fn parse_flags(flags: &[String]) -> PyResult<RenderArgs> {
    let matches = Flags::command()
        .try_get_matches_from(flags)
        .map_err(clap_error)?;
    let mut f = Flags::from_arg_matches(&matches).map_err(clap_error)?;
    f.render.given = attractors::cli::given(&matches);
    Ok(f.render)
}

/// Renders the job the render flags describe (or its `--shard I/N`); see `attractors.render`
/// for the Python side.
#[pyfunction]
#[pyo3(signature = (flags, progress=None))]
pub fn render(
    py: Python<'_>,
    flags: Vec<String>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Render> {
    let (r, cfg) = configure(py, &flags)?;
    let RenderConfig {
        job,
        style,
        pilot_diverged,
        ..
    } = cfg;
    let (engine, mut notes) = open_engine(py, &r, &job)?;
    let backend = engine.describe();
    notes.extend(job_notes(&job, pilot_diverged));
    // The whole job's points fix its orbit plan; a shard renders its share of them.
    let target = r.shard.map_or(job.iters, |s| s.points(job.iters));
    let t0 = Instant::now();
    let hist = drive(py, engine, target, progress.as_ref())?;
    let shards = r.shard.map(|s| ShardSet {
        count: s.count,
        indices: vec![s.index],
    });
    Render::new(
        py,
        Made {
            job,
            target,
            hist,
            style,
            backend,
            seconds: t0.elapsed().as_secs_f64(),
            notes,
            bounds_given: r.given.has("bounds"),
            shards,
        },
    )
}

/// Checks the render flags as `render` does before it opens an engine (the pilot included), so
/// a client that renders elsewhere (on Dask workers) refuses a bad argument before submitting.
#[pyfunction]
pub fn check(py: Python<'_>, flags: Vec<String>) -> PyResult<()> {
    configure(py, &flags).map(drop)
}

/// The parsed flags and the validated job and style, with the `--shard` checked against the job.
fn configure(py: Python<'_>, flags: &[String]) -> PyResult<(RenderArgs, RenderConfig)> {
    let r = parse_flags(flags)?;
    attractors::cli::scope::check(&r, attractors::cli::scope::Mode::Files)
        .map_err(argument_error)?;
    let cfg = py.detach(|| render_config(&r)).map_err(argument_error)?;
    if let Some(s) = r.shard {
        s.check_job(&cfg.job)
            .map_err(|e| argument_error(format!("--shard {e}")))?;
    }
    Ok((r, cfg))
}

/// The engine for `job` (or for the orbits of its `--shard`), and the notes its opening gave.
fn open_engine(
    py: Python<'_>,
    r: &RenderArgs,
    job: &Job,
) -> PyResult<(Box<dyn Engine>, Vec<String>)> {
    let range = r.shard.map(|s| s.range(&OrbitPlan::new(job.iters)));
    let (opened, notes) = py.detach(|| {
        let mut notes = Vec::new();
        let opened = Engines::open(r.backend, r.adapter.as_deref(), job, |n| {
            notes.push(n.to_string())
        })
        .and_then(|mut e| e.engine_for(job, range));
        (opened, notes)
    });
    let engine = opened.map_err(|e| match e {
        OpenError::Gpu(_) => render_error(e),
        _ => argument_error(e),
    })?;
    Ok((engine, notes))
}

/// What the command line notes about the job itself, before it runs.
fn job_notes(job: &Job, pilot_diverged: f64) -> Vec<String> {
    let mut notes = Vec::new();
    if job.preset.formula.is_none()
        && job.preset.equation.is_area_preserving(&job.preset.params)
        && !job.exact
    {
        notes.push(format!(
            "{} is area-preserving: its picture depends on the exact orbit; exact=True reproduces datashader's single orbit",
            job.preset.equation.name()
        ));
    }
    notes.extend(attractors::warnings::pilot_divergence(
        pilot_diverged,
        &job.preset,
    ));
    notes
}

/// Runs `engine` to `target` points on its own thread, reporting progress and honouring
/// Ctrl-C every [`POLL`]; the counts, or the error that stopped it.
fn drive(
    py: Python<'_>,
    engine: Box<dyn Engine>,
    target: u64,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Histogram> {
    let bg = engine::spawn(engine, target);
    loop {
        let finished = py.detach(|| wait(&bg, POLL));
        let step = progress
            .map_or(Ok(()), |cb| {
                cb.call1((bg.control().done(), target)).map(drop)
            })
            .and_then(|_| if finished { Ok(()) } else { py.check_signals() });
        if let Err(e) = step {
            // Dropping a Background cancels its Control and joins its thread.
            py.detach(|| drop(bg));
            return Err(e);
        }
        if finished {
            break;
        }
    }
    let (result, _) = py.detach(|| bg.join());
    match result {
        Ok(snap) => Ok(snap.hist),
        Err(f) => {
            let done = f.partial.as_ref().map_or(0, |s| s.hist.tally.total());
            Err(render_error(format!(
                "the render stopped after {done} of {target} points: {}; run it again, on the GPU or with backend=\"cpu\"",
                f.error
            )))
        }
    }
}

/// Waits up to `most` for the run to end; whether it has.
fn wait(bg: &Background, most: Duration) -> bool {
    let t0 = Instant::now();
    while !bg.is_finished() {
        if t0.elapsed() >= most {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}
