#!/usr/bin/env bash
# Big repos on the S3 store (Ceph RGW on loopback): `dstack run` of a repo of N small files, first run and unchanged
# rerun, on S3 and on the local store, against `aws s3 sync` (first, then unchanged) and `aws s3 cp --recursive` of the
# same tree; then `dstack tags add -a` of those N files (already stored) and `dstack artifacts download` of the tag,
# against `aws s3 cp --recursive` up and down. One measurement each (a 20,000-file run takes minutes on a loaded machine).
# Usage: bench/s3big.sh   BENCH_SIZES="2000 20000" (default); BENCH_BIN: a built dstack's folder; BENCH_BASELINE: another
#        build's folder, measured the same way in the same run. Writes bench/results/s3big.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bench/lib.sh
command -v aws >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; }
scripts/s3-up.sh >/dev/null
publish_dstack
export AWS_ACCESS_KEY_ID=CIACCESSKEY AWS_SECRET_ACCESS_KEY=CISECRETKEY AWS_DEFAULT_REGION=us-east-1
endpoint=http://127.0.0.1:7480
s3() { aws --endpoint-url $endpoint s3 "$@"; }
bench_repo
# The test server keeps objects in memory: every bucket made here is removed at the end.
trap 'for b in $(s3 ls | awk "{print \$3}" | grep "^bench-big-"); do s3 rb --force "s3://$b" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
bucket() { local b="bench-big-$(date +%s%N)"; s3 mb "s3://$b" >/dev/null; echo "$b"; }
home_for() { # $1 binary folder, $2 bucket: a DSTACK_HOME configured for it
  local home=$work/home-$2
  DSTACK_HOME=$home "$1/dstack" config --backend s3 --bucket "$2" --endpoint-url $endpoint -y >/dev/null; echo "$home"; }
seconds() { # the wall time of a command that must succeed
  local s=$(date +%s%N)
  "$@" >"$work/last.log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$work/last.log" >&2; exit 1; }
  awk "BEGIN { printf \"%.2f\", ($(date +%s%N) - $s) / 1e9 }"; }

printf 'workflows:\n  - name: noop\n    provider: bash\n    commands: [ls data | wc -l]\n' > .dstack/workflows.yaml
builds=("now:$bin")
[ -n "${BENCH_BASELINE:-}" ] && builds+=("before:$BENCH_BASELINE")
rows=()
for n in ${BENCH_SIZES:-2000 20000}; do
  rm -rf data && mkdir data
  python3 -c "import os,sys
for i in range(int(sys.argv[1])): open(f'data/f{i:05d}.txt','wb').write(os.urandom(4096))" "$n"
  git add -A && git commit -qm "$n files"
  b=$(bucket); sync1=$(seconds s3 sync data "s3://$b/data"); sync2=$(seconds s3 sync data "s3://$b/data")
  down=$(seconds s3 cp --recursive "s3://$b/data" "$work/aws-down"); rm -rf "$work/aws-down"
  b=$(bucket); cp=$(seconds s3 cp --recursive data "s3://$b/data")
  for build in "${builds[@]}"; do
    name=${build%%:*} dir=${build#*:}
    export DSTACK_HOME=$work/home-local-$name-$n
    l1=$(seconds "$dir/dstack" run noop); l2=$(seconds "$dir/dstack" run noop)
    b=$(bucket); export DSTACK_HOME=$(home_for "$dir" "$b")
    r1=$(seconds "$dir/dstack" run noop); r2=$(seconds "$dir/dstack" run noop)
    t=$(seconds "$dir/dstack" tags add -y "t$n" -a data)
    d=$(seconds "$dir/dstack" artifacts download -o "$work/down-$name-$n" ":t$n"); rm -rf "$work/down-$name-$n"
    rows+=("$name $n $l1 $l2 $r1 $r2 $sync1 $sync2 $cp $t $d $down")
  done
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$root/bench/results/s3big.md" "$load" "${rows[@]}" <<'PY'
import sys, os
out, load, rows = sys.argv[1], sys.argv[2], [r.split() for r in sys.argv[3:]]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"Machine: {os.cpu_count()} cores, {cpu}; S3: Ceph RGW on loopback; load average at the end: {load}", "",
         "| build | files | local: run | local: rerun | S3: run | S3: rerun | S3 rerun ÷ local rerun | `aws s3 sync` | sync again | `aws s3 cp -r` up | S3 run ÷ sync |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
for name, n, l1, l2, r1, r2, s1, s2, cp, t, d, down in rows:
    f = float
    lines.append(f"| {name} | {int(n):,} | {l1} s | {l2} s | {r1} s | {r2} s | {f(r2)/f(l2):.2f}× | {s1} s | {s2} s | {cp} s | {f(r1)/f(s1):.2f}× |")
lines += ["", "| build | files | `tags add -a` (stored already) | ÷ `aws s3 cp -r` up | `artifacts download` | `aws s3 cp -r` down | ÷ aws |", "|---|---|---|---|---|---|---|"]
for name, n, l1, l2, r1, r2, s1, s2, cp, t, d, down in rows:
    f = float
    lines.append(f"| {name} | {int(n):,} | {t} s | {f(t)/f(cp):.2f}× | {d} s | {down} s | {f(d)/f(down):.2f}× |")
text = "\n".join(lines) + "\n"
os.makedirs(os.path.dirname(out), exist_ok=True)
open(out, "w").write(text)
print(text)
PY
