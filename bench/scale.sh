#!/usr/bin/env bash
# A repo with many runs (10,000 by default) in a local store or an S3 bucket: plain `ps`, `ps -a` (warm and cold
# cache) and a run with a `workflow:` dep, against the shell floor and a run without the dep, measured in the same run.
# Usage: bench/scale.sh            local store (writes bench/results/scale.md and prints it)
#        BENCH_STORE=s3 bench/scale.sh   S3 (Ceph RGW on loopback, scripts/s3-up.sh; bench/results/scale-s3.md)
#        BENCH_RUNS=N to change the count
#        BENCH_BASELINE=DIR also measures plain `ps`, `ps -a` (warm and cold), `run plain` and `run use` of the dstack in
#        DIR (e.g. the main branch's build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine

. bench/scale-store.sh
"$bin/dstack" ps -a | wc -l

mkdir -p "$OLDPWD/bench/results"
json=$work/result.json
cache=$DSTACK_HOME/tmp/cache
hyperfine -N --warmup 3 --min-runs 15 --export-json "$json" \
  -n floor "bash -c 'echo hi > out.txt'" \
  -n "dstack ps ($runs runs)" "$bin/dstack ps" \
  -n "dstack ps -a ($runs runs, warm)" "$bin/dstack ps -a" \
  -n "dstack run plain" "$bin/dstack run plain" \
  -n "dstack run use (workflow dep)" "$bin/dstack run use" \
  ${BENCH_BASELINE:+-n "baseline: dstack ps ($runs runs)" "$BENCH_BASELINE/dstack ps"} \
  ${BENCH_BASELINE:+-n "baseline: dstack ps -a ($runs runs, warm)" "$BENCH_BASELINE/dstack ps -a"} \
  ${BENCH_BASELINE:+-n "baseline: dstack run plain" "$BENCH_BASELINE/dstack run plain"} \
  ${BENCH_BASELINE:+-n "baseline: dstack run use (workflow dep)" "$BENCH_BASELINE/dstack run use"} >/dev/null
hyperfine -N --warmup 1 --min-runs 10 --prepare "rm -rf $cache" --export-json "$json.cold" \
  -n "dstack ps -a ($runs runs, cold)" "$bin/dstack ps -a" \
  ${BENCH_BASELINE:+-n "baseline: dstack ps -a ($runs runs, cold)" "$BENCH_BASELINE/dstack ps -a"} >/dev/null

python3 "$OLDPWD/bench/table.py" "$OLDPWD/bench/results/scale$([ "$store" = s3 ] && echo -s3).md" "store: $store" "$json" "$json.cold"
