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
py=$(python3 -c 'import sys; print(sys.executable)') # not a shim: the watcher must be up before the run starts

# Peak RSS (KiB) of the `dstack runner` processes of executable $1 while the job runs: sampled from /proc until it ends.
watch_runner() {
  "$py" - "$(realpath "$1")" "$2" <<'PY'
import os, sys, time
exe, out = sys.argv[1], sys.argv[2]
peak = 0
open(out + ".ready", "w").close()
while True:
    found = False
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/exe") != exe or b" runner --repo " not in open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" "):
                continue
            found = True
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    if not found and os.path.exists(out + ".stop"):
        break
    time.sleep(0.01)
open(out, "w").write(str(peak))
PY
}

# The first byte of `dstack logs RUN` on its stdout: milliseconds from start.
first_line_ms() {
  "$py" - "$@" <<'PY'
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
  while [[ ! -f "$home/runner.kib.ready" ]]; do sleep 0.01; done
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
