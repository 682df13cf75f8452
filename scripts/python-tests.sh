#!/usr/bin/env bash
# Builds the Python package (python/) into a fresh virtual environment and runs its tests, as CI
# does. Needs Rust and Python 3.9+ with venv (Debian: apt-get install python3-venv python3-dev).
#
#   scripts/python-tests.sh              # a throw-away venv
#   VENV=.venv scripts/python-tests.sh   # keep (and reuse) this venv
#   scripts/python-tests.sh -k interrupt # arguments go to pytest
#
# Then it executes examples/notebook.ipynb top to bottom (with the `notebook` extra's packages,
# ATTRACTORS_NOTEBOOK_MAX_POINTS=1e6 unless set; nothing is written back to the notebook);
# ATTRACTORS_SKIP_NOTEBOOK=1 leaves it out.
#
# CARGO_TARGET_DIR is honoured (default ./target), so the crate built by `cargo test --release`
# is reused; the release command line built there is what the parity tests compare with.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
VENV="${VENV:-$(mktemp -d)/venv}"
# maturin's build backend runs the `maturin` of PATH.
export PATH="$VENV/bin:$PATH"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# datashader pinned: the committed fixture (tests/fixtures/datashader) was made with 0.19.1.
"$VENV/bin/python" -m pip install -q maturin pytest numpy pandas xarray "datashader==0.19.1" pillow
# The notebook extra (what examples/notebook.ipynb imports and what executes it) and the dask
# extra: the tests run a real dask.distributed LocalCluster (worker processes).
"$VENV/bin/python" -m pip install -q --no-build-isolation "./python[notebook,dask]"
cargo build --release --locked --bin attractors
export ATTRACTORS_BIN="$CARGO_TARGET_DIR/release/attractors"
# From the repository root, so `import attractors` is the installed package, not python/attractors.
"$VENV/bin/python" -m pytest -q -p no:cacheprovider python/tests "$@"
# The example notebook, top to bottom, in this environment (a cell that raises fails the run).
if [ "${ATTRACTORS_SKIP_NOTEBOOK:-0}" = 1 ]; then
  echo "python-tests: examples/notebook.ipynb not executed (ATTRACTORS_SKIP_NOTEBOOK=1)"
else
  ATTRACTORS_NOTEBOOK_MAX_POINTS="${ATTRACTORS_NOTEBOOK_MAX_POINTS:-1e6}" "$VENV/bin/python" - <<'EOF'
import time
import nbformat
from nbclient import NotebookClient

start = time.monotonic()
notebook = nbformat.read("examples/notebook.ipynb", as_version=4)
client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}})
client.execute()
cells = sum(1 for c in notebook.cells if c.cell_type == "code")
print(f"python-tests: examples/notebook.ipynb ran top to bottom ({cells} code cells, {time.monotonic() - start:.0f} s)")
EOF
fi
