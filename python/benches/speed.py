"""Speed from Python against the command line: Clifford, 1e8 points, 1024x1024, median of 3 runs
of each, alternated (the guide, "Python and notebooks").

    ATTRACTORS_BIN=target/release/attractors python python/benches/speed.py cpu    # or gpu
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import attractors

cli = os.environ.get("ATTRACTORS_BIN", "attractors")
backend = sys.argv[1] if len(sys.argv) > 1 else "cpu"
runs = {"cli_wall": [], "cli_engine": [], "py_wall": [], "py_engine": []}
attractors.render("Clifford", n=1e6, backend=backend)  # warm-up: the GPU device, the pages
with tempfile.TemporaryDirectory() as tmp:
    for _ in range(3):
        t0 = time.perf_counter()
        out = subprocess.run(
            [cli, "Clifford", "--iters", "1e8", "--backend", backend, "--checkpoint", "0", "--json",
             "--hist", os.path.join(tmp, "counts.npy")],
            capture_output=True, text=True, check=True,
        )
        runs["cli_wall"].append(time.perf_counter() - t0)
        runs["cli_engine"].append(json.loads(out.stdout)["seconds"])
        t0 = time.perf_counter()
        r = attractors.render("Clifford", n=1e8, backend=backend)
        runs["py_wall"].append(time.perf_counter() - t0)
        runs["py_engine"].append(r.seconds)
print(r.backend)
median = {k: statistics.median(v) for k, v in runs.items()}
for k, v in runs.items():
    print(f"{k}: median {median[k]:.3f} s, runs {[round(x, 3) for x in v]}")
print(f"Python / CLI: wall {median['py_wall'] / median['cli_wall']:.3f}, "
      f"engine {median['py_engine'] / median['cli_engine']:.3f}")
