//! `render(flags)`: the command line's render flags -> the CLI's validated job -> the engine
//! driven on a thread by the crate's one driver loop. This thread waits with the GIL released,
//! and every 100 ms takes it back to report progress and run Python's signal handlers: a
//! KeyboardInterrupt cancels the run's `Control` and joins its thread before it propagates.

use crate::{argument_error, clap_error, render_error};
use attractors::backend::OpenError;
use attractors::cli::RenderArgs;
use attractors::cli::config::{RenderConfig, style};
use attractors::cli::render_config;
use attractors::engine::{self, Background};
use attractors::histogram::Histogram;
use attractors::job::Job;
use attractors::output::{Kind, OutputFile};
use attractors::recipe::{Document, Recipe};
use attractors::shade::Style;
use attractors::{Engines, shade};
use clap::{CommandFactory, FromArgMatches, Parser};
use numpy::IntoPyArray;
use numpy::ndarray::{Array2, Array3};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
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
fn parse_flags(flags: &[String]) -> PyResult<RenderArgs> {
    let matches = Flags::command()
        .try_get_matches_from(flags)
        .map_err(clap_error)?;
    let mut f = Flags::from_arg_matches(&matches).map_err(clap_error)?;
    f.render.given = attractors::cli::given(&matches);
    Ok(f.render)
}

/// Renders the job the render flags describe; see `attractors.render` for the Python side.
#[pyfunction]
#[pyo3(signature = (flags, progress=None))]
pub fn render(
    py: Python<'_>,
    flags: Vec<String>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Render> {
    let r = parse_flags(&flags)?;
    attractors::cli::scope::check(&r, attractors::cli::scope::Mode::Files).map_err(argument_error)?;
    let RenderConfig {
        job,
        style,
        pilot_diverged,
        ..
    } = py.detach(|| render_config(&r)).map_err(argument_error)?;
    let mut warnings = Vec::new();
    let engine = py.detach(|| {
        let mut notes = Vec::new();
        let opened = Engines::open(r.backend, r.adapter.as_deref(), &job, |n| {
            notes.push(n.to_string())
        })
        .and_then(|mut e| e.engine(&job));
        (opened, notes)
    });
    warnings.extend(engine.1);
    let engine = engine.0.map_err(|e| match e {
        OpenError::Gpu(_) => render_error(e),
        _ => argument_error(e),
    })?;
    let backend = engine.describe();
    if job.preset.formula.is_none()
        && job.preset.equation.is_area_preserving(&job.preset.params)
        && !job.exact
    {
        warnings.push(format!(
            "{} is area-preserving: its picture depends on the exact orbit; exact=True reproduces datashader's single orbit",
            job.preset.equation.name()
        ));
    }
    warnings.extend(attractors::warnings::pilot_divergence(
        pilot_diverged,
        &job.preset,
    ));
    let target = job.iters;
    let t0 = Instant::now();
    let bg = engine::spawn(engine, target);
    loop {
        let finished = py.detach(|| wait(&bg, POLL));
        let step = progress
            .as_ref()
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
    let seconds = t0.elapsed().as_secs_f64();
    let hist = match result {
        Ok(snap) => snap.hist,
        Err(f) => {
            let done = f.partial.as_ref().map_or(0, |s| s.hist.tally.total());
            return Err(render_error(format!(
                "the render stopped after {done} of {target} points: {}; run it again, on the GPU or with backend=\"cpu\"",
                f.error
            )));
        }
    };
    warnings.extend(
        attractors::warnings::check_result(&hist, &job, r.given.has("bounds"))
            .iter()
            .map(|w| w.to_string()),
    );
    let counts = counts_array(py, &hist)?;
    Ok(Render {
        job,
        target,
        hist,
        style,
        counts,
        backend,
        seconds,
        warnings,
    })
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

/// The counts as a (height, width) array, row 0 = top: uint32, or uint64 when a bin exceeds
/// u32 (the `.npy` rule).
fn counts_array(py: Python<'_>, hist: &Histogram) -> PyResult<Py<PyAny>> {
    let shape = (hist.height as usize, hist.width as usize);
    let bad = |e: numpy::ndarray::ShapeError| render_error(e);
    Ok(if hist.max() <= u32::MAX as u64 {
        let v: Vec<u32> = hist.counts.iter().map(|&c| c as u32).collect();
        Array2::from_shape_vec(shape, v)
            .map_err(bad)?
            .into_pyarray(py)
            .into_any()
            .unbind()
    } else {
        Array2::from_shape_vec(shape, hist.counts.clone())
            .map_err(bad)?
            .into_pyarray(py)
            .into_any()
            .unbind()
    })
}

/// A finished render: the counts and the job that made them. Made by `attractors.render`.
#[pyclass(module = "attractors._native", frozen)]
pub struct Render {
    job: Job,
    target: u64,
    hist: Histogram,
    /// The style the command line would use with no style flags (the preset's palette).
    style: Style,
    counts: Py<PyAny>,
    backend: String,
    seconds: f64,
    warnings: Vec<String>,
}

impl Render {
    /// The style the style flags give (`--palette`, `--shade`, `--background`, `--span`), the
    /// preset's palette when none is named: the command line's rule and messages.
    fn style_of(&self, flags: &[String]) -> PyResult<Style> {
        if flags.is_empty() {
            return Ok(self.style.clone());
        }
        let r = parse_flags(flags)?;
        style(
            r.palette.as_deref(),
            &self.job.preset,
            r.shade,
            &r.background,
            r.span,
        )
        .map_err(argument_error)
    }
}

#[pymethods]
impl Render {
    /// Counts per bin, shape (height, width), row 0 = top (the `.npy` layout).
    #[getter]
    fn counts(&self, py: Python<'_>) -> Py<PyAny> {
        self.counts.clone_ref(py)
    }
    /// The plot bounds used: (xmin, xmax, ymin, ymax).
    #[getter]
    fn bounds(&self) -> (f64, f64, f64, f64) {
        let b = self.job.bounds;
        (b.xmin, b.xmax, b.ymin, b.ymax)
    }
    /// Where the points went: counted, outside (the bounds), diverged, total.
    #[getter]
    fn tally<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = self.hist.tally;
        let d = PyDict::new(py);
        d.set_item("counted", t.counted)?;
        d.set_item("outside", t.outside)?;
        d.set_item("diverged", t.diverged)?;
        d.set_item("total", t.total())?;
        Ok(d)
    }
    /// The preset's name (or the equation's, the formula's).
    #[getter]
    fn name(&self) -> String {
        self.job.preset.name.clone()
    }
    /// Points asked for.
    #[getter]
    fn n(&self) -> u64 {
        self.target
    }
    /// Which engine rendered it, in words.
    #[getter]
    fn backend(&self) -> String {
        self.backend.clone()
    }
    /// Seconds the engine ran (the pilot and engine start not included).
    #[getter]
    fn seconds(&self) -> f64 {
        self.seconds
    }
    /// What the command line would print as notes and warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
    /// The recipe as JSON text (what `attractors info` shows for the PNG; `--from` renders it).
    #[getter]
    fn recipe(&self) -> String {
        Document::picture(Recipe::of(&self.job, self.target, &self.style)).to_json()
    }
    /// RGBA8 pixels, shape (height, width, 4), shaded as the command line's PNG with the same
    /// style flags.
    #[pyo3(signature = (flags=Vec::new()))]
    fn shade(&self, py: Python<'_>, flags: Vec<String>) -> PyResult<Py<PyAny>> {
        let style = self.style_of(&flags)?;
        let rgba = py.detach(|| shade::shade(&self.hist, &style));
        let shape = (self.hist.height as usize, self.hist.width as usize, 4);
        Ok(Array3::from_shape_vec(shape, rgba)
            .map_err(render_error)?
            .into_pyarray(py)
            .into_any()
            .unbind())
    }
    /// Writes the PNG the command line's `--png` writes for this job and style, recipe included.
    #[pyo3(signature = (path, flags=Vec::new()))]
    fn save_png(&self, py: Python<'_>, path: PathBuf, flags: Vec<String>) -> PyResult<()> {
        let style = self.style_of(&flags)?;
        let out = OutputFile::prepare(&path, Kind::Png).map_err(argument_error)?;
        let text = Document::picture(Recipe::of(&self.job, self.target, &style)).png_text();
        py.detach(|| {
            let rgba = shade::shade(&self.hist, &style);
            out.write_png(&rgba, self.hist.width, self.hist.height, &text)
                .and_then(|staged| staged.commit())
        })
        .map_err(render_error)
    }
    /// numpy's conversion hook: `np.asarray(r)` is `r.counts` (cast when a dtype is asked).
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__(
        &self,
        py: Python<'_>,
        dtype: Option<Bound<'_, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let counts = self.counts.bind(py);
        Ok(match (dtype, copy) {
            (Some(t), _) => counts.call_method1("astype", (t,))?.unbind(),
            (None, Some(true)) => counts.call_method0("copy")?.unbind(),
            _ => counts.clone().unbind(),
        })
    }
    /// (height, width), as the counts.
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.hist.height as usize, self.hist.width as usize)
    }
    fn __repr__(&self) -> String {
        let b = self.job.bounds;
        format!(
            "<attractors.Render {} {}x{}, {} points ({} counted), bounds ({}, {}, {}, {})>",
            self.job.preset.name,
            self.hist.width,
            self.hist.height,
            self.hist.tally.total(),
            self.hist.tally.counted,
            b.xmin,
            b.xmax,
            b.ymin,
            b.ymax
        )
    }
}
