#!/usr/bin/env bash
# A job printing N short lines (`seq 1 N`), local store: peak memory (RSS) of the attached CLI, the runner and
# `dstack logs`, the time `logs` takes to print its first line, `logs --tail 3`, and the stored size against the output.
# Usage: bench/logs.sh [N]   (default 1000000; BENCH_BASELINE=/path/to/an/older/dstack measures it too, same run)
# Writes bench/results/logs.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
bin=$PWD/out/bench-bin
[[ -n "${BENCH_SKIP_PUBLISH:-}" ]] || dotnet publish src/Dstack.Cli -c Release -o "$bin" --nologo -v quiet
results=$PWD/bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$results"

# Peak RSS (KiB) of every `dstack runner` started from $1's folder while the job runs: sampled from /proc until it ends.
watch_runner() {
  local exe=$1 out=$2 peak=0 seen=0
  while true; do
    local found=0
    for p in /proc/[0-9]*; do
      [[ "$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" == "$exe runner "* ]] || continue
      found=1; seen=1
      local hwm; hwm=$(awk '/VmHWM/ {print $2}' "$p/status" 2>/dev/null || echo 0)
      (( ${hwm:-0} > peak )) && peak=$hwm
    done
    [[ -f "$out.stop" && $found == 0 ]] && break
    sleep 0.02
  done
  echo "$peak" > "$out"
}

# The first byte of `dstack logs RUN` on its stdout: milliseconds from start.
first_line_ms() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
p.stdout.read(1)
print(round((time.monotonic() - t) * 1000))
p.kill(); p.wait()
PY
}

measure() { # name exe
  local name=$1 exe=$2 home=$work/$1
  export DSTACK_HOME=$home/home NO_COLOR=1
  mkdir -p "$home/repo/.dstack" && cd "$home/repo"
  git init -q && git config user.name bench && git config user.email bench@example.com
  printf 'workflows:\n  - name: lines\n    provider: bash\n    commands: ["seq 1 %s"]\n' "$lines" > .dstack/workflows.yaml
  git add -A && git commit -qm init
  watch_runner "$exe" "$home/runner.kib" & local watcher=$!
  /usr/bin/time -f '%M %e' -o "$home/cli.txt" "$exe" run lines > /dev/null
  touch "$home/runner.kib.stop"; wait "$watcher"
  local run; run=$("$exe" ps -a | awk 'NR==2 {print $1}')
  # The runner may still be storing the end; `logs` after it has.
  /usr/bin/time -f '%M %e' -o "$home/logs.txt" "$exe" logs "$run" > "$home/out.txt"
  /usr/bin/time -f '%M %e' -o "$home/tail.txt" "$exe" logs --tail 3 "$run" > /dev/null 2>&1 || echo "- -" > "$home/tail.txt"
  local ttfl; ttfl=$(first_line_ms "$exe" logs "$run")
  local stored; stored=$(du -sb --apparent-size "$(find "$home/home" -type d -name logs | head -1)" | cut -f1)
  local raw; raw=$(seq 1 "$lines" | wc -c)
  local printed; printed=$(wc -c < "$home/out.txt")
  echo "$name $(cut -d' ' -f1 "$home/cli.txt") $(cat "$home/runner.kib") $(cut -d' ' -f1 "$home/logs.txt") $(cut -d' ' -f2 "$home/logs.txt") $ttfl $(cut -d' ' -f1 "$home/tail.txt") $(cut -d' ' -f2 "$home/tail.txt") $stored $raw $printed $(cut -d' ' -f2 "$home/cli.txt")" >> "$work/rows"
  cd - > /dev/null
}

measure dstack "$bin/dstack"
[[ -n "${BENCH_BASELINE:-}" ]] && measure baseline "$BENCH_BASELINE"

python3 - "$work/rows" "$results/logs.md" "$lines" <<'PY'
import sys, os
rows = [l.split() for l in open(sys.argv[1])]
mib = lambda k: "-" if k == "-" else f"{int(k) / 1024:.0f} MiB"
lines = [f"Machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; job: `seq 1 {int(sys.argv[3]):,}`", "",
         "| build | run (attached CLI) | runner | `logs` | `logs` time | first line | `logs --tail 3` | stored ÷ output | printed = output | run time |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for name, cli, runner, logs, logs_s, ttfl, tail, tail_s, stored, raw, printed, run_s in rows:
    lines.append(f"| {name} | {mib(cli)} | {mib(runner)} | {mib(logs)} | {logs_s} s | {ttfl} ms | {mib(tail)}, {tail_s} s | "
                 f"{int(stored) / int(raw):.2f}× | {'yes' if printed == raw else 'NO'} | {run_s} s |")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
