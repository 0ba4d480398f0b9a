# Shared by bench/scale.sh and bench/dashboard.sh (sourced, after `. bench/lib.sh` in the repository root): publishes
# dstack, then makes a repo with many runs (BENCH_RUNS, 10,000 by default) in a local store, or with BENCH_STORE=s3 in a
# new bucket of the Ceph RGW on loopback (removed on exit). Leaves $bin, $work, $repo (the current folder), $store,
# $runs and, for S3, $bucket and $endpoint; the repo's workflows are train, use (a workflow dep) and plain.
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
  at_exit 'aws --endpoint-url $endpoint s3 rb --force "s3://$bucket" >/dev/null 2>&1 || true'
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
