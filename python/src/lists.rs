//! What `attractors list` and `attractors search` show, as Python lists of dicts.

use crate::{argument_error, clap_error};
use attractors::attractor::{Equation, Preset, Presets};
use attractors::cli::SearchArgs;
use attractors::shade::Palette;
use clap::Parser;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// A preset as a dict: name, equation (or "formula"), formula text, params, start, palette.
fn preset_dict<'py>(py: Python<'py>, p: &Preset) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", &p.name)?;
    d.set_item("equation", p.map_name())?;
    d.set_item("formula", p.formula.as_ref().map(|m| m.text().to_string()))?;
    let params = PyDict::new(py);
    for (k, v) in p.named_params() {
        params.set_item(k, v)?;
    }
    d.set_item("params", params)?;
    d.set_item("start", (p.start[0], p.start[1]))?;
    d.set_item("palette", p.palette.clone())?;
    Ok(d)
}

/// The presets of `config` (default ./attractors.atr, else the built-in copy).
#[pyfunction]
#[pyo3(signature = (config=None))]
pub fn presets<'py>(py: Python<'py>, config: Option<PathBuf>) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let presets = Presets::load(config.as_deref()).map_err(argument_error)?;
    presets.all().iter().map(|p| preset_dict(py, p)).collect()
}

/// The built-in equations: name, parameter names, formula.
#[pyfunction]
pub fn equations(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    Equation::ALL
        .iter()
        .map(|e| {
            let d = PyDict::new(py);
            d.set_item("name", e.name())?;
            d.set_item("params", e.params().to_vec())?;
            d.set_item("formula", e.formula_readable())?;
            Ok(d)
        })
        .collect()
}

/// Every palette name.
#[pyfunction]
pub fn palettes() -> Vec<String> {
    Palette::names()
}

/// The flags of `attractors search`, parsed without a program name.
#[derive(Parser, Debug)]
#[command(name = "attractors search", no_binary_name = true)]
struct Flags {
    #[command(flatten)]
    search: SearchArgs,
}

/// `attractors search` with these flags: the ranked results (accepted ones) as dicts, and
/// how many candidates were screened. Runs with the GIL released.
#[pyfunction]
pub fn search(py: Python<'_>, flags: Vec<String>) -> PyResult<(Vec<Bound<'_, PyDict>>, u64)> {
    let args = Flags::try_parse_from(&flags).map_err(clap_error)?.search;
    let space = attractors::cmd::search::space_of(&args).map_err(argument_error)?;
    let seed = args.seed.unwrap_or(0);
    let outcome =
        py.detach(|| attractors::search::find(&space, seed, args.count as usize, args.tries));
    let mut out = Vec::new();
    for f in outcome.ranked() {
        let d = preset_dict(py, &f.preset)?;
        let m = &f.verdict.metrics;
        d.set_item("score", m.score())?;
        d.set_item("lyapunov", m.lyapunov)?;
        d.set_item("coverage", m.coverage)?;
        d.set_item("effective_pixels", m.effective_pixels)?;
        d.set_item("dimension", m.dimension)?;
        out.push(d);
    }
    Ok((out, outcome.tried))
}
