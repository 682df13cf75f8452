"""attractors.dask on a real dask.distributed LocalCluster: two worker processes (not threads, not
a mock), started once for the module. Shards are merged on the workers and equal the one render
bit for bit; a worker killed while it renders a shard costs a retry, not a wrong picture; Ctrl-C
cancels the job's tasks; bad arguments are ArgumentErrors raised before anything is submitted.

Shards wait on the test gate (attractors.dask.TEST_GATE: a directory the worker processes
inherit) only while a test holds `hold-I` there, so a kill or an interrupt lands while a shard
is running, on any machine, without a sleep deciding anything."""

import _thread
import os
import signal
import subprocess
import sys
import threading
import time

import distributed
import numpy as np
import pytest

import attractors
import attractors.dask
from conftest import same_render

JOB = dict(n=400_000, size=(48, 40), backend="cpu", seed=2)
#: How long a test waits for the cluster to do something before it fails (a stuck cluster).
PATIENCE = 120.0


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    return tmp_path_factory.mktemp("gate")


@pytest.fixture(scope="module")
def client(gate):
    os.environ[attractors.dask.TEST_GATE] = str(gate)  # the worker processes inherit it
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        del os.environ[attractors.dask.TEST_GATE]


@pytest.fixture
def fresh_gate(gate):
    for f in gate.iterdir():
        f.unlink()
    yield gate
    for f in gate.iterdir():  # release any shard still waiting
        f.unlink()


@pytest.fixture(scope="module")
def single():
    return attractors.render(**JOB)


def pids(gate, index):
    f = gate / f"shard-{index}.pids"
    return [int(x) for x in f.read_text().split()] if f.exists() else []


def wait_for(what, condition):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"the cluster did not {what} in {PATIENCE:.0f} s"
        time.sleep(0.02)


def job_tasks(client):
    """Keys of this package's tasks the scheduler still knows."""
    keys = client.run_on_scheduler(lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks])
    return [k for k in keys if k.startswith("attractors-")]


def test_shards_merged_on_the_cluster_equal_the_single_render(client, fresh_gate, single):
    seen = []
    with distributed.get_task_stream(client) as stream:
        r = attractors.dask.render(client, shards=5, progress=lambda d, t: seen.append((d, t)), **JOB)
    same_render(r, single)
    assert seen == [(i, 5) for i in range(1, 6)]
    ran = [str(t["key"]) for t in stream.data]
    assert sum(k.startswith("attractors-shard-") for k in ran) == 5
    # The tree reduction ran on the workers: four merges of two.
    assert sum(k.startswith("attractors-merge-") for k in ran) == 4
    # Every shard ran in a worker process, not in this one.
    workers = set(client.run(os.getpid).values())
    ran_in = {p for i in range(5) for p in pids(fresh_gate, i)}
    assert ran_in and ran_in <= workers and os.getpid() not in ran_in


def test_a_killed_workers_shard_is_retried_and_the_result_is_exact(client, fresh_gate, single):
    (fresh_gate / "hold-1").touch()
    killed = []

    def kill_the_worker_running_shard_1():
        wait_for("start shard 1", lambda: pids(fresh_gate, 1))
        pid = pids(fresh_gate, 1)[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
        (fresh_gate / "hold-1").unlink()

    killer = threading.Thread(target=kill_the_worker_running_shard_1)
    killer.start()
    try:
        r = attractors.dask.render(client, shards=3, progress=False, **JOB)
    finally:
        killer.join()
    assert killed, "the worker was not killed"
    runs = pids(fresh_gate, 1)
    assert len(runs) == 2 and runs[0] == killed[0] and runs[1] != killed[0], runs
    same_render(r, single)


def test_ctrl_c_cancels_the_jobs_tasks(client, fresh_gate):
    for i in range(2):
        (fresh_gate / f"hold-{i}").touch()

    def interrupt_once_both_shards_run():
        wait_for("start both shards", lambda: pids(fresh_gate, 0) and pids(fresh_gate, 1))
        _thread.interrupt_main()

    interrupter = threading.Thread(target=interrupt_once_both_shards_run)
    interrupter.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            attractors.dask.render(client, shards=2, progress=False, **JOB)
    finally:
        interrupter.join()
    wait_for("forget the cancelled tasks", lambda: not job_tasks(client))


@pytest.mark.parametrize("kwargs,says", [
    (dict(shards=0), r"^shards=0: give a whole number of shards, 1 or more"),
    (dict(shards=True), r"^shards=True: give a whole number"),
    (dict(shards=2.0), r"^shards=2\.0: give a whole number"),
    (dict(shards=None), r"^shards=None: give a whole number"),
    (dict(shards=100, n=1000), r"^--shard 0/100: a job of 1000 points has 63 orbits, fewer than 100 shards"),
    (dict(shards=2, exact=True), r"^--shard 0/2: --exact runs one float64 orbit"),
    (dict(shards=2, size=(32,)), r"^size=\(32,\): give \(width, height\)"),
    (dict(shards=2, shard=(0, 2)), r"^shard=\(0, 2\): attractors.dask.render splits the job itself"),
    (dict(shards=2, progress=None), r"^progress=None: give True, False, or a callable"),
    (dict(shards=2, colour="red"), r"^render_args: .*'colour'"),
    (dict(shards=2, name="NoSuchPreset"), r"NoSuchPreset"),
])
def test_bad_arguments_are_argument_errors_before_any_task(client, kwargs, says):
    with pytest.raises(attractors.ArgumentError, match=says):
        attractors.dask.render(client, **{**JOB, **kwargs})
    assert not job_tasks(client)


def test_the_client_must_be_a_client():
    with pytest.raises(attractors.ArgumentError, match=r"^client=None: give a dask.distributed.Client"):
        attractors.dask.render(None, shards=2, **JOB)


def test_without_dask_the_module_says_how_to_install_it():
    code = (
        "import sys\n"
        "sys.modules['distributed'] = None  # as if dask.distributed were not installed\n"
        "import attractors.dask\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert "ImportError: attractors.dask needs dask.distributed" in done.stderr
    assert "pip install 'attractors[dask]'" in done.stderr
