#!/usr/bin/env bash
# Whole-process benchmarks of the dstack CLI against a raw shell floor, measured in the same run.
# Usage: bench/run.sh            (writes bench/results/latest.md and prints it)
#   BENCH_BASELINE=/path/to/an/older/dstack also measures that build's --help, ps -a and run hello, in alternating rounds
#   (BENCH_ROUNDS, default 4) so that both see the same load; BENCH_BIN measures a built folder instead of publishing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine

publish_dstack
dotnet publish bench/Hello -c Release -o "$PWD/out/bench-hello" --nologo -v quiet
hello=$PWD/out/bench-hello/Hello
bench_repo
cat > .dstack/workflows.yaml <<'YAML'
workflows:
  - name: hello
    provider: bash
    commands:
      - echo hi > out.txt
YAML
git add -A && git commit -qm init

# A store with hundreds of finished runs for `ps -a`.
runs=${BENCH_RUNS:-300}
for _ in $(seq 1 "$runs"); do "$bin/dstack" run -d hello >/dev/null; done
until ! "$bin/dstack" ps | grep -qE 'Submitted|Running|Downloading'; do sleep 0.2; done

mkdir -p "$OLDPWD/bench/results"
json=$work/result.json
cmds=(-n floor "bash -c 'echo hi > out.txt'" -n ".NET hello world" "$hello"
      -n "dstack --help" "$bin/dstack --help" -n "dstack ps -a ($runs runs)" "$bin/dstack ps -a" -n "dstack run hello" "$bin/dstack run hello")
[ -n "${BENCH_BASELINE:-}" ] && cmds+=(-n "before: dstack --help" "$BENCH_BASELINE --help" -n "before: dstack ps -a ($runs runs)" "$BENCH_BASELINE ps -a"
                                     -n "before: dstack run hello" "$BENCH_BASELINE run hello")
rounds=${BENCH_ROUNDS:-$([ -n "${BENCH_BASELINE:-}" ] && echo 4 || echo 1)}
for r in $(seq 1 "$rounds"); do
  hyperfine -N --warmup 3 --min-runs $((20 / rounds + 1)) --export-json "$work/round$r.json" "${cmds[@]}" >/dev/null
done
python3 "$OLDPWD/bench/merge.py" "$json" "$work"/round*.json

# The whole CPU of a run (the CLI, its runner, the job), which hyperfine cannot see (nobody waits for the runner):
# a cgroup v1 cpuacct group around N runs, each waited for until its last process is gone. Root only; skipped elsewhere.
cpu_of() {  # BINARY -> mean ms of CPU per attached run
  local group=/sys/fs/cgroup/cpuacct/dstack-bench-$$ n=${BENCH_CPU_RUNS:-20}
  mkdir "$group" 2>/dev/null || return 1
  mkfifo "$work/tick"
  # Waits with builtins only (a read that times out on a FIFO), so that the group holds nothing but the runs.
  ( echo $BASHPID > "$group/cgroup.procs"
    for _ in $(seq 1 "$n"); do
      "$1" run hello >/dev/null 2>&1
      while mapfile -t procs < "$group/cgroup.procs"; [ "${#procs[@]}" -gt 1 ]; do read -rt 0.01 <> "$work/tick" || true; done
    done )
  rm "$work/tick"
  echo "scale=1; $(cat "$group/cpuacct.usage") / 1000000 / $n" | bc
  rmdir "$group"
}
cpu_note=""
if now=$(cpu_of "$bin/dstack"); then
  cpu_note="; whole CPU of an attached run hello (CLI + runner + job, cgroup): ${now} ms"
  [ -n "${BENCH_BASELINE:-}" ] && cpu_note+=", before: $(cpu_of "$BENCH_BASELINE") ms"
fi

python3 "$OLDPWD/bench/table.py" "$OLDPWD/bench/results/latest.md" "$(dotnet --version) SDK$cpu_note" "$json"
