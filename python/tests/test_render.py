"""The result object, the lists, and bit-exactness with the committed datashader fixture."""

import csv
import json

import numpy as np
import pytest

import attractors
from conftest import FIXTURES


def test_counts_shape_dtype_and_tally():
    r = attractors.render("Clifford", n=200_000, size=(64, 48), backend="cpu", seed=1)
    assert r.counts.shape == (48, 64) == r.shape
    assert r.counts.dtype == np.uint32
    t = r.tally
    assert t["total"] == 200_000 == t["counted"] + t["outside"] + t["diverged"]
    assert int(r.counts.sum()) == t["counted"]
    assert np.array_equal(np.asarray(r), r.counts)
    assert np.asarray(r, dtype=np.float64).dtype == np.float64
    xmin, xmax, ymin, ymax = r.bounds
    assert xmin < xmax and ymin < ymax
    assert r.name == "Clifford" and r.n == 200_000
    assert json.loads(r.recipe)["picture"]["equation"] == "clifford"


def test_fixed_bounds_and_seed_are_reproducible():
    a = attractors.render(n=1e5, size=(32, 32), bounds=(-3, 3, -3, 3), backend="cpu", seed=7)
    b = attractors.render(n=1e5, size=(32, 32), bounds=(-3, 3, -3, 3), backend="cpu", seed=7)
    assert a.bounds == (-3.0, 3.0, -3.0, 3.0)
    assert np.array_equal(a.counts, b.counts)


def test_exact_mode_equals_datashader_fixture():
    """Each case of the fixture, rendered through the Python API with exact=True, equals the
    aggregate datashader 0.19.1 computed (its rows are bottom-up)."""
    names = {e["name"]: e["params"] for e in attractors.equations()}
    with open(FIXTURES / "cases.csv", newline="") as fh:
        cases = list(csv.DictReader(fh))
    assert len(cases) == 5
    for c in cases:
        values = [float(v) for v in c["params"].split()]
        r = attractors.render(
            equation=c["equation"],
            params=dict(zip(names[c["equation"]], values)),
            start=(float(c["x0"]), float(c["y0"])),
            n=int(c["n"]),
            skip=int(c["skip"]),
            size=(int(c["width"]), int(c["height"])),
            bounds=tuple(float(c[k]) for k in ("xmin", "xmax", "ymin", "ymax")),
            exact=True,
        )
        expected = np.load(FIXTURES / (c["case"] + ".npy"))
        assert np.array_equal(r.counts[::-1], expected), c["case"]
        assert np.array_equal(attractors.to_xarray(r).values, expected), c["case"]
        assert r.tally["counted"] == int(c["counted"]), c["case"]


def test_lists():
    presets = attractors.presets()
    assert any(p["name"] == "Clifford" for p in presets)
    clifford = next(p for p in presets if p["name"] == "Clifford")
    assert set(clifford["params"]) == {"a", "b", "c", "d"}
    eqs = {e["name"]: e for e in attractors.equations()}
    assert eqs["clifford"]["params"] == ["a", "b", "c", "d"]
    assert "fire" in attractors.palettes()


def test_search_finds_renderable_attractors():
    found = attractors.search("clifford", count=2, seed=1, tries=2000)
    assert 1 <= len(found) <= 2
    best = found[0]
    assert best["equation"] == "clifford" and best["score"] >= found[-1]["score"]
    r = attractors.render(equation=best["equation"], params=best["params"], start=best["start"],
                          n=1e5, size=(32, 32), backend="cpu")
    assert r.tally["counted"] > 0


def test_progress_callback_sees_the_total():
    seen = []
    attractors.render(n=2e5, size=(32, 32), backend="cpu", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (200_000, 200_000)


def test_progress_true_draws_a_bar_or_a_line(capsys):
    attractors.render(n=2e5, size=(32, 32), backend="cpu", progress=True)
    err = capsys.readouterr().err
    assert "200" in err  # tqdm's "200k/200k" or the plain "200,000 of 200,000 points"
