//! `attractors._native`: the Python binding of the `attractors` crate, a thin layer over its
//! public API. Arguments arrive as the command line's flags (`attractors/__init__.py` spells
//! them), so the CLI's parsers and validation run unchanged and errors carry its messages.
//!
//! * [`render`]: flags -> job -> engine driven on a thread, the GIL released, Ctrl-C honoured;
//!   the result ([`render::Render`]) shades and saves like `attractors --png`.
//! * [`merge`]: the exact sum of shard renders, checked as `attractors merge` checks files.
//! * [`state`]: a render's pickled form (Dask moves renders between processes).
//! * [`lists`]: presets, equations, palettes, and the search for new attractors.

mod lists;
mod merge;
mod render;
mod result;
mod state;

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    attractors._native,
    ArgumentError,
    PyValueError,
    "A bad argument; the message is the command line's for the same flag."
);
create_exception!(
    attractors._native,
    RenderError,
    PyRuntimeError,
    "A render that could not start or finish (no GPU for backend='gpu', a device lost, ...)."
);

/// An argument error with the CLI's message (`{err:#}`: the whole chain on one line, as the CLI
/// prints it after `error: `).
pub(crate) fn argument_error(e: impl std::fmt::Display) -> PyErr {
    ArgumentError::new_err(format!("{e:#}"))
}

/// A flag clap refused: its message as the CLI prints it, less the `error: ` prefix and the
/// pointer to the command line's --help.
pub(crate) fn clap_error(e: clap::Error) -> PyErr {
    argument_error(attractors::cli::clap_message(&e))
}

/// A render error with the CLI's message.
pub(crate) fn render_error(e: impl std::fmt::Display) -> PyErr {
    RenderError::new_err(format!("{e:#}"))
}

/// The directory `XDG_RUNTIME_DIR` should name when it is unset (see the crate's
/// `gpu::runtime_dir`), or `None`; the package sets it through `os.environ` on import.
#[pyfunction]
fn private_runtime_dir() -> Option<std::path::PathBuf> {
    attractors::gpu::runtime_dir::private_runtime_dir()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ArgumentError", py.get_type::<ArgumentError>())?;
    m.add("RenderError", py.get_type::<RenderError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<result::Render>()?;
    m.add_function(wrap_pyfunction!(render::render, m)?)?;
    m.add_function(wrap_pyfunction!(render::check, m)?)?;
    m.add_function(wrap_pyfunction!(merge::merge, m)?)?;
    m.add_function(wrap_pyfunction!(private_runtime_dir, m)?)?;
    m.add_function(wrap_pyfunction!(lists::presets, m)?)?;
    m.add_function(wrap_pyfunction!(lists::equations, m)?)?;
    m.add_function(wrap_pyfunction!(lists::palettes, m)?)?;
    m.add_function(wrap_pyfunction!(lists::search, m)?)?;
    Ok(())
}
