"""Shared helpers: the repository's datashader fixture, the built command line, and the
comparison of two renders.

The command line is found at $ATTRACTORS_BIN (scripts/python-tests.sh sets it to the release
build); tests that compare with it skip when it is not set, and fail when it is set but missing.
"""

import os
import pathlib
import subprocess

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "datashader"


def cli_path():
    path = os.environ.get("ATTRACTORS_BIN")
    if not path:
        pytest.skip("ATTRACTORS_BIN is not set: no command line to compare with (scripts/python-tests.sh sets it)")
    assert os.path.isfile(path), f"ATTRACTORS_BIN={path} does not exist; build it with cargo build --release"
    return path


@pytest.fixture
def cli():
    """Runs the command line with these arguments; returns the CompletedProcess."""
    path = cli_path()

    def run(*args, cwd=None):
        return subprocess.run([path, *args], capture_output=True, text=True, cwd=cwd)

    return run


def same_render(a, b):
    """Everything a render's result is made of, compared (not the engine's time or name)."""
    assert np.array_equal(a.counts, b.counts)
    assert a.counts.dtype == b.counts.dtype
    assert a.tally == b.tally
    assert a.bounds == b.bounds
    assert a.n == b.n
    assert a.recipe == b.recipe
    assert a.shards == b.shards
