#!/usr/bin/env bash
# The S3 store against `aws s3 cp --recursive` and `rclone copy` to the same server (Ceph RGW on loopback),
# measured in the same run: uploading 1 x 512 MiB and 2,000 x 4 KiB folders; `dstack ps -a` with 1,000 runs
# in the bucket; `dstack logs -a` line latency.
# Usage: bench/s3.sh      (writes bench/results/s3.md and prints it)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
need=()
for tool in aws rclone hyperfine; do command -v $tool >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]/aws/awscli}" >/dev/null
fi
scripts/s3-up.sh >/dev/null
bin=$root/out/bench-bin
dotnet publish src/Dstack.Cli -c Release -o "$bin" --nologo -v quiet

export AWS_ACCESS_KEY_ID=CIACCESSKEY AWS_SECRET_ACCESS_KEY=CISECRETKEY AWS_DEFAULT_REGION=us-east-1 NO_COLOR=1
endpoint=http://127.0.0.1:7480
unset AWS_CA_BUNDLE  # rclone refuses it with a plain-HTTP endpoint
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Ceph RCLONE_CONFIG_BENCH_ENDPOINT=$endpoint \
       RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
work=$(mktemp -d -p "$root/out")
# The test server keeps objects in memory: every bucket made here is removed at the end.
cleanup() {
  for b in $(aws --endpoint-url $endpoint s3 ls | awk '{print $3}' | grep '^bench-'); do
    aws --endpoint-url $endpoint s3 rb --force "s3://$b" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/data/big" "$work/data/small"
head -c $(( ${BENCH_BIG_MIB:-512} << 20 )) /dev/urandom > "$work/data/big/weights.bin"
for i in $(seq 1 "${BENCH_SMALL_FILES:-2000}"); do head -c 4096 /dev/urandom > "$work/data/small/$i"; done

drop() { aws --endpoint-url $endpoint s3 rb --force "s3://$1" >/dev/null; }
bucket() { local b="bench-$(date +%s%N)"; aws --endpoint-url $endpoint s3 mb "s3://$b" >/dev/null; echo "$b"; }
home_for() { # a DSTACK_HOME configured for a new bucket
  local home=$work/home-$1
  DSTACK_HOME=$home "$bin/dstack" config --backend s3 --bucket "$1" --endpoint-url $endpoint -y >/dev/null; echo "$home"; }
seconds() { # the wall time of a command that must succeed
  local s=$(date +%s%N)
  "$@" >"$work/last.log" 2>&1 || { echo "failed: $*" >&2; cat "$work/last.log" >&2; exit 1; }
  awk "BEGIN { print ($(date +%s%N) - $s) / 1e9 }"; }

mkdir -p "$work/repo" && cd "$work/repo" && git init -q && git config user.name b && git config user.email b@e
rows=()
for set in big small; do
  for round in 1 2 3; do
    b=$(bucket); t_aws=$(seconds aws --endpoint-url $endpoint s3 cp --recursive "$work/data/$set" "s3://$b/$set"); drop "$b"
    b=$(bucket); t_rclone=$(seconds rclone copy --transfers 8 "$work/data/$set" "bench:$b/$set"); drop "$b"
    b=$(bucket); home=$(home_for "$b")
    find "$work/data/$set" -type f -exec touch {} +   # forget remembered hashes: hash for real
    t_dstack=$(DSTACK_HOME=$home seconds "$bin/dstack" tags add "t$round" -a "$work/data/$set"); drop "$b"
    rows+=("$set $t_aws $t_rclone $t_dstack")
  done
done

# ps -a with 1,000 runs: one real run, copied under 1,000 names.
b=$(bucket); home=$(home_for "$b")
mkdir -p .dstack && printf 'workflows:\n  - name: hello\n    provider: bash\n    commands: [echo hi]\n' > .dstack/workflows.yaml
git add -A && git commit -qm init
run=$(DSTACK_HOME=$home "$bin/dstack" run -d hello)
until DSTACK_HOME=$home "$bin/dstack" ps "$run" | grep -q Done; do sleep 0.2; done
repo=$(aws --endpoint-url $endpoint s3 ls "s3://$b/repos/local/" | awk '{print $2}' | tr -d /)
aws --endpoint-url $endpoint s3 cp --recursive "s3://$b/repos/local/$repo/runs/$run" "$work/run" >/dev/null
for i in $(seq 1 1000); do
  mkdir -p "$work/runs/copy-run-$i" && cp -r "$work/run/." "$work/runs/copy-run-$i/"
  sed -i "s/\"$run\"/\"copy-run-$i\"/" "$work/runs/copy-run-$i/run.json"
done
rclone copy --transfers 32 "$work/runs" "bench:$b/repos/local/$repo/runs" >/dev/null
DSTACK_HOME=$home hyperfine -N --warmup 1 --runs 5 --export-json "$work/ps.json" "$bin/dstack ps -a" >/dev/null

# Log latency: the job prints its clock every 200 ms; the reader notes when each line arrives.
printf 'workflows:\n  - name: tick\n    provider: bash\n    commands:\n      - for i in $(seq 1 25); do date +%%s.%%N; sleep 0.2; done\n' > .dstack/workflows.yaml
git add -A && git commit -qm tick
tick=$(DSTACK_HOME=$home "$bin/dstack" run -d tick)
DSTACK_HOME=$home "$bin/dstack" logs -a "$tick" | python3 -c '
import sys, time
lat = [time.time() - float(l) for l in sys.stdin if l.strip()]
lat = lat[3:]  # the first lines may predate the reader
print(f"{sum(lat)/len(lat)*1000:.0f} {max(lat)*1000:.0f}")' > "$work/latency"

python3 - "$root/bench/results/s3.md" "$work/ps.json" "$work/latency" "${rows[@]}" <<'PY'
import sys, json, os, statistics
out, ps, lat, rows = sys.argv[1], json.load(open(sys.argv[2]))["results"][0], open(sys.argv[3]).read().split(), sys.argv[4:]
by = {}
for r in rows:
    s, a, rc, d = r.split()
    by.setdefault(s, []).append((float(a), float(rc), float(d)))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"Machine: {os.cpu_count()} cores, {cpu}; S3: Ceph RGW on loopback", "",
         "| upload | aws s3 cp | rclone copy | dstack tags add -a | dstack ÷ aws | dstack ÷ rclone |", "|---|---|---|---|---|---|"]
names = {"big": "1 × 512 MiB", "small": "2,000 × 4 KiB"}
for s, v in by.items():
    a, r, d = (statistics.median(x[i] for x in v) for i in range(3))
    lines.append(f"| {names[s]} | {a:.2f} s | {r:.2f} s | {d:.2f} s | {d/a:.2f}× | {d/r:.2f}× |")
lines += ["", f"`dstack ps -a` with 1,000 runs in the bucket: {ps['mean']*1000:.0f} ms (± {ps['stddev']*1000:.0f})",
          f"`dstack logs -a` line latency: mean {lat[0]} ms, max {lat[1]} ms"]
text = "\n".join(lines) + "\n"
os.makedirs(os.path.dirname(out), exist_ok=True)
open(out, "w").write(text)
print(text)
PY
