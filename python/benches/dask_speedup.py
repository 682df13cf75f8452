"""Speed-up of attractors.dask on a local cluster of this machine's cores: one worker process per
core, one render thread each (RAYON_NUM_THREADS=1), the same job as 1 shard and as N shards,
alternated, median of 3 runs of each (guide, "Many devices and machines").

    python python/benches/dask_speedup.py [N]     # N: shards and worker processes (default 2)

Each run's wall time is the notebook's: submitting, the shards, the merges on the workers, and
receiving the one final canvas. The results are checked to be identical.
"""

import os
import statistics
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"  # the worker processes inherit it: one thread each

import distributed  # noqa: E402
import numpy as np  # noqa: E402

import attractors  # noqa: E402
import attractors.dask  # noqa: E402

JOB = dict(name="Clifford", n=1e8, size=(1024, 1024), backend="cpu")


def main() -> None:
    shards = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    cluster = distributed.LocalCluster(
        n_workers=shards, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        attractors.dask.render(client, shards=shards, progress=False, **{**JOB, "n": 1e6})  # warm-up
        times = {1: [], shards: []}
        results = {}
        for _ in range(3):
            for n in (1, shards):
                t0 = time.perf_counter()
                results[n] = attractors.dask.render(client, shards=n, progress=False, **JOB)
                times[n].append(time.perf_counter() - t0)
        assert np.array_equal(results[1].counts, results[shards].counts)
        median = {n: statistics.median(v) for n, v in times.items()}
        for n, v in times.items():
            print(f"shards={n}: median {median[n]:.2f} s, runs {[round(x, 2) for x in v]}")
        print(f"speed-up {median[1] / median[shards]:.2f}x with {shards} shards on {shards} worker "
              f"processes; results identical; {results[1].backend}")
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    main()
