"""One job rendered on a Dask cluster: ``attractors.dask.render(client, shards=N, **render_args)``.

    from dask.distributed import Client
    import attractors, attractors.dask
    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster(...))
    r = attractors.dask.render(client, shards=64, name="Clifford", n=1e12, size=(4096, 4096))
    attractors.save_png(r, "clifford.png")

The job's arguments are checked here first (a bad one raises :class:`attractors.ArgumentError`
before anything is submitted). Each shard is ``attractors.render(**render_args, shard=(i, N))``
on a worker: the command line's ``--shard I/N``. As shards finish, they are merged in pairs on
the workers (a tree reduction: every merge is a task that takes two results and returns one),
so the notebook only ever receives the one final canvas. The result is the ``Render`` of one
``attractors.render(**render_args)`` call, bit for bit on the CPU backend.

A worker that dies takes its tasks with it; Dask runs them again elsewhere (the result does not
change: a shard's counts depend only on the job and the shard). Ctrl-C (KeyboardInterrupt) while
waiting cancels every task of the job.

Needs ``dask.distributed`` (``pip install 'attractors[dask]'``; from a checkout,
``pip install './python[dask]'``).
"""

from __future__ import annotations

import inspect
import os
import time
import uuid
import warnings
from typing import Any, Callable, List, Union

try:
    import distributed
except ImportError as e:  # pragma: no cover - exercised in a venv without dask
    raise ImportError(
        "attractors.dask needs dask.distributed, which is not installed: "
        "pip install 'attractors[dask]' (from a checkout: pip install './python[dask]')"
    ) from e

import attractors

from . import _args, _native

__all__ = ["render"]

#: Test hook, inert unless set (it is read on the workers): a directory. Each shard task
#: appends its process id to ``DIR/shard-I.pids`` before rendering, then waits while
#: ``DIR/hold-I`` exists, so a test can kill the worker process that holds a running shard.
TEST_GATE = "ATTRACTORS_TEST_SHARD_GATE"


def _test_gate(index: int) -> None:
    gate = os.environ.get(TEST_GATE)
    if not gate:
        return
    with open(os.path.join(gate, f"shard-{index}.pids"), "a") as fh:
        fh.write(f"{os.getpid()}\n")
    while os.path.exists(os.path.join(gate, f"hold-{index}")):
        time.sleep(0.01)


def _render_shard(index: int, count: int, render_args: dict) -> attractors.Render:
    """A worker's task: shard ``index`` of ``count`` of the job."""
    _test_gate(index)
    return attractors.render(**render_args, shard=(index, count))


def _merge_pair(a: attractors.Render, b: attractors.Render) -> attractors.Render:
    """A worker's task: the sum of two results (shards or earlier merges) of the job."""
    return _native.merge([a, b], True)


def _checked_args(render_args: dict) -> dict:
    """``render_args`` as ``attractors.render`` takes them, checked in the notebook: unknown
    names and bad values raise ArgumentError here, before anything is submitted."""
    for own in ("shard", "progress"):
        if own in render_args:
            why = (
                "attractors.dask.render splits the job itself; give shards=N"
                if own == "shard"
                else "give progress to attractors.dask.render itself (it counts shards)"
            )
            raise _args.fail(own, render_args[own], why)
    try:
        bound = inspect.signature(attractors.render).bind(**render_args)
    except TypeError as e:
        raise attractors.ArgumentError(f"render_args: {e}; see help(attractors.render)") from None
    return dict(bound.arguments)


def _check_job(render_args: dict, shards: int) -> None:
    """The job and its split, checked as a shard's render will check them (the pilot runs
    here once; no engine is opened, so a notebook without the workers' GPU can submit)."""
    sig = inspect.signature(attractors.render)
    full = {k: p.default for k, p in sig.parameters.items() if k not in ("progress", "shard")}
    full.update(render_args)
    flags = attractors._render_flags(
        full["name"], full["equation"], full["formula"], full["params"], full["start"],
        full["n"], full["size"], full["bounds"], full["aspect"], full["backend"],
        full["seed"], full["exact"], full["skip"], full["config"], (0, shards),
    )
    _native.check(flags)


def render(
    client: "distributed.Client",
    shards: int,
    *,
    progress: Union[bool, Callable[[int, int], Any]] = True,
    **render_args: Any,
) -> attractors.Render:
    """Render the job ``render_args`` describes (``attractors.render``'s arguments) as
    ``shards`` shards on ``client``'s workers, merged there; returns the one ``Render``.

    ``progress``: True shows shards done (a tqdm bar when tqdm is installed, else a line on
    stderr); a callable gets ``(shards_done, shards)``; False shows nothing. The result's
    notes and warnings are issued as :class:`attractors.RenderWarning`, as ``render()`` does.
    """
    if not isinstance(client, distributed.Client):
        raise _args.fail("client", client, "give a dask.distributed.Client")
    if not _args._is_whole(shards) or shards < 1:
        raise _args.fail("shards", shards, "give a whole number of shards, 1 or more")
    callback, close = attractors._progress_callback(progress, unit="shards")
    render_args = _checked_args(render_args)
    _check_job(render_args, int(shards))
    try:
        result = _run(client, int(shards), render_args, callback)
    finally:
        close()
    for w in result.warnings:
        warnings.warn(w, attractors.RenderWarning, stacklevel=2)
    return result


def _run(client: "distributed.Client", count: int, render_args: dict, callback: Any) -> attractors.Render:
    """Submits the shards, merges them pairwise on the workers as they finish, and gathers the
    final merge; on any way out but success (Ctrl-C included), cancels every task of the job."""
    job = uuid.uuid4().hex[:8]
    # The futures this function still holds: shards and merges not yet taken into a merge. A
    # result taken into a merge is held by the scheduler only until that merge is done, so the
    # workers keep a few canvases at a time, not all of them.
    live = {
        client.submit(
            _render_shard, i, count, render_args, key=f"attractors-shard-{job}-{i}-of-{count}", pure=False
        )
        for i in range(count)
    }
    try:
        final = _reduce(client, live, count, callback, job)
        result = final.result()
    except BaseException:
        client.cancel(list(live))
        raise
    if result.shards is not None:  # cannot happen: every shard went into one merge
        raise attractors.RenderError(f"the merge on the cluster lacks shard(s) {result.shards['missing']}")
    return result


def _reduce(client: "distributed.Client", live: set, count: int, callback: Any, job: str) -> Any:
    """The tree reduction: each finished result waits for a partner, and each pair becomes a
    merge task on the cluster; the one result left is the job's. A failed task stops it."""
    shard_keys = {f.key for f in live}
    done = 0
    waiting = None
    merges = 0
    queue = distributed.as_completed(list(live))
    for future in queue:
        if future.status == "error":
            future.result()  # raises the task's error (an ArgumentError, a RenderError...)
        if future.key in shard_keys:
            done += 1
            if callback is not None:
                callback(done, count)
        if waiting is None:
            waiting = future
            continue
        merges += 1
        merged = client.submit(_merge_pair, waiting, future, key=f"attractors-merge-{job}-{merges}", pure=False)
        live.add(merged)
        live.discard(waiting)
        live.discard(future)
        queue.add(merged)
        waiting = future = None
    return waiting
