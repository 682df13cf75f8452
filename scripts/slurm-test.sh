#!/bin/bash
# Tests examples/slurm for real: starts a one-node Slurm cluster on this machine (Debian's
# slurm-wlm and munge, configured here in a temporary folder), submits a render as a job array of
# shards plus the merge job (examples/slurm/submit.sh), waits, and checks that the merged counts
# equal the local unsharded render bit for bit. Needs root (it starts munged, slurmctld and slurmd);
# without root it prints why and skips.
#   scripts/slurm-test.sh [PATH/TO/attractors]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "slurm test skipped: it starts munged, slurmctld and slurmd, which needs root"
  exit 0
fi
for t in munged slurmctld slurmd sbatch scontrol; do
  command -v "$t" >/dev/null || { echo "slurm test: $t missing; apt-get install slurm-wlm munge" >&2; exit 1; }
done
BIN="$(realpath "${1:-target/release/attractors}")"
D="$(mktemp -d /tmp/attractors-slurm.XXXXXX)"
chmod 755 "$D"
HOST="$(hostname -s)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# munge: a fresh key and socket in the temporary folder.
mkdir -p "$D/munge"
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$D/munge"; chmod 400 "$D/munge/munge.key"
munged --force --foreground --key-file="$D/munge/munge.key" --socket="$D/munge/munge.socket" \
  --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" --seed-file="$D/munge/seed" \
  >"$D/munge/munged.out" 2>&1 &
pids+=($!)

mkdir -p "$D/state" "$D/spool"
cat > "$D/slurm.conf" <<CONF
ClusterName=attractors-test
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$HOST CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
sleep 1
slurmctld -D -i -f "$SLURM_CONF" >"$D/slurmctld.out" 2>&1 &
pids+=($!)
sleep 2
slurmd -D -f "$SLURM_CONF" >"$D/slurmd.out" 2>&1 &
pids+=($!)

show_logs() {
  for f in "$D"/slurmctld.log "$D"/slurmd.log "$D"/slurmctld.out "$D"/slurmd.out "$D"/munge/munged.log "$D"/out/*.log; do
    [ -f "$f" ] && { echo "== $f"; tail -n 20 "$f"; }
  done
}
for i in $(seq 60); do
  state="$(sinfo -h -o %T 2>/dev/null || true)"
  case "$state" in idle*|mixed*|allocated*) break ;; esac
  sleep 1
done
case "$state" in idle*|mixed*|allocated*) ;; *) echo "slurm test: the node never came up (state '$state')" >&2; show_logs >&2; exit 1 ;; esac
echo "slurm: one-node cluster up ($HOST, $(nproc) CPUs)"

JOB="Clifford --backend cpu --size 200x150 --iters 6000011 -q"
mkdir -p "$D/out"
cd "$D/out"
ids=$(SHARDS=3 OUT="$D/out/shards" RENDER_ARGS="$JOB" ATTRACTORS="$BIN" \
  "$OLDPWD/examples/slurm/submit.sh")
cd "$OLDPWD"
merge="${ids##* }"
echo "slurm: submitted array and merge jobs: $ids"
for i in $(seq 300); do
  [ -f "$D/out/shards/merged.npy" ] && [ -z "$(squeue -h -j "$merge" 2>/dev/null)" ] && break
  sleep 1
done
if [ ! -f "$D/out/shards/merged.npy" ]; then
  echo "slurm test: no merged counts after 300 s" >&2
  squeue >&2 || true
  show_logs >&2
  exit 1
fi
# shellcheck disable=SC2086
"$BIN" $JOB --hist "$D/local.npy"
if cmp "$D/out/shards/merged.npy" "$D/local.npy"; then
  echo "slurm test passed: 3 array tasks + afterok merge == the local unsharded render, bit for bit"
else
  echo "slurm test FAILED: the merged counts differ from the local render" >&2
  exit 1
fi
cleanup
trap - EXIT
rm -rf "$D"
