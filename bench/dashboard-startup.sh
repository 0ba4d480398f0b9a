#!/usr/bin/env bash
# Does Kestrel in the same executable cost the CLI's start-up? CPU and page faults per start of `--help` and `ps -a`
# (BENCH_RUNS runs in the store), a baseline build against this one, alternating (bench/startup-cpu.py).
# Usage: BENCH_BASELINE=/path/to/older/dstack [BENCH_BIN=folder] bench/dashboard-startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${BENCH_BASELINE:?the older build to compare with}"
publish_dstack
ls -l "$BENCH_BASELINE" "$bin/dstack" | awk '{print "size:", $5, $9}'
here=$PWD
bench_repo
printf 'workflows:\n  - name: hello\n    provider: bash\n    commands:\n      - echo hi\n' > .dstack/workflows.yaml
git add -A && git commit -qm init
for _ in $(seq 1 "${BENCH_RUNS:-300}"); do "$bin/dstack" run -d hello >/dev/null; done
until ! "$bin/dstack" ps | grep -qE 'Submitted|Running|Downloading'; do sleep 0.2; done
"$bin/dstack" ps -a >/dev/null
echo "| command | build | CPU mean | CPU median | minor faults | major faults |"
echo "|---|---|---|---|---|---|"
python3 "$here/bench/startup-cpu.py" "$BENCH_BASELINE" "$bin/dstack" "${BENCH_N:-200}" -- --help
python3 "$here/bench/startup-cpu.py" "$BENCH_BASELINE" "$bin/dstack" "${BENCH_N:-200}" -- ps -a
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
