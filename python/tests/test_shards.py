"""Shards and merge from Python: `render(..., shard=(i, n))` is the command line's `--shard I/N`,
`merge()` sums shards exactly with the command line's checks, and a Render pickles."""

import json
import pickle
import warnings

import numpy as np
import pytest

import attractors
from conftest import same_render

JOB = dict(n=300_000, size=(48, 40), backend="cpu", seed=4)
JOB_FLAGS = ["--iters", "300000", "--size", "48x40", "--backend", "cpu", "--seed", "4",
             "--quiet", "--checkpoint", "0"]


@pytest.fixture(scope="module")
def whole():
    return attractors.render(**JOB)


@pytest.fixture(scope="module")
def thirds():
    return [attractors.render(**JOB, shard=(i, 3)) for i in range(3)]


def test_a_shard_is_the_cli_shard(cli, tmp_path, thirds):
    npy = tmp_path / "s1.npy"
    done = cli(*JOB_FLAGS, "--shard", "1/3", "--hist", str(npy))
    assert done.returncode == 0, done.stderr
    assert np.array_equal(thirds[1].counts, np.load(npy))
    sidecar = json.loads((tmp_path / "s1.recipe.json").read_text())["picture"]
    ours = json.loads(thirds[1].recipe)["picture"]
    assert ours["shard"] == sidecar["shard"]
    assert thirds[1].shards == {"count": 3, "present": [1], "missing": [0, 2]}
    assert thirds[1].n == sidecar["shard"]["share"] == thirds[1].tally["total"]


def test_merged_shards_equal_the_whole_render(whole, thirds):
    assert whole.shards is None
    merged = attractors.merge(thirds)
    same_render(merged, whole)
    assert np.array_equal(attractors.shade(merged), attractors.shade(whole))
    # In any order, and as a merge of merges (what a tree reduction does).
    same_render(attractors.merge(thirds[::-1]), whole)
    with pytest.warns(attractors.RenderWarning, match=r"missing shard\(s\) 2 of 3"):
        first_two = attractors.merge(thirds[:2], partial=True)
    same_render(attractors.merge([thirds[2], first_two]), whole)


def test_a_partial_merge_says_which_shards_are_missing(thirds):
    with pytest.warns(attractors.RenderWarning, match=r"missing shard\(s\) 0, 2 of 3"):
        part = attractors.merge([thirds[1]], partial=True)
    assert part.shards == {"count": 3, "present": [1], "missing": [0, 2]}
    assert np.array_equal(part.counts, thirds[1].counts)


def test_merge_refuses_missing_repeated_and_foreign_shards(thirds):
    with pytest.raises(attractors.ArgumentError, match=r"missing shard\(s\) 1 of 3"):
        attractors.merge([thirds[0], thirds[2]])
    with pytest.raises(attractors.ArgumentError, match=r"renders\[2\]: shard 1/3 again \(also renders\[1\]\)"):
        attractors.merge([thirds[0], thirds[1], thirds[1]])
    other_seed = attractors.render(**{**JOB, "seed": 5}, shard=(2, 3))
    with pytest.raises(attractors.ArgumentError, match=r"renders\[2\]: another job than renders\[0\]: .*seed 5 \(first: 4\)"):
        attractors.merge([thirds[0], thirds[1], other_seed])
    quarter = attractors.render(**JOB, shard=(3, 4))
    with pytest.raises(attractors.ArgumentError, match=r"renders\[1\]: another job .*4 shards \(first: 3\)"):
        attractors.merge([thirds[0], quarter])


def test_merge_refuses_what_is_not_a_list_of_renders(thirds):
    for bad, says in [
        ([], r"renders: no render given"),
        (thirds[0], r"renders=<attractors.Render .*: give a list of Renders"),
        ("abc", r"renders='abc': give a list of Renders"),
        (42, r"renders=42: give a list of Renders"),
        ([thirds[0], np.zeros((40, 48))], r"renders\[1\]=array\(.*: give a Render"),
        ([thirds[0], None], r"renders\[1\]=None: give a Render"),
    ]:
        with pytest.raises(attractors.ArgumentError, match=says):
            attractors.merge(bad)
    with pytest.raises(attractors.ArgumentError, match=r"partial=1: give True or False"):
        attractors.merge(thirds, partial=1)


@pytest.mark.parametrize("shard,says", [
    ((3, 3), r"--shard.*shard 3 does not exist among 3"),
    ((0, 0), r"the shard count must be 1\.\.1000000"),
    ("1-3", r"'1-3' is not I/N"),
    ((0, 1_000_000), r"fewer than 1000000 shards"),
    ((0,), r"shard=\(0,\): give \(i, n\)"),
    ((0, 2, 1), r"shard=\(0, 2, 1\): give \(i, n\)"),
    ((True, 2), r"shard=\(True, 2\): give \(i, n\)"),
    ((0.0, 2), r"shard=\(0\.0, 2\): give \(i, n\)"),
    (3, r"shard=3: give \(i, n\)"),
])
def test_bad_shards_are_argument_errors(shard, says):
    with pytest.raises(attractors.ArgumentError, match=says):
        attractors.render(n=1000, size=(16, 16), backend="cpu", shard=shard)


def test_the_exact_orbit_does_not_split():
    with pytest.raises(attractors.ArgumentError, match=r"--shard 0/2: --exact runs one float64 orbit"):
        attractors.render(n=1000, size=(16, 16), exact=True, shard=(0, 2))


def test_a_render_pickles_whole_and_as_a_shard(whole, thirds):
    for r in [whole, thirds[1]]:
        back = pickle.loads(pickle.dumps(r))
        same_render(back, r)
        assert back.warnings == r.warnings and back.backend == r.backend
        assert np.array_equal(attractors.shade(back, palette="viridis"), attractors.shade(r, palette="viridis"))
    merged = pickle.loads(pickle.dumps(attractors.merge([pickle.loads(pickle.dumps(s)) for s in thirds])))
    same_render(merged, whole)


def crafted_shard(whole, index, counts):
    """Shard `index` of 2 of `whole`'s job holding `counts` (its state rewritten to match)."""
    state = json.loads(whole.__reduce__()[1][0])
    state["shards"] = {"count": 2, "indices": [index]}
    state["tally"] = [int(counts.sum()), 0, 0]
    return attractors.Render._from_state(json.dumps(state), counts)


def test_merge_sums_in_64_bits(whole):
    big = np.zeros(whole.shape, dtype=np.uint64)
    big[0, 0] = 2**32 - 1
    a = crafted_shard(whole, 0, big)
    b = crafted_shard(whole, 1, big)
    assert a.counts.dtype == np.uint32  # 2^32 - 1 still fits
    merged = attractors.merge([a, b])
    assert merged.counts.dtype == np.uint64
    assert int(merged.counts[0, 0]) == 2 * (2**32 - 1)
    assert merged.tally["counted"] == 2 * (2**32 - 1)


def test_a_tampered_pickle_is_refused(whole):
    state = whole.__reduce__()[1][0]
    with pytest.raises(attractors.ArgumentError, match="counts of shape"):
        attractors.Render._from_state(state, np.zeros((3, 3), dtype=np.uint32))
    with pytest.raises(attractors.ArgumentError, match="not a pickled attractors.Render"):
        attractors.Render._from_state("{}", whole.counts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(pickle.dumps(whole))  # no warning on the way back
