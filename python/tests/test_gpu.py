"""The GPU engine from Python (Mesa lavapipe in CI): skips with the reason when no adapter opens,
fails instead when ATTRACTORS_REQUIRE_GPU=1."""

import os

import numpy as np
import pytest

import attractors


def gpu_render(**kwargs):
    try:
        return attractors.render(backend="gpu", **kwargs)
    except attractors.RenderError as e:
        if os.environ.get("ATTRACTORS_REQUIRE_GPU") == "1":
            raise
        pytest.skip(f"no GPU: {e}")


def test_gpu_counts_equal_the_cli_gpu_counts(cli, tmp_path):
    r = gpu_render(n=2e6, size=(128, 96), seed=5)
    assert r.backend.startswith("GPU")
    assert r.tally["total"] == 2_000_000
    npy = tmp_path / "cli.npy"
    done = cli("--iters", "2e6", "--size", "128x96", "--seed", "5", "--backend", "gpu", "--quiet",
               "--checkpoint", "0", "--hist", str(npy))
    assert done.returncode == 0, done.stderr
    assert np.array_equal(r.counts, np.load(npy))
