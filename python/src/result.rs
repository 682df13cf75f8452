//! [`Render`], the result object: the counts (a read-only numpy array) and the job that made
//! them, which shade and save like `attractors --png`, merge (`merge.rs`) and pickle
//! (`state.rs`). [`Made`] is what one is made of, by a render, a merge or unpickling.

use crate::render::parse_flags;
use crate::{argument_error, render_error};
use attractors::cli::config::style;
use attractors::histogram::Histogram;
use attractors::job::Job;
use attractors::output::{Kind, OutputFile};
use attractors::recipe::{Document, Recipe};
use attractors::shade;
use attractors::shade::Style;
use attractors::shard::Shard;
use numpy::IntoPyArray;
use numpy::ndarray::{Array2, Array3};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// The counts as a read-only (height, width) array, row 0 = top: uint32, or uint64 when a bin
/// exceeds u32 (the `.npy` rule). Read-only, because they are what `shade()`, `save_png()`,
/// `merge()` and pickling use: an edit could only be silently ignored or break the tally.
fn counts_array(py: Python<'_>, hist: &Histogram) -> PyResult<Py<PyAny>> {
    let shape = (hist.height as usize, hist.width as usize);
    let bad = |e: numpy::ndarray::ShapeError| render_error(e);
    let array = if hist.max() <= u32::MAX as u64 {
        let v: Vec<u32> = hist.counts.iter().map(|&c| c as u32).collect();
        Array2::from_shape_vec(shape, v)
            .map_err(bad)?
            .into_pyarray(py)
            .into_any()
    } else {
        Array2::from_shape_vec(shape, hist.counts.clone())
            .map_err(bad)?
            .into_pyarray(py)
            .into_any()
    };
    let kwargs = PyDict::new(py);
    kwargs.set_item("write", false)?;
    array.call_method("setflags", (), Some(&kwargs))?;
    Ok(array.unbind())
}

/// Some shards of a job: `indices` of `count`.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardSet {
    pub count: u32,
    pub indices: Vec<u32>,
}

/// What a [`Render`] is made of (by a render, a merge, or unpickling).
pub struct Made {
    pub job: Job,
    /// Points of this render's share of the job (the job's points when whole).
    pub target: u64,
    pub hist: Histogram,
    pub style: Style,
    pub backend: String,
    pub seconds: f64,
    /// Notes about the job and the engine (not about the counts).
    pub notes: Vec<String>,
    pub bounds_given: bool,
    /// `None`: the whole job.
    pub shards: Option<ShardSet>,
}

/// A finished render: the counts and the job that made them. Made by `attractors.render` and
/// `attractors.merge`; pickles (a Dask worker hands it to another process).
#[pyclass(module = "attractors._native", frozen)]
pub struct Render {
    pub(crate) made: Made,
    counts: Py<PyAny>,
    warnings: Vec<String>,
}

impl Render {
    /// The render of `made` (a set of all the job's shards is the whole job): its counts array
    /// and warnings (the notes, then the command line's
    /// warnings about the counts).
    pub fn new(py: Python<'_>, mut made: Made) -> PyResult<Render> {
        // Every shard of the job (shard 0 of 1 included) is the whole job.
        if made
            .shards
            .as_ref()
            .is_some_and(|s| s.indices.len() as u64 == s.count as u64)
        {
            made.shards = None;
        }
        let mut warnings = made.notes.clone();
        warnings.extend(
            attractors::warnings::check_result(&made.hist, &made.job, made.bounds_given)
                .iter()
                .map(|w| w.to_string()),
        );
        Ok(Render {
            counts: counts_array(py, &made.hist)?,
            made,
            warnings,
        })
    }

    /// The recipe of this render in `style` (points: the whole job's), with its shard part when
    /// it is one shard (as `--shard I/N` records it; a partial merge's records none, as
    /// `attractors merge --partial`).
    pub fn recipe_in(&self, style: &Style) -> Recipe {
        let m = &self.made;
        let mut recipe = Recipe::of(&m.job, m.job.iters, style);
        if let Some(ShardSet { count, indices }) = &m.shards
            && let [index] = indices[..]
        {
            let shard = Shard {
                index,
                count: *count,
            };
            recipe.shard = Some(attractors::shard::part(shard, m.job.iters, &m.hist));
        }
        recipe
    }
    /// The style the style flags give (`--palette`, `--shade`, `--background`, `--span`), the
    /// preset's palette when none is named: the command line's rule and messages.
    fn style_of(&self, flags: &[String]) -> PyResult<Style> {
        if flags.is_empty() {
            return Ok(self.made.style.clone());
        }
        let r = parse_flags(flags)?;
        style(
            r.palette.as_deref(),
            &self.made.job.preset,
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
        let b = self.made.job.bounds;
        (b.xmin, b.xmax, b.ymin, b.ymax)
    }
    /// Where the points went: counted, outside (the bounds), diverged, total.
    #[getter]
    fn tally<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = self.made.hist.tally;
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
        self.made.job.preset.name.clone()
    }
    /// Points asked for: the job's, or the share of the shards it holds.
    #[getter]
    fn n(&self) -> u64 {
        self.made.target
    }
    /// Which engine rendered it, in words.
    #[getter]
    fn backend(&self) -> String {
        self.made.backend.clone()
    }
    /// Seconds the engine ran (the pilot and engine start not included).
    #[getter]
    fn seconds(&self) -> f64 {
        self.made.seconds
    }
    /// What the command line would print as notes and warnings.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
    /// The recipe as JSON text (what `attractors info` shows for the PNG; `--from` renders it).
    #[getter]
    fn recipe(&self) -> String {
        Document::picture(self.recipe_in(&self.made.style)).to_json()
    }
    /// RGBA8 pixels, shape (height, width, 4), shaded as the command line's PNG with the same
    /// style flags.
    #[pyo3(signature = (flags=Vec::new()))]
    fn shade(&self, py: Python<'_>, flags: Vec<String>) -> PyResult<Py<PyAny>> {
        let style = self.style_of(&flags)?;
        let rgba = py.detach(|| shade::shade(&self.made.hist, &style));
        let shape = (
            self.made.hist.height as usize,
            self.made.hist.width as usize,
            4,
        );
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
        let text = Document::picture(self.recipe_in(&style)).png_text();
        py.detach(|| {
            let rgba = shade::shade(&self.made.hist, &style);
            out.write_png(&rgba, self.made.hist.width, self.made.hist.height, &text)
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
    /// `None` for the whole job; for shards of it (a `shard=` render, a partial merge) a dict:
    /// `count` (the job's shards), `present` and `missing` (their indices).
    #[getter]
    fn shards<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(set) = &self.made.shards else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        let missing: Vec<u32> = (0..set.count)
            .filter(|i| !set.indices.contains(i))
            .collect();
        d.set_item("count", set.count)?;
        d.set_item("present", set.indices.clone())?;
        d.set_item("missing", missing)?;
        Ok(Some(d))
    }
    /// Pickling: the state's JSON text and the counts (see `state.rs`).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (String, Py<PyAny>))> {
        let from_state = slf.get_type().getattr("_from_state")?;
        let r = slf.get();
        Ok((
            from_state,
            (crate::state::state_of(r), r.counts.clone_ref(slf.py())),
        ))
    }
    /// Unpickling (not for direct use).
    #[classmethod]
    fn _from_state(
        cls: &Bound<'_, pyo3::types::PyType>,
        state: &str,
        counts: &Bound<'_, PyAny>,
    ) -> PyResult<Render> {
        crate::state::restore(cls.py(), state, counts)
    }
    /// (height, width), as the counts.
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (
            self.made.hist.height as usize,
            self.made.hist.width as usize,
        )
    }
    fn __repr__(&self) -> String {
        let b = self.made.job.bounds;
        format!(
            "<attractors.Render {} {}x{}, {} points ({} counted), bounds ({}, {}, {}, {})>",
            self.made.job.preset.name,
            self.made.hist.width,
            self.made.hist.height,
            self.made.hist.tally.total(),
            self.made.hist.tally.counted,
            b.xmin,
            b.xmax,
            b.ymin,
            b.ymax
        )
    }
}
