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
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native

# Mesa's drivers print "error: XDG_RUNTIME_DIR is invalid or not set" on a headless machine
# when the variable is unset; the command line sets it to a private directory, and so does
# the package, before any GPU is opened.
if "XDG_RUNTIME_DIR" not in os.environ:
    _runtime_dir = _native.private_runtime_dir()
    if _runtime_dir is not None:
        os.environ["XDG_RUNTIME_DIR"] = os.fspath(_runtime_dir)

from . import _args  # noqa: E402
from ._native import ArgumentError, Render, RenderError  # noqa: E402

__all__ = [
    "ArgumentError",
    "Render",
    "RenderError",
    "RenderWarning",
    "equations",
    "merge",
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


def _render_flags(
    name: Any,
    equation: Any,
    formula: Any,
    params: Any,
    start: Any,
    n: Any,
    size: Any,
    bounds: Any,
    aspect: Any,
    backend: Any,
    seed: Any,
    exact: Any,
    skip: Any,
    config: Any,
    shard: Any = None,
) -> List[str]:
    """The command line's flags for these arguments, each checked for its kind (see _args)."""
    flags = [
        "--iters=" + _args.count("n", n),
        "--size=" + _args.size(size),
        "--skip=" + _args.count("skip", skip),
        "--seed=" + _args.count("seed", seed),
        "--backend=" + _args.text("backend", backend, optional=False),
    ]
    optional = [
        ("--aspect=", _args.text("aspect", aspect)),
        ("--equation=", _args.text("equation", equation)),
        ("--formula=", _args.text("formula", formula)),
        ("--params=", _args.params(params)),
        ("--start=", _args.reals("start", start, (2, 3), "(x, y) or (x, y, z)")),
        ("--bounds=", _args.reals("bounds", bounds, (4,), "(xmin, xmax, ymin, ymax)")),
        ("--config=", _args.path("config", config)),
        ("--shard=", _args.wholes("shard", shard, "/", "(i, n): shard i of n, 0 <= i < n")),
    ]
    flags += [f + v for f, v in optional if v is not None]
    if _args.flag("exact", exact):
        flags.append("--exact")
    name = _args.text("name", name)
    if name is not None:
        flags += ["--", name]
    return flags


def _progress_callback(
    progress: Union[bool, Callable[[int, int], Any]], unit: str = "points"
) -> Tuple[Optional[Callable[[int, int], Any]], Callable[[], None]]:
    """A callback(done, total) and a function closing what it opened: a tqdm bar when tqdm is
    installed, else a line on stderr; or the caller's own callable. ``unit``: what is counted."""
    _args.progress(progress)
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        def line(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done:,} of {total:,} {unit} ({100.0 * done / max(total, 1):.0f}%)")
            sys.stderr.flush()

        return line, lambda: sys.stderr.write("\n")
    bars = []  # made at the first report, when the total is known

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit=unit, unit_scale=unit == "points"))
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
    shard: Union[Tuple[int, int], str, None] = None,
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
    ``shard=(i, n)`` renders only shard i of n of the job (``--shard I/N``: the same orbits, the
    same counts); :func:`merge` sums the shards, :mod:`attractors.dask` runs them on a cluster.

    Returns a :class:`Render`: ``.counts`` (numpy uint32, or uint64 when a bin exceeds 2**32-1,
    shape (height, width), row 0 = top; read-only: they are what :func:`shade`, :func:`merge`
    and pickling use), ``.bounds``, ``.tally`` (counted, outside, diverged, total), ``.recipe``
    (the JSON the PNG carries), ``.shards``, ``.backend``, ``.seconds``, ``.warnings``, ``.name``,
    ``.n`` (points asked for), ``.shape``. It converts to its counts wherever numpy wants an
    array (``np.asarray(r)``), and pickles.

    The GIL is released while the engine runs; Ctrl-C (the notebook's interrupt) stops it within
    about 0.1 s and raises KeyboardInterrupt. Notes and warnings the command line prints are
    issued as :class:`RenderWarning`. Raises :class:`ArgumentError` (a ValueError) for bad
    arguments, :class:`RenderError` (a RuntimeError) when no engine could run it.
    """
    flags = _render_flags(
        name, equation, formula, params, start, n, size, bounds, aspect, backend, seed, exact,
        skip, config, shard,
    )
    callback, close = _progress_callback(progress)
    try:
        result = _native.render(flags, callback)
    finally:
        close()
    for w in result.warnings:
        _warnings.warn(w, RenderWarning, stacklevel=2)
    return result


def merge(renders: Iterable[Render], partial: bool = False) -> Render:
    """The exact sum of the renders of the shards of one job (``render(..., shard=(i, n))``),
    as ``attractors merge`` sums shard files: counts added in 64 bits, tallies added. Every
    render is checked: the same job as the first (map, parameters, start, bounds, size,
    points, seed, skip, mode; the style may differ, the first's is used), the same shard count,
    no shard twice, none missing; a refusal is an :class:`ArgumentError` naming ``renders[i]``.
    ``partial=True`` merges the shards given and issues a :class:`RenderWarning` naming the
    missing ones (the result's ``.shards`` lists them; it can be merged again with them). The
    merge of all the shards equals the one render of the job, bit for bit on the CPU. A render
    of the whole job counts as its shard 0 of 1."""
    if isinstance(renders, (str, bytes)) or _args.is_render(renders):
        raise _args.fail("renders", renders, "give a list of Renders (the shards of one job)")
    try:
        items = list(renders)
    except TypeError:
        raise _args.fail("renders", renders, "give a list of Renders (the shards of one job)") from None
    for i, r in enumerate(items):
        _args.render_arg(f"renders[{i}]", r)
    result = _native.merge(items, _args.flag("partial", partial))
    if result.shards is not None:
        missing = result.shards["missing"]
        shown = ", ".join(map(str, missing[:20])) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
        _warnings.warn(
            f"partial: missing shard(s) {shown} of {result.shards['count']}", RenderWarning, stacklevel=2
        )
    return result


def _style_flags(palette: Any, how: Any, background: Any, span: Any) -> List[str]:
    flags = [
        "--shade=" + _args.text("how", how, optional=False),
        "--background=" + _args.text("background", background, optional=False),
    ]
    palette = _args.text("palette", palette)
    if palette is not None:
        flags.append("--palette=" + palette)
    span = _args.wholes("span", span, ",", "(min, max): two whole counts")
    if span is not None:
        flags.append("--span=" + span)
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
    fire, as the command line does. It shades ``result.counts``, which are read-only (to shade
    other counts, render or merge them)."""
    _args.render_arg("result", result)
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
    _args.render_arg("result", result)
    path = _args.path("path", path, optional=False)
    result.save_png(path, _style_flags(palette, how, background, span))


def to_xarray(result: Render) -> "xarray.DataArray":  # noqa: F821
    """The counts as an ``xarray.DataArray`` in datashader's layout: dims ``("y", "x")``, row 0 =
    the bottom (min y), coordinates at the pixel centres, so
    ``datashader.transfer_functions.shade(to_xarray(r), cmap=...)`` works unchanged."""
    import numpy as np
    import xarray as xr

    _args.render_arg("result", result)
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
    return _native.presets(_args.path("config", config))


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
    flags = [
        "--count=" + _args.count("count", count),
        "--seed=" + _args.count("seed", seed),
        "--tries=" + _args.count("tries", tries),
    ]
    formula = _args.text("formula", formula)
    if formula is not None:
        flags.append("--formula=" + formula)
    ranges = _args.ranges(ranges)
    if ranges is not None:
        flags.append("--range=" + ranges)
    equation = _args.text("equation", equation)
    if equation is not None:
        flags += ["--", equation]
    found, _tried = _native.search(flags)
    return found
