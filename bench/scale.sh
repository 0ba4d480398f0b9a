#!/usr/bin/env bash
# A repo with many runs (10,000 by default) in a local store or an S3 bucket: plain `ps`, `ps -a` (warm and cold
# cache) and a run with a `workflow:` dep, against the shell floor and a run without the dep, measured in the same run.
# Usage: bench/scale.sh            local store (writes bench/results/scale.md and prints it)
#        BENCH_STORE=s3 bench/scale.sh   S3 (Ceph RGW on loopback, scripts/s3-up.sh; bench/results/scale-s3.md)
#        BENCH_RUNS=N to change the count
#        BENCH_BASELINE=DIR also measures plain `ps` and `ps -a` (warm and cold) of the dstack in DIR (e.g. the main branch's build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine

store=${BENCH_STORE:-local}
publish_dstack
bench_repo
endpoint=http://127.0.0.1:7480
if [ "$store" = s3 ]; then
  scripts_dir=$OLDPWD/scripts
  "$scripts_dir/s3-up.sh" >/dev/null
  export AWS_ACCESS_KEY_ID=CIACCESSKEY AWS_SECRET_ACCESS_KEY=CISECRETKEY AWS_DEFAULT_REGION=us-east-1
  bucket="bench-scale-$(date +%s%N)"
  aws --endpoint-url $endpoint s3 mb "s3://$bucket" >/dev/null
  # The test server keeps objects in memory: the bucket goes at the end.
  trap 'aws --endpoint-url $endpoint s3 rb --force "s3://$bucket" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  "$bin/dstack" config --backend s3 --bucket "$bucket" --endpoint-url $endpoint -y >/dev/null
fi
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
if [ "$store" = s3 ]; then
python3 - "$bucket" "$endpoint" "$runs" <<'PY'
# Copies of the oldest run under new names: only the records ps and deps read (run.json, each job's state).
import sys, boto3, concurrent.futures as cf
bucket, endpoint, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
s3 = boto3.client("s3", endpoint_url=endpoint)
keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="repos/") for o in p.get("Contents", [])]
runs = sorted({k.split("/")[4] for k in keys if k.split("/")[3] == "runs"})
prefix = next(k for k in keys if k.endswith(f"/{runs[0]}/run.json"))[:-len(f"{runs[0]}/run.json")]
template = {k[len(prefix) + len(runs[0]) + 1:]: s3.get_object(Bucket=bucket, Key=k)["Body"].read()
            for k in keys if k.startswith(prefix + runs[0] + "/") and (k.endswith("/run.json") or k.endswith("/state.json"))}
def copy(i):
    name = f"copy-{i:05d}"
    for rest, body in template.items():
        if rest == "run.json": body = body.replace(f'"{runs[0]}"'.encode(), f'"{name}"'.encode())
        s3.put_object(Bucket=bucket, Key=f"{prefix}{name}/{rest}", Body=body)
with cf.ThreadPoolExecutor(32) as pool: list(pool.map(copy, range(total - len(runs))))
PY
else
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
fi
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
  ${BENCH_BASELINE:+-n "baseline: dstack ps -a ($runs runs, warm)" "$BENCH_BASELINE/dstack ps -a"} >/dev/null
hyperfine -N --warmup 1 --min-runs 10 --prepare "rm -rf $cache" --export-json "$json.cold" \
  -n "dstack ps -a ($runs runs, cold)" "$bin/dstack ps -a" \
  ${BENCH_BASELINE:+-n "baseline: dstack ps -a ($runs runs, cold)" "$BENCH_BASELINE/dstack ps -a"} >/dev/null

python3 "$OLDPWD/bench/table.py" "$OLDPWD/bench/results/scale$([ "$store" = s3 ] && echo -s3).md" "store: $store" "$json" "$json.cold"
