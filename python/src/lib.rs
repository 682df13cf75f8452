//! `attractors._native`: the Python binding of the `attractors` crate, a thin layer over its
//! public API. Arguments arrive as the command line's flags (`attractors/__init__.py` spells
//! them), so the CLI's parsers and validation run unchanged and errors carry its messages.
//!
//! * [`render`]: flags -> job -> engine driven on a thread, the GIL released, Ctrl-C honoured;
//!   the result ([`render::Render`]) shades and saves like `attractors --png`.
//! * [`lists`]: presets, equations, palettes, and the search for new attractors.

mod lists;
mod render;

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    _native,
    ArgumentError,
    PyValueError,
    "A bad argument; the message is the command line's for the same flag."
);
create_exception!(
    _native,
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

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ArgumentError", py.get_type::<ArgumentError>())?;
    m.add("RenderError", py.get_type::<RenderError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<render::Render>()?;
    m.add_function(wrap_pyfunction!(render::render, m)?)?;
    m.add_function(wrap_pyfunction!(lists::presets, m)?)?;
    m.add_function(wrap_pyfunction!(lists::equations, m)?)?;
    m.add_function(wrap_pyfunction!(lists::palettes, m)?)?;
    m.add_function(wrap_pyfunction!(lists::search, m)?)?;
    Ok(())
}
