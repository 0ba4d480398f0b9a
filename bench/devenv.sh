#!/usr/bin/env bash
# A notebook dev environment: `dstack run ide` (provider: notebook, attached) until it prints its link, against
# starting the same Debian jupyter-notebook by hand and waiting (curl, with a deadline) until it answers; alternated,
# in the same run. Target: dstack ≤ 1.2 × by hand + 1 s.
# Usage: bench/devenv.sh [RUNS]   (default 5; writes bench/results/devenv.md and prints it)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-5}
command -v jupyter-notebook >/dev/null || scripts/devenv-up.sh >/dev/null
publish_dstack
results=$PWD/bench/results
bench_repo
echo hi > hello.txt
printf 'workflows:\n  - name: ide\n    provider: notebook\n' > .dstack/workflows.yaml
git add -A && git commit -qm init

now() { date +%s.%N; }
deadline=120

# Seconds until the file $1 has a line matching $2, from $3; fails past the deadline.
wait_line() {
  local end=$(( $(date +%s) + deadline ))
  until grep -qE "$2" "$1"; do
    [ "$(date +%s)" -lt "$end" ] || { echo "no '$2' in $1 within ${deadline}s:" >&2; cat "$1" >&2; return 1; }
    sleep 0.02
  done
  echo "$(now) - $3" | bc
}

by_hand() {
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local start end pid; start=$(now)
  setsid jupyter-notebook $([ "$(id -u)" != 0 ] || echo --allow-root) --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 --NotebookApp.token=bench \
    --notebook-dir="$repo" >"$work/hand.log" 2>&1 & pid=$!
  end=$(( $(date +%s) + deadline ))
  until curl -s -o /dev/null "http://127.0.0.1:$port/tree?token=bench"; do
    [ "$(date +%s)" -lt "$end" ] || { cat "$work/hand.log" >&2; return 1; }
    sleep 0.02
  done
  echo "$(now) - $start" | bc
  kill -- -"$pid"; wait "$pid" 2>/dev/null || true
}

with_dstack() {
  local start pid t run; start=$(now)
  "$bin/dstack" run ide >"$work/run.out" 2>"$work/run.err" </dev/null & pid=$!
  t=$(wait_line "$work/run.err" '^Open http' "$start")
  echo "$t"
  run=$(sed -n 's/^\([^ ]*\) submitted\..*/\1/p' "$work/run.err" | head -n 1)
  "$bin/dstack" stop -y "$run" >/dev/null
  wait "$pid" || true
}

hand=() dstack=()
for i in $(seq 1 "$runs"); do
  hand+=("$(by_hand)")
  dstack+=("$(with_dstack)")
  echo "run $i: by hand ${hand[-1]} s, dstack ${dstack[-1]} s" >&2
done

mkdir -p "$results"
python3 - "$results/devenv.md" "${hand[*]}" "${dstack[*]}" <<'PY'
import os, statistics, sys
hand, dstack = ([float(x) for x in a.split()] for a in sys.argv[2:4])
h, d = statistics.median(hand), statistics.median(dstack)
load = open("/proc/loadavg").read().split()[:3]
lines = [f"Machine: {os.cpu_count()} cores, load {' '.join(load)}; medians of {len(hand)}", "",
         "| | median | min | max |", "|---|---|---|---|"]
for name, xs in [("jupyter-notebook by hand, until it answers", hand), ("`dstack run ide` until the link", dstack)]:
    lines.append(f"| {name} | {statistics.median(xs):.2f} s | {min(xs):.2f} s | {max(xs):.2f} s |")
target = 1.2 * h + 1
lines += ["", f"dstack / by hand: {d/h:.2f}×; target ≤ 1.2 × {h:.2f} + 1 = {target:.2f} s: {'met' if d <= target else 'MISSED'}"]
text = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(text)
print(text)
PY
