#!/usr/bin/env bash
# Requeue → job running again, on the Slurm test cluster, BENCH_RUNS times each (default 3):
#   slurm:  a bare `sbatch --requeue` job, from `scontrol requeue` to its batch script starting again (Slurm's own delay);
#   dstack: an interruptible `dstack run` (local-folder store, a 1 MiB `mount: true` checkpoint), from `scontrol requeue`
#           to its commands starting again as attempt 2, the checkpoint restored. dstack's added delay is the difference.
# Measured while holding the Slurm tests' lock (/tmp/dstack-tests-slurm.lock, as bench/slurm.sh): no test's jobs share the cluster.
# Usage: bench/slurm-requeue.sh   BENCH_BIN: a built dstack's folder. Writes bench/results/slurm-requeue.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bench/lib.sh
scripts/slurm/slurm-up.sh >/dev/null
publish_dstack
bench_repo
exec 9<>/tmp/dstack-tests-slurm.lock
flock 9
runs=${BENCH_RUNS:-3}
marks=$work/marks
mkdir -p "$marks"
export BENCH_MARKS=$marks DSTACK_PASS_ENV=BENCH_MARKS
now() { date +%s.%N; }
# Waits (at most 120 s) until FILE has N lines.
lines() {
  local deadline=$((SECONDS + 120))
  until [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $2 lines in $1" >&2; exit 1; }
    sleep 0.02
  done
}
cat > .dstack/workflows.yaml <<'YAML'
workflows:
  - name: train
    provider: bash
    commands:
      - mkdir -p checkpoints && [ -f checkpoints/model.bin ] || head -c 1048576 /dev/urandom > checkpoints/model.bin
      - date +%s.%N >> "$BENCH_MARKS/$RUN_NAME"
      - sleep 600
    artifacts:
      - path: checkpoints
        mount: true
    resources:
      interruptible: true
YAML
git add -A && git commit -qm bench
"$bin/dstack" config compute add cluster --slurm >/dev/null 2>&1

: > "$work/slurm.txt"; : > "$work/dstack.txt"
for i in $(seq 1 "$runs"); do
  id=$(sbatch --parsable --requeue -o /dev/null --job-name=bench-requeue --wrap "date +%s.%N >> $marks/bare-$i; sleep 600")
  lines "$marks/bare-$i" 1
  t0=$(now); scontrol requeue "$id"; lines "$marks/bare-$i" 2
  echo "$(tail -n 1 "$marks/bare-$i") - $t0" | bc >> "$work/slurm.txt"
  scancel "$id"

  run=$("$bin/dstack" run -d train --compute cluster)
  lines "$marks/$run" 1
  # The checkpoint is saved while the job runs: wait for it, so that attempt 2 restores it.
  until "$bin/dstack" artifacts list "$run" 2>/dev/null | grep -q checkpoints; do sleep 0.1; done
  id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['handle'])" "$(find "$DSTACK_HOME" -path "*/$run/jobs/0/launch.json" | head -n 1)")
  t0=$(now); scontrol requeue "$id"; lines "$marks/$run" 2
  echo "$(tail -n 1 "$marks/$run") - $t0" | bc >> "$work/dstack.txt"
  "$bin/dstack" logs "$run" | grep -q "dstack: attempt 2 after requeue (restored checkpoints: 1 file)"
  "$bin/dstack" stop -x -y "$run" >/dev/null
done

python3 - "$work/slurm.txt" "$work/dstack.txt" "$root/bench/results/slurm-requeue.md" "$runs" <<'PY'
import os, statistics, sys
slurm = [float(l) for l in open(sys.argv[1]) if l.strip()]
dstack = [float(l) for l in open(sys.argv[2]) if l.strip()]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
load = open("/proc/loadavg").read().split()[0]
ms = lambda xs: ", ".join(f"{x*1000:.0f}" for x in xs)
s, d = statistics.median(slurm), statistics.median(dstack)
lines = [f"Machine: {os.cpu_count()} cores, {cpu}; load average {load} at the end; {sys.argv[4]} requeues each", "",
         "| requeue → running again | median | each (ms) |", "|---|---|---|",
         f"| Slurm alone (bare sbatch --requeue, batch script starts) | {s*1000:.0f} ms | {ms(slurm)} |",
         f"| dstack (interruptible run, commands start as attempt 2, 1 MiB checkpoint restored) | {d*1000:.0f} ms | {ms(dstack)} |",
         f"| dstack's added delay (difference of the medians) | {(d-s)*1000:.0f} ms | |"]
text = "\n".join(lines) + "\n"
os.makedirs(os.path.dirname(sys.argv[3]), exist_ok=True)
open(sys.argv[3], "w").write(text)
print(text)
PY
