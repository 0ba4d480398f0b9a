#!/usr/bin/env bash
# Whole-process benchmarks of the dstack CLI against a raw shell floor, measured in the same run.
# Usage: bench/run.sh            (writes bench/results/latest.md and prints it)
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
hyperfine -N --warmup 3 --min-runs 20 --export-json "$json" \
  -n floor "bash -c 'echo hi > out.txt'" \
  -n ".NET hello world" "$hello" \
  -n "dstack --help" "$bin/dstack --help" \
  -n "dstack ps -a ($runs runs)" "$bin/dstack ps -a" \
  -n "dstack run hello" "$bin/dstack run hello" >/dev/null

python3 "$OLDPWD/bench/table.py" "$OLDPWD/bench/results/latest.md" "$(dotnet --version) SDK" "$json"
