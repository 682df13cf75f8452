"""Strange attractors rendered as point-density histograms on the GPU and CPU, for notebooks.

    import attractors
    r = attractors.render("Clifford", n=1e8)      # counts, shape (1024, 1024), row 0 = top
    rgba = attractors.shade(r)                    # the command line's PNG pixels
    import datashader.transfer_functions as tf
    tf.shade(attractors.to_xarray(r), cmap="fire") # or datashader's own shading

The work is done by the ``attractors`` Rust crate: each keyword argument is spelled as the
command line's flag (``n`` is ``--iters``, ``size=(w, h)`` is ``--size WxH``, ...) and goes
through the same parsers and checks, so a bad argument raises :class:`ArgumentError` with the
message ``attractors`` prints for that flag.

The user guide's chapter "Python and notebooks" (``docs/guide/src/python.md`` in the
repository) describes every function here, the example notebook and its ``notebook`` extra
(``pip install './python[notebook]'``).
"""

from __future__ import annotations

import os
import sys
import warnings as _warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._native import ArgumentError, Render, RenderError

__all__ = [
    "ArgumentError",
    "Render",
    "RenderError",
    "RenderWarning",
    "equations",
    "palettes",
    "presets",
    "render",
    "save_png",
    "search",
    "shade",
    "to_xarray",
]
__version__ = _native.__version__


class RenderWarning(UserWarning):
    """A note or warning the command line would print for the same render."""


def _number(v: Any) -> str:
    """A count as the command line spells it: ``1e8`` (a float) becomes ``100000000``."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _floats(v: Any) -> str:
    """A sequence of numbers as ``a,b,c`` (a string passes through)."""
    if isinstance(v, str):
        return v
    return ",".join(repr(float(x)) for x in v)


def _render_flags(
    name: Optional[str],
    equation: Optional[str],
    formula: Optional[str],
    params: Union[Mapping[str, float], str, None],
    start: Union[Sequence[float], str, None],
    n: Union[int, float, str],
    size: Union[Tuple[int, int], str],
    bounds: Union[Sequence[float], str, None],
    aspect: Optional[str],
    backend: str,
    seed: int,
    exact: bool,
    skip: Union[int, float, str],
    config: Union[str, "os.PathLike[str]", None],
) -> List[str]:
    flags = [
        "--iters=" + _number(n),
        "--size=" + (size if isinstance(size, str) else "{}x{}".format(*size)),
        "--skip=" + _number(skip),
        "--seed=" + _number(seed),
        "--backend=" + str(backend),
    ]
    if aspect is not None:
        flags.append("--aspect=" + str(aspect))
    if exact:
        flags.append("--exact")
    if equation is not None:
        flags.append("--equation=" + str(equation))
    if formula is not None:
        flags.append("--formula=" + str(formula))
    if params is not None:
        if not isinstance(params, str):
            params = ",".join(f"{k}={float(v)!r}" for k, v in params.items())
        flags.append("--params=" + params)
    if start is not None:
        flags.append("--start=" + _floats(start))
    if bounds is not None:
        flags.append("--bounds=" + _floats(bounds))
    if config is not None:
        flags.append("--config=" + os.fspath(config))
    if name is not None:
        flags += ["--", str(name)]
    return flags


def _progress_callback(progress: Union[bool, Callable[[int, int], Any]]) -> Tuple[Optional[Callable[[int, int], Any]], Callable[[], None]]:
    """A callback(done, total) and a function closing what it opened: a tqdm bar when tqdm is
    installed, else a line on stderr; or the caller's own callable."""
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        def line(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done:,} of {total:,} points ({100.0 * done / max(total, 1):.0f}%)")
            sys.stderr.flush()

        return line, lambda: sys.stderr.write("\n")
    bars = []  # made at the first report, when the total is known

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit="pt", unit_scale=True))
        bars[0].update(done - bars[0].n)

    return update, lambda: bars and bars[0].close()


def render(
    name: Optional[str] = None,
    *,
    equation: Optional[str] = None,
    formula: Optional[str] = None,
    params: Union[Mapping[str, float], str, None] = None,
    start: Union[Sequence[float], str, None] = None,
    n: Union[int, float, str] = 1e8,
    size: Union[Tuple[int, int], str] = (1024, 1024),
    bounds: Union[Sequence[float], str, None] = None,
    aspect: Optional[str] = None,
    backend: str = "auto",
    seed: int = 0,
    exact: bool = False,
    skip: Union[int, float, str] = 1000,
    config: Union[str, "os.PathLike[str]", None] = None,
    progress: Union[bool, Callable[[int, int], Any]] = False,
) -> Render:
    """Render an attractor's point-density histogram.

    Each argument is the command line's flag of the same meaning (``attractors --help``):
    ``name`` the preset (default Clifford; :func:`presets` lists them), ``equation`` /
    ``formula`` another map (``"x' = sin(a*y) + c*cos(a*x); y' = ..."``), ``params`` a dict
    ``{"a": -1.3}``, ``start`` ``(x, y)``, ``n`` points to count (``1e9``, ``"250M"``), ``size``
    ``(width, height)``, ``bounds`` ``(xmin, xmax, ymin, ymax)`` (default: automatic from a
    pilot orbit), ``aspect`` ``"equal"`` (the default) or ``"fill"`` (not with ``bounds``), ``backend`` ``"auto"``, ``"gpu"``,
    ``"cpu"`` or ``"cpu-exact"``, ``seed`` the sampled orbits' start points, ``exact`` the float64
    single orbit, bit-exact with datashader, ``skip`` transient points, ``config`` a preset file.
    ``progress=True`` shows a bar (tqdm when installed); a callable gets ``(done, total)``.

    Returns a :class:`Render`: ``.counts`` (numpy uint32, or uint64 when a bin exceeds 2**32-1,
    shape (height, width), row 0 = top), ``.bounds``, ``.tally`` (counted, outside, diverged,
    total), ``.recipe`` (the JSON the PNG carries), ``.backend``, ``.seconds``, ``.warnings``,
    ``.name``, ``.n`` (points asked for), ``.shape``. It converts to its counts wherever numpy
    wants an array (``np.asarray(r)``).

    The GIL is released while the engine runs; Ctrl-C (the notebook's interrupt) stops it within
    about 0.1 s and raises KeyboardInterrupt. Notes and warnings the command line prints are
    issued as :class:`RenderWarning`. Raises :class:`ArgumentError` (a ValueError) for bad
    arguments, :class:`RenderError` (a RuntimeError) when no engine could run it.
    """
    flags = _render_flags(
        name, equation, formula, params, start, n, size, bounds, aspect, backend, seed, exact,
        skip, config,
    )
    callback, close = _progress_callback(progress)
    try:
        result = _native.render(flags, callback)
    finally:
        close()
    for w in result.warnings:
        _warnings.warn(w, RenderWarning, stacklevel=2)
    return result


def _style_flags(palette: Optional[str], how: str, background: str, span: Optional[Tuple[int, int]]) -> List[str]:
    flags = ["--shade=" + str(how), "--background=" + str(background)]
    if palette is not None:
        flags.append("--palette=" + str(palette))
    if span is not None:
        flags.append("--span=" + (span if isinstance(span, str) else ",".join(_number(v) for v in span)))
    return flags


def shade(
    result: Render,
    palette: Optional[str] = None,
    how: str = "eq_hist",
    background: str = "black",
    span: Optional[Tuple[int, int]] = None,
) -> "numpy.ndarray":  # noqa: F821
    """RGBA8 pixels, shape (height, width, 4), row 0 = top: exactly the PNG the command line
    writes for the same job and ``--palette``, ``--shade`` (``how``: eq_hist, log, cbrt,
    linear), ``--background`` and ``--span``. ``palette=None`` takes the preset's palette, else
    fire, as the command line does."""
    return result.shade(_style_flags(palette, how, background, span))


def save_png(
    result: Render,
    path: Union[str, "os.PathLike[str]"],
    palette: Optional[str] = None,
    how: str = "eq_hist",
    background: str = "black",
    span: Optional[Tuple[int, int]] = None,
) -> None:
    """Write the picture :func:`shade` gives as a PNG carrying its recipe (as ``--png`` does;
    ``attractors --from FILE`` renders it again). Written atomically."""
    result.save_png(os.fspath(path), _style_flags(palette, how, background, span))


def to_xarray(result: Render) -> "xarray.DataArray":  # noqa: F821
    """The counts as an ``xarray.DataArray`` in datashader's layout: dims ``("y", "x")``, row 0 =
    the bottom (min y), coordinates at the pixel centres, so
    ``datashader.transfer_functions.shade(to_xarray(r), cmap=...)`` works unchanged."""
    import numpy as np
    import xarray as xr

    counts = np.asarray(result.counts)[::-1]
    height, width = counts.shape
    xmin, xmax, ymin, ymax = result.bounds
    dx, dy = (xmax - xmin) / width, (ymax - ymin) / height
    xs = np.linspace(xmin + dx / 2, xmax - dx / 2, width)
    ys = np.linspace(ymin + dy / 2, ymax - dy / 2, height)
    return xr.DataArray(
        counts,
        coords=[("y", ys), ("x", xs)],
        name=result.name,
        attrs={"x_range": (xmin, xmax), "y_range": (ymin, ymax)},
    )


def presets(config: Union[str, "os.PathLike[str]", None] = None) -> List[Dict[str, Any]]:
    """The presets of ``config`` (default ./attractors.atr, else the built-in copy): dicts with
    name, equation, formula, params, start, palette."""
    return _native.presets(None if config is None else os.fspath(config))


def equations() -> List[Dict[str, Any]]:
    """The built-in equations: dicts with name, params (names) and formula."""
    return _native.equations()


def palettes() -> List[str]:
    """Every palette name ``palette=`` accepts (``NAME_r`` reverses one)."""
    return _native.palettes()


def search(
    equation: Optional[str] = None,
    *,
    formula: Optional[str] = None,
    ranges: Union[Mapping[str, Tuple[float, float]], str, None] = None,
    count: int = 12,
    seed: int = 0,
    tries: Union[int, float, str] = 1_000_000,
) -> List[Dict[str, Any]]:
    """Discover attractors as ``attractors search`` does: random parameters of ``equation`` (or
    ``formula``) screened for chaos and coverage. Returns the accepted ones, best first, as
    preset dicts (name, equation, formula, params, start) with score, lyapunov, coverage,
    effective_pixels and dimension; render one with
    ``render(equation=d["equation"], params=d["params"], start=d["start"])``. Fewer than
    ``count`` may come back when ``tries`` candidates run out."""
    flags = ["--count=" + _number(count), "--seed=" + _number(seed), "--tries=" + _number(tries)]
    if formula is not None:
        flags.append("--formula=" + str(formula))
    if ranges is not None:
        if not isinstance(ranges, str):
            ranges = ",".join(f"{k}={float(lo)!r}:{float(hi)!r}" for k, (lo, hi) in ranges.items())
        flags.append("--range=" + ranges)
    if equation is not None:
        flags += ["--", str(equation)]
    found, _tried = _native.search(flags)
    return found
