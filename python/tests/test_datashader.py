"""to_xarray gives datashader's own layout: its shade runs unchanged and the coordinates are the
ones datashader's Canvas gives for the same ranges."""

import numpy as np
import pandas as pd
import pytest

import attractors

ds = pytest.importorskip("datashader")
tf = pytest.importorskip("datashader.transfer_functions")


def test_to_xarray_shades_with_datashader():
    r = attractors.render("Clifford", n=200_000, size=(64, 48), backend="cpu")
    agg = attractors.to_xarray(r)
    assert agg.dims == ("y", "x") and agg.shape == (48, 64)
    img = tf.shade(agg, cmap=["black", "white"], how="eq_hist")
    assert img.shape == (48, 64)
    # A point at the bottom-left of the bounds lands in datashader's row 0, column 0.
    xmin, xmax, ymin, ymax = r.bounds
    canvas = ds.Canvas(plot_width=64, plot_height=48, x_range=(xmin, xmax), y_range=(ymin, ymax))
    probe = canvas.points(pd.DataFrame(dict(x=[xmin + 1e-9], y=[ymin + 1e-9])), "x", "y")
    assert np.allclose(probe.coords["x"].values, agg.coords["x"].values)
    assert np.allclose(probe.coords["y"].values, agg.coords["y"].values)
    assert probe.values[0, 0] == 1
    assert np.array_equal(agg.values[::-1], r.counts)
