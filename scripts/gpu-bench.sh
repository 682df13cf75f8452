#!/usr/bin/env bash
# gpu-bench.sh -- the GPU performance figures of the guide (Performance), in one go, on the machine it runs on.
#
# Runs `attractors info` (the adapters), then the scaling sweep of `attractors bench` for Clifford:
#   GPU: 1e6 .. 1e11 points at 1024x1024 and 4096x4096 (3 timed runs per size),
#   CPU: the same sizes, one run per size, up to where a run would take 60 s,
# and writes every table, CSV (with the transient share of each run) and plot into one folder.
#
# Usage:   scripts/gpu-bench.sh [OUT_DIR]            (default: gpu-bench-<date>)
# Env:     GPU_BENCH_SMALL=1   small sizes for a software adapter (lavapipe) or a smoke test:
#                              256x256, 1e4 .. 1e7 points, 10 s per CPU run
#          ATTRACTORS_BIN      the binary (default target/release/attractors, built if missing)
#          ATTRACTORS_ADAPTER  adapter name substring (see `attractors info`)
#          ALLOW_NO_GPU=1      finish (CPU only) when no GPU adapter is found, instead of failing
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-gpu-bench-$(date -u +%Y%m%d-%H%M%S)}
bin=${ATTRACTORS_BIN:-target/release/attractors}
if [[ ${GPU_BENCH_SMALL:-0} == 1 ]]; then
    sizes=(256x256)
    gpu_iters=1e4..1e7
    cpu_iters=1e4..1e7
    gpu_reps=1
    cpu_seconds=10
else
    sizes=(1024x1024 4096x4096)
    gpu_iters=1e6..1e11
    cpu_iters=1e6..1e11
    gpu_reps=3
    cpu_seconds=60
fi
adapter=()
if [[ -n ${ATTRACTORS_ADAPTER:-} ]]; then
    adapter=(--adapter "$ATTRACTORS_ADAPTER")
fi

if [[ ! -x $bin ]]; then
    echo "building $bin (cargo build --release)" >&2
    cargo build --release --quiet
fi
mkdir -p "$out"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(uname -srm), $(nproc) cores"
    grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
    if command -v nvidia-smi >/dev/null; then
        nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
    fi
    echo "git: $(git describe --always --dirty 2>/dev/null || echo unknown)"
} | tee "$out/machine.txt"
"$bin" info | tee "$out/info.txt"

for size in "${sizes[@]}"; do
    echo "== GPU $size, $gpu_iters points" >&2
    "$bin" bench --backends gpu "${adapter[@]}" --size "$size" --iters "$gpu_iters" \
        --reps "$gpu_reps" --max-seconds 600 \
        --csv "$out/gpu-$size.csv" --plot "$out/gpu-$size.png" | tee "$out/gpu-$size.txt"
    if grep -q unavailable "$out/gpu-$size.csv"; then
        if [[ ${ALLOW_NO_GPU:-0} != 1 ]]; then
            echo "error: no GPU adapter could run the bench (see $out/gpu-$size.txt); set ALLOW_NO_GPU=1 to go on with the CPU only" >&2
            exit 1
        fi
    fi
    echo "== CPU $size, $cpu_iters points, up to $cpu_seconds s a run" >&2
    "$bin" bench --backends cpu --size "$size" --iters "$cpu_iters" --reps 1 \
        --max-seconds "$cpu_seconds" \
        --csv "$out/cpu-$size.csv" --plot "$out/cpu-$size.png" | tee "$out/cpu-$size.txt"
done

# The best rate of each backend and size (median calculation time of the largest runs).
{
    echo "best calc rate per backend and size (points/s, from the median rows):"
    for f in "$out"/gpu-*.csv "$out"/cpu-*.csv; do
        awk -F, -v name="$(basename "$f" .csv)" '
            NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
            $col["row"] == "summary" && $col["stat"] == "median" {
                r = $col["points_per_s"] + 0
                if (r > best) { best = r; at = $col["iters"]; tr = $col["transient_share"] }
            }
            END { if (best > 0) printf "  %-16s %.3e points/s at %s points (transient share %s)\n", name, best, at, tr }
        ' "$f"
    done
} | tee "$out/summary.txt"
echo "wrote $out/" >&2
