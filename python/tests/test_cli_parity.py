"""The package and the command line agree: the same job shades to the same pixels as its PNG,
and a bad argument raises with the message the command line prints for the same flag."""

import json
import re

import numpy as np
import pytest
from PIL import Image

import attractors

JOB = dict(n=300_000, size=(96, 64), backend="cpu", seed=3)
JOB_FLAGS = ["--iters", "300000", "--size", "96x64", "--backend", "cpu", "--seed", "3",
             "--quiet", "--checkpoint", "0"]


def decode(path):
    return np.asarray(Image.open(path).convert("RGBA"))


@pytest.mark.parametrize(
    "style,flags",
    [
        ({}, []),
        (dict(palette="viridis", how="log", background="#102030"),
         ["--palette", "viridis", "--shade", "log", "--background", "#102030"]),
        (dict(palette="inferno_r", how="linear", span=(1, 40)),
         ["--palette", "inferno_r", "--shade", "linear", "--span", "1,40"]),
    ],
)
def test_shade_equals_the_cli_png(cli, tmp_path, style, flags):
    png = tmp_path / "cli.png"
    npy = tmp_path / "cli.npy"
    done = cli("De_Jong_1", *JOB_FLAGS, *flags, "--png", str(png), "--hist", str(npy))
    assert done.returncode == 0, done.stderr
    r = attractors.render("De_Jong_1", **JOB)
    assert np.array_equal(r.counts, np.load(npy))
    ours = attractors.shade(r, **style)
    assert ours.shape == (64, 96, 4) and ours.dtype == np.uint8
    theirs = decode(png)
    assert np.array_equal(ours, theirs), f"{np.count_nonzero((ours != theirs).any(axis=2))} pixels differ"
    attractors.save_png(r, tmp_path / "py.png", **style)
    assert np.array_equal(decode(tmp_path / "py.png"), theirs)
    # The saved PNG carries the command line's recipe.
    ours_info = cli("info", "--json", str(tmp_path / "py.png"))
    theirs_info = cli("info", "--json", str(png))
    assert ours_info.returncode == 0, ours_info.stderr
    assert json.loads(ours_info.stdout) == json.loads(theirs_info.stdout)


def message(stderr):
    """The command line's error: its first paragraph (a formula error points at the place on the
    lines after it), less a usage error's pointer to the command line's --help (which a Python
    user does not have)."""
    first = stderr.strip().split("\n\n")[0]
    return re.sub(r"; see attractors( \w+)? --help$", "", first)


BAD = [
    (dict(size=(0, 10)), ["--size", "0x10"]),
    (dict(n=1.5), ["--iters", "1.5"]),
    (dict(n=0), ["--iters", "0"]),
    (dict(bounds=(3, -3, 0, 1)), ["--bounds", "3.0,-3.0,0.0,1.0"]),
    (dict(equation="nope"), ["--equation", "nope"]),
    (dict(params={"z": 1}), ["--params", "z=1.0"]),
    (dict(equation="hopalong1"), ["--equation", "hopalong1"]),
    (dict(formula="x' = sin(a*y; y' = x"), ["--formula", "x' = sin(a*y; y' = x"]),
    (dict(backend="tpu"), ["--backend", "tpu"]),
    (dict(aspect="round"), ["--aspect", "round"]),
    (dict(exact=True, backend="gpu"), ["--exact", "--backend", "gpu"]),
    (dict(name="NoSuchPreset"), ["NoSuchPreset"]),
]


@pytest.mark.parametrize("kwargs,flags", BAD, ids=[" ".join(f) for _, f in BAD])
def test_bad_arguments_raise_the_cli_message(cli, tmp_path, kwargs, flags):
    kwargs = {**dict(n=1000, size=(16, 16), backend="cpu"), **kwargs}
    name = kwargs.pop("name", None)
    with pytest.raises(attractors.ArgumentError) as e:
        attractors.render(name, **kwargs)
    assert isinstance(e.value, ValueError)
    base = {"--iters": "1000", "--size": "16x16", "--backend": "cpu"}
    base = [x for k, v in base.items() if k not in flags for x in (k, v)]
    done = cli(*base, *flags, "--png", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert message(done.stderr) == "error: " + str(e.value)


def test_bad_style_raises_the_cli_message(cli, tmp_path):
    r = attractors.render(n=1000, size=(16, 16), backend="cpu")
    for style, flags in [
        (dict(palette="nope"), ["--palette", "nope"]),
        (dict(background="bluish"), ["--background", "bluish"]),
        (dict(how="eq_hist", span=(1, 5)), ["--span", "1,5"]),
        (dict(how="sqrt"), ["--shade", "sqrt"]),
    ]:
        with pytest.raises(attractors.ArgumentError) as e:
            attractors.shade(r, **style)
        done = cli("--iters", "1000", "--size", "16x16", "--backend", "cpu", *flags,
                   "--png", str(tmp_path / "x.png"))
        assert done.returncode == 2
        assert message(done.stderr) == "error: " + str(e.value), style
