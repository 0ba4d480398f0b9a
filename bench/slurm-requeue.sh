#!/usr/bin/env bash
# Requeue → job running again, on the Slurm test cluster, BENCH_RUNS times each (default 3), split at the moment squeue
# (polled) shows the requeued job RUNNING again:
#   slurm's delay: `scontrol requeue` → RUNNING (requeue, BeginTime, the scheduler's next pass);
#   then: RUNNING → a bare `sbatch --requeue` job's script starts again, or → an interruptible `dstack run`'s commands
#   start again as attempt 2 (local-folder store, a 1 MiB `mount: true` checkpoint restored): dstack's added delay.
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
# `scontrol requeue ID` now; prints when squeue shows the job RUNNING again (after it first left RUNNING).
requeue() {
  local id=$1 deadline=$((SECONDS + 120))
  scontrol requeue "$id"
  while [ "$(squeue -h -j "$id" -o %T)" = RUNNING ]; do [ $SECONDS -lt $deadline ] || exit 1; done
  until [ "$(squeue -h -j "$id" -o %T)" = RUNNING ]; do [ $SECONDS -lt $deadline ] || exit 1; sleep 0.01; done
  now
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

: > "$work/bare.txt"; : > "$work/dstack.txt"
for i in $(seq 1 "$runs"); do
  id=$(sbatch --parsable --requeue -o /dev/null --job-name=bench-requeue --wrap "date +%s.%N >> $marks/bare-$i; sleep 600")
  lines "$marks/bare-$i" 1
  t0=$(now); t1=$(requeue "$id"); lines "$marks/bare-$i" 2
  echo "$t0 $t1 $(tail -n 1 "$marks/bare-$i")" >> "$work/bare.txt"
  scancel "$id"

  run=$("$bin/dstack" run -d train --compute cluster)
  lines "$marks/$run" 1
  # The checkpoint is saved while the job runs: wait for it, so that attempt 2 restores it.
  until "$bin/dstack" artifacts list "$run" 2>/dev/null | grep -q checkpoints; do sleep 0.1; done
  id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['handle'])" "$(find "$DSTACK_HOME" -path "*/$run/jobs/0/launch.json" | head -n 1)")
  t0=$(now); t1=$(requeue "$id"); lines "$marks/$run" 2
  echo "$t0 $t1 $(tail -n 1 "$marks/$run")" >> "$work/dstack.txt"
  "$bin/dstack" logs "$run" | grep -q "dstack: attempt 2 after requeue (restored checkpoints: 1 file)"
  "$bin/dstack" stop -x -y "$run" >/dev/null
done

python3 - "$work/bare.txt" "$work/dstack.txt" "$root/bench/results/slurm-requeue.md" "$runs" <<'PY'
import os, statistics, sys
read = lambda f: [tuple(map(float, l.split())) for l in open(f) if l.strip()]
bare, dstack = read(sys.argv[1]), read(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
load = open("/proc/loadavg").read().split()[0]
def row(name, xs):
    slurm = [t1 - t0 for t0, t1, _ in xs]
    after = [t2 - t1 for _, t1, t2 in xs]
    total = [t2 - t0 for t0, _, t2 in xs]
    ms = lambda v: ", ".join(f"{x*1000:.0f}" for x in v)
    med = lambda v: f"{statistics.median(v)*1000:.0f} ms"
    return f"| {name} | {med(slurm)} ({ms(slurm)}) | {med(after)} ({ms(after)}) | {med(total)} |"
lines = [f"Machine: {os.cpu_count()} cores, {cpu}; load average {load} at the end; {sys.argv[4]} requeues each; medians (each, ms)", "",
         "| requeued job | Slurm's delay: requeue → RUNNING | RUNNING → commands run again | total |", "|---|---|---|---|",
         row("bare `sbatch --requeue` (its script starts)", bare),
         row("dstack interruptible run (attempt 2's commands start, 1 MiB checkpoint restored)", dstack)]
text = "\n".join(lines) + "\n"
os.makedirs(os.path.dirname(sys.argv[3]), exist_ok=True)
open(sys.argv[3], "w").write(text)
print(text)
PY
