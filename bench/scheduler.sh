#!/usr/bin/env bash
# Eight runs with `cpu: 1` submitted at once on this machine: all must finish, never more than
# (cores) at a time, and a queued run should start within 100 ms of a slot freeing up.
# Usage: bench/scheduler.sh      (writes bench/results/scheduler.md and prints it)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
publish_dstack
bench_repo
export BENCH_LOG=$work/times.log
cat > .dstack/workflows.yaml <<'YAML'
workflows:
  - name: slot
    provider: bash
    resources:
      cpu: 1
    env:
      - BENCH_LOG   # a job gets the caller's variables only when named
    commands:
      - echo "start $(date +%s.%N)" >> "$BENCH_LOG"
      - sleep 1
      - echo "end $(date +%s.%N)" >> "$BENCH_LOG"
YAML
git add -A && git commit -qm init
runs=${BENCH_JOBS:-8}
for _ in $(seq 1 "$runs"); do "$bin/dstack" run -d slot >/dev/null & done
wait
until [ "$(grep -c '^end' "$BENCH_LOG" 2>/dev/null || true)" -ge "$runs" ]; do sleep 0.2; done
"$bin/dstack" ps -a > "$work/ps.txt"

python3 - "$BENCH_LOG" "$work/ps.txt" "$runs" "$OLDPWD/bench/results/scheduler.md" <<'PY'
import sys, os
events = sorted((float(t), kind) for kind, t in (l.split() for l in open(sys.argv[1])))
done = open(sys.argv[2]).read().count(" Done")
running, peak, ends, gaps = 0, 0, [], []
for t, kind in events:
    if kind == "start":
        if ends and running < os.cpu_count():
            gaps.append(t - ends[-1])
        running += 1
        peak = max(peak, running)
    else:
        running -= 1
        ends.append(t)
# The first runs start on free slots; only starts that waited for an end measure the hand-over.
gaps = gaps[-(int(sys.argv[3]) - os.cpu_count()):]
text = (f"Machine: {os.cpu_count()} cores\n\n| runs | done | most at once | hand-over gap mean | max |\n|---|---|---|---|---|\n"
        f"| {sys.argv[3]} | {done} | {peak} | {sum(gaps)/len(gaps)*1000:.0f} ms | {max(gaps)*1000:.0f} ms |\n")
os.makedirs(os.path.dirname(sys.argv[4]), exist_ok=True)
open(sys.argv[4], "w").write(text)
print(text)
PY
