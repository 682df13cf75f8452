#!/bin/bash
# Renders an attractor as SHARDS Slurm array tasks and merges them when all succeeded:
#   SHARDS=64 OUT=/shared/clifford RENDER_ARGS="Clifford --size 8192x8192 --iters 1e12 --backend cpu" \
#     examples/slurm/submit.sh
# Prints the array job's id and the merge job's id. The merged picture is $OUT/merged.png.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${SHARDS:?set SHARDS to the number of shards, e.g. SHARDS=16}"
: "${RENDER_ARGS:?set RENDER_ARGS to the render flags, e.g. RENDER_ARGS=\"Clifford --iters 1e11\"}"
export SHARDS RENDER_ARGS OUT="${OUT:-shards}" ATTRACTORS="${ATTRACTORS:-attractors}"
array=$(sbatch --parsable --export=ALL --array="0-$((SHARDS - 1))" "$here/render.sbatch")
array="${array%%;*}"
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" "$here/merge.sbatch")
merge="${merge%%;*}"
echo "$array $merge"
