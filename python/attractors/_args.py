"""Python arguments -> the command line's flag values, each checked for its kind first.

Every public function's arguments go through one of these converters, so a value of the wrong
kind (a bool where a number goes, a tuple of the wrong length, None, NaN, a list where a string
goes) raises :class:`ArgumentError` naming the argument and saying what it takes, instead of
being dropped, coerced or crashing elsewhere. A value of the right kind is spelled as the
command line's flag and goes on to the command line's own parsers and range checks (sizes,
counts, bounds), whose messages name the flag.
"""

from __future__ import annotations

import math
import os
from numbers import Integral, Real
from typing import Any, Mapping, Optional, Sequence, Tuple

from ._native import ArgumentError

#: Longest shown form of a bad value (a huge list or string is cut, not echoed whole).
_SHOWN = 60


def _shown(value: Any) -> str:
    """The value on one line (a numpy array's repr spans several), cut when long."""
    text = " ".join(repr(value).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def fail(name: str, value: Any, takes: str) -> ArgumentError:
    """The error for argument ``name``: ``name=VALUE: TAKES``."""
    return ArgumentError(f"{name}={_shown(value)}: {takes}")


def _is_whole(v: Any) -> bool:
    return isinstance(v, Integral) and not isinstance(v, bool) and type(v).__name__ != "bool_"


def _is_real(v: Any) -> bool:
    return isinstance(v, Real) and not isinstance(v, bool) and type(v).__name__ != "bool_"


def _is_sequence(v: Any) -> bool:
    return isinstance(v, Sequence) and not isinstance(v, (str, bytes)) or _is_array(v)


def _is_array(v: Any) -> bool:
    return type(v).__name__ == "ndarray" and getattr(v, "ndim", None) == 1


def text(name: str, v: Any, optional: bool = True) -> Optional[str]:
    """A string (a name, a formula, a colour); None where the argument is optional."""
    if v is None and optional:
        return None
    if not isinstance(v, str):
        raise fail(name, v, "give a string" + (" or None" if optional else ""))
    return v


def flag(name: str, v: Any) -> bool:
    """True or False (not 1, "yes" or None)."""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return bool(v)
    raise fail(name, v, "give True or False")


def count(name: str, v: Any, optional: bool = False) -> Optional[str]:
    """A count as the command line spells it: a whole number, a float with a whole value
    (``1e8``), or the command line's text (``"250M"``)."""
    if v is None and optional:
        return None
    if isinstance(v, str):
        return v
    if _is_whole(v):
        return str(int(v))
    if _is_real(v):
        f = float(v)
        if not math.isfinite(f):
            raise fail(name, v, "give a finite whole number")
        if f.is_integer() and abs(f) < 2.0**64:
            return str(int(f))
        # Not whole, or too large for any count: the command line's parser says which limit.
        return repr(f)
    raise fail(name, v, "give a whole number (or text such as '250M')")


def real(name: str, v: Any) -> float:
    """A finite number (not a bool)."""
    if not _is_real(v):
        raise fail(name, v, "give a number")
    f = float(v)
    if not math.isfinite(f):
        raise fail(name, v, "give a finite number")
    return f


def reals(name: str, v: Any, lengths: Tuple[int, ...], what: str) -> Optional[str]:
    """``a,b,c``: a sequence of ``lengths`` finite numbers (``what`` names them), or the command
    line's text; None passes."""
    if v is None or isinstance(v, str):
        return v
    if not _is_sequence(v) or len(v) not in lengths:
        raise fail(name, v, f"give {what}")
    for x in v:
        if not _is_real(x) or not math.isfinite(float(x)):
            raise fail(name, v, f"give {what}, each a finite number")
    return ",".join(repr(float(x)) for x in v)


def wholes(name: str, v: Any, sep: str, what: str) -> Optional[str]:
    """Two whole numbers joined by ``sep`` (``64x48``, ``0/4``), or the command line's text;
    None passes."""
    if v is None or isinstance(v, str):
        return v
    if not _is_sequence(v) or len(v) != 2 or not all(_is_whole(x) for x in v):
        raise fail(name, v, f"give {what}")
    return sep.join(str(int(x)) for x in v)


def size(v: Any) -> str:
    """``size=(width, height)`` or ``"WxH"``."""
    if v is None:
        raise fail("size", v, "give (width, height): two whole numbers, or 'WxH'")
    return wholes("size", v, "x", "(width, height): two whole numbers, or 'WxH'")


def params(v: Any) -> Optional[str]:
    """``{"a": -1.3, ...}`` as ``a=-1.3,...``, or the command line's text; None passes."""
    if v is None or isinstance(v, str):
        return v
    if not isinstance(v, Mapping):
        raise fail("params", v, "give a dict such as {'a': -1.3} (or 'a=-1.3,b=...')")
    for k, x in v.items():
        if not isinstance(k, str):
            raise fail("params", v, f"the name {k!r} is not a string")
        real(f"params[{k!r}]", x)
    return ",".join(f"{k}={float(x)!r}" for k, x in v.items())


def ranges(v: Any) -> Optional[str]:
    """``{"a": (lo, hi), ...}`` as ``a=lo:hi,...``, or the command line's text; None passes."""
    if v is None or isinstance(v, str):
        return v
    if not isinstance(v, Mapping):
        raise fail("ranges", v, "give a dict such as {'a': (-2, 2)} (or 'a=-2:2,...')")
    out = []
    for k, pair in v.items():
        if not isinstance(k, str):
            raise fail("ranges", v, f"the name {k!r} is not a string")
        if not _is_sequence(pair) or len(pair) != 2:
            raise fail(f"ranges[{k!r}]", pair, "give (low, high)")
        lo, hi = (real(f"ranges[{k!r}]", x) for x in pair)
        out.append(f"{k}={lo!r}:{hi!r}")
    return ",".join(out)


def path(name: str, v: Any, optional: bool = True) -> Optional[str]:
    """A file path (str or os.PathLike of str); None where optional."""
    if v is None and optional:
        return None
    if isinstance(v, (str, os.PathLike)):
        p = os.fspath(v)
        if isinstance(p, str):
            return p
    raise fail(name, v, "give a path (str or pathlib.Path)")


def progress(v: Any) -> Any:
    """``progress``: True, False, or a callable(done, total)."""
    if callable(v) or isinstance(v, bool):
        return v
    raise fail("progress", v, "give True, False, or a callable(done, total)")


def is_render(v: Any) -> bool:
    from ._native import Render

    return isinstance(v, Render)


def render_arg(name: str, v: Any) -> Any:
    """A :class:`Render` (what ``attractors.render`` returns)."""
    if not is_render(v):
        raise fail(name, v, "give a Render (what attractors.render returns)")
    return v
