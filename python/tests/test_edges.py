"""The package's edges: every argument of every public function refuses a value of the wrong kind
with an ArgumentError naming it (never an IndexError, a TypeError from deep inside, or a value
silently dropped); the counts a Render holds are the ones it shades (read-only); a GPU render
prints nothing about XDG_RUNTIME_DIR."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import attractors

TINY = dict(n=1000, size=(16, 16), backend="cpu")

# (argument, bad value, what the message says after "NAME=VALUE: ")
RENDER_BAD = [
    ("size", (32, 32, 3), "give (width, height)"),
    ("size", (32,), "give (width, height)"),
    ("size", None, "give (width, height)"),
    ("size", (32.0, 32), "give (width, height)"),
    ("size", (True, 32), "give (width, height)"),
    ("size", 32, "give (width, height)"),
    ("n", None, "give a whole number"),
    ("n", True, "give a whole number"),
    ("n", float("nan"), "give a finite whole number"),
    ("n", float("inf"), "give a finite whole number"),
    ("n", [1000], "give a whole number"),
    ("skip", None, "give a whole number"),
    ("skip", False, "give a whole number"),
    ("seed", None, "give a whole number"),
    ("seed", True, "give a whole number"),
    ("seed", float("nan"), "give a finite whole number"),
    ("bounds", (0, 1, 0), "give (xmin, xmax, ymin, ymax)"),
    ("bounds", (0, 1, 0, 1, 2), "give (xmin, xmax, ymin, ymax)"),
    ("bounds", (0, float("nan"), 0, 1), "each a finite number"),
    ("bounds", (0, True, 0, 1), "each a finite number"),
    ("bounds", (0, "1", 0, 1), "each a finite number"),
    ("bounds", 3.0, "give (xmin, xmax, ymin, ymax)"),
    ("start", (0.1,), "give (x, y) or (x, y, z)"),
    ("start", (0.1, 0.2, 0.3, 0.4), "give (x, y) or (x, y, z)"),
    ("start", (0.1, float("inf")), "each a finite number"),
    ("start", (0.1, None), "each a finite number"),
    ("params", {"a": float("nan")}, "give a finite number"),
    ("params", {"a": True}, "give a number"),
    ("params", {"a": None}, "give a number"),
    ("params", {1: 0.5}, "the name 1 is not a string"),
    ("params", [("a", 1.0)], "give a dict"),
    ("name", 5, "give a string or None"),
    ("equation", ["clifford"], "give a string or None"),
    ("formula", 1, "give a string or None"),
    ("aspect", True, "give a string or None"),
    ("backend", None, "give a string"),
    ("backend", 0, "give a string"),
    ("exact", 1, "give True or False"),
    ("exact", "yes", "give True or False"),
    ("exact", None, "give True or False"),
    ("config", 5, "give a path"),
    ("config", b"x.atr", "give a path"),
    ("progress", "yes", "give True, False, or a callable"),
    ("progress", None, "give True, False, or a callable"),
    ("shard", (0, 2.0), "give (i, n)"),
]


def label(case):
    return f"{case[0]}={case[1]!r}"


@pytest.mark.parametrize("arg,value,says", RENDER_BAD, ids=[label(c) for c in RENDER_BAD])
def test_render_refuses_each_bad_argument_by_name(arg, value, says):
    kwargs = {**TINY, arg: value}
    name = kwargs.pop("name", None)
    with pytest.raises(attractors.ArgumentError) as e:
        attractors.render(name, **kwargs)
    assert str(e.value).startswith(arg), str(e.value)  # "params['a']=..." names the entry
    assert says in str(e.value)


@pytest.mark.parametrize("arg,value,flag", [
    ("n", 1e300, "--iters"),
    ("n", -5, "--iters"),
    ("n", 2**70, "--iters"),
    ("skip", -1, "--skip"),
    ("seed", -1, "--seed"),
    ("size", (-1, 16), "--size"),
    ("size", (10**12, 16), "--size"),
    ("bounds", (0, 1e39, 0, 1), "--bounds"),
    ("start", (1e39, 0), "--start"),
])
def test_numbers_of_the_right_kind_reach_the_flags_own_check(arg, value, flag):
    """Negative, huge and out-of-range values are the command line's to refuse, naming its
    flag, and a huge float is not echoed with hundreds of digits."""
    with pytest.raises(attractors.ArgumentError) as e:
        attractors.render(**{**TINY, arg: value})
    assert flag.lstrip("-") in str(e.value), str(e.value)  # "--iters ..." or "start 1e39,0: ..."
    assert len(str(e.value)) < 400 and "\n" not in str(e.value)


@pytest.mark.parametrize("arg,value,says", [
    ("palette", 3, "give a string or None"),
    ("how", None, "give a string"),
    ("background", (0, 0, 0), "give a string"),
    ("span", (1,), "give (min, max)"),
    ("span", (1, 2, 3), "give (min, max)"),
    ("span", (1.5, 2), "give (min, max)"),
    ("span", (None, 2), "give (min, max)"),
])
def test_shade_and_save_png_refuse_each_bad_style_by_name(tmp_path, arg, value, says):
    r = attractors.render(**TINY)
    for call in (lambda: attractors.shade(r, **{arg: value}),
                 lambda: attractors.save_png(r, tmp_path / "x.png", **{arg: value})):
        with pytest.raises(attractors.ArgumentError) as e:
            call()
        assert str(e.value).startswith(f"{arg}=") and says in str(e.value), str(e.value)
    assert not (tmp_path / "x.png").exists()


def test_functions_taking_a_render_refuse_anything_else(tmp_path):
    counts = np.zeros((16, 16), dtype=np.uint32)
    for call in (lambda: attractors.shade(counts), lambda: attractors.to_xarray(None),
                 lambda: attractors.save_png("r", tmp_path / "x.png")):
        with pytest.raises(attractors.ArgumentError, match=r"^result=.*: give a Render"):
            call()
    r = attractors.render(**TINY)
    for bad in (None, 5, b"x.png"):
        with pytest.raises(attractors.ArgumentError, match=r"^path=.*: give a path"):
            attractors.save_png(r, bad)


@pytest.mark.parametrize("kwargs,says", [
    (dict(count=None), "count=None: give a whole number"),
    (dict(count=True), "count=True: give a whole number"),
    (dict(seed=float("nan")), "seed=nan: give a finite whole number"),
    (dict(tries=[5]), "tries=[5]: give a whole number"),
    (dict(ranges={"a": (0, 1, 2)}), "ranges['a']=(0, 1, 2): give (low, high)"),
    (dict(ranges={"a": (0, float("nan"))}), "ranges['a']=nan: give a finite number"),
    (dict(ranges=[("a", (0, 1))]), "ranges=[('a', (0, 1))]: give a dict"),
    (dict(formula=3), "formula=3: give a string or None"),
    (dict(equation=3), "equation=3: give a string or None"),
])
def test_search_refuses_each_bad_argument_by_name(kwargs, says):
    kwargs = {"equation": "clifford", "tries": 10, **kwargs}
    with pytest.raises(attractors.ArgumentError) as e:
        attractors.search(**kwargs)
    assert str(e.value).startswith(says), str(e.value)


def test_presets_refuses_a_config_that_is_not_a_path():
    with pytest.raises(attractors.ArgumentError, match=r"^config=3: give a path"):
        attractors.presets(3)
    # A pathlib.Path is accepted; a missing file is then the command line's error, naming it.
    with pytest.raises(attractors.ArgumentError, match="no-such.atr"):
        attractors.presets(pathlib.Path("no-such.atr"))


def test_counts_are_read_only_so_shade_sees_what_the_user_holds():
    r = attractors.render(**TINY)
    with pytest.raises(ValueError, match="read-only"):
        r.counts[0, 0] = 7
    with pytest.raises(ValueError):
        r.counts.setflags(write=True)
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(r)[:] = 0
    mine = np.array(r, copy=True)  # a copy is the user's to change
    mine[:] = 0
    assert r.counts.sum() == r.tally["counted"] > 0


def test_a_gpu_render_says_nothing_about_xdg_runtime_dir():
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    code = (
        "import attractors\n"
        "try:\n"
        "    attractors.render(n=1e5, size=(32, 32), backend='gpu')\n"
        "except attractors.RenderError as e:\n"
        "    print('no GPU:', e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    if "no GPU:" in done.stdout and os.environ.get("ATTRACTORS_REQUIRE_GPU") != "1":
        pytest.skip(done.stdout.strip())
    assert "no GPU:" not in done.stdout
    assert "XDG_RUNTIME_DIR" not in done.stderr, done.stderr
