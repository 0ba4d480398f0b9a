#!/usr/bin/env bash
# A repo with many runs (10,000 by default) in a local store: plain `ps`, `ps -a` (warm and cold cache) and a run
# with a `workflow:` dep, against the shell floor and a run without the dep, measured in the same run.
# Usage: bench/scale.sh   (BENCH_RUNS=N to change the count; writes bench/results/scale.md and prints it)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine

publish_dstack
bench_repo
cat > .dstack/workflows.yaml <<'YAML'
workflows:
  - name: train
    provider: bash
    commands:
      - mkdir -p model && echo weights > model/w.txt
    artifacts:
      - path: model
  - name: use
    provider: bash
    deps:
      - workflow: train
    commands:
      - cat model/w.txt > /dev/null
  - name: plain
    provider: bash
    commands:
      - echo ok
YAML
git add -A && git commit -qm init

# A few real runs, then copies of the oldest one under new names up to the count (running them all would take hours).
"$bin/dstack" run train >/dev/null
"$bin/dstack" run train >/dev/null
runs=${BENCH_RUNS:-10000}
python3 - "$DSTACK_HOME" "$runs" <<'PY'
import os, sys, shutil, glob
home, total = sys.argv[1], int(sys.argv[2])
runs_dir = glob.glob(os.path.join(home, "**", "repos", "*", "*", "runs"), recursive=True)[0]
names = sorted(os.listdir(runs_dir))
template = os.path.join(runs_dir, names[0])
record = open(os.path.join(template, "run.json")).read()
for i in range(total - len(names)):
    name = f"copy-{i:05d}"
    shutil.copytree(template, os.path.join(runs_dir, name))
    open(os.path.join(runs_dir, name, "run.json"), "w").write(record.replace(f'"{names[0]}"', f'"{name}"'))
PY
"$bin/dstack" ps -a | wc -l

mkdir -p "$OLDPWD/bench/results"
json=$work/result.json
cache=$DSTACK_HOME/tmp/cache
hyperfine -N --warmup 3 --min-runs 15 --export-json "$json" \
  -n floor "bash -c 'echo hi > out.txt'" \
  -n "dstack ps ($runs runs)" "$bin/dstack ps" \
  -n "dstack ps -a ($runs runs, warm)" "$bin/dstack ps -a" \
  -n "dstack run plain" "$bin/dstack run plain" \
  -n "dstack run use (workflow dep)" "$bin/dstack run use" >/dev/null
hyperfine -N --warmup 1 --min-runs 10 --prepare "rm -rf $cache" --export-json "$json.cold" \
  -n "dstack ps -a ($runs runs, cold)" "$bin/dstack ps -a" >/dev/null

python3 - "$json" "$json.cold" "$OLDPWD/bench/results/scale.md" <<'PY'
import json, sys, os, subprocess
results = json.load(open(sys.argv[1]))["results"] + json.load(open(sys.argv[2]))["results"]
floor = results[0]["mean"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
load = open("/proc/loadavg").read().split()[0]
lines = [f"Machine: {os.cpu_count()} cores, {cpu}; load average {load}", "",
         "| command | mean | stddev | × floor |", "|---|---|---|---|"]
for r in results:
    lines.append(f"| `{r['command']}` | {r['mean']*1000:.1f} ms | {r['stddev']*1000:.1f} ms | {r['mean']/floor:.1f}× |")
text = "\n".join(lines) + "\n"
open(sys.argv[3], "w").write(text)
print(text)
PY
