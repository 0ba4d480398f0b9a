#!/usr/bin/env bash
# `dstack run hello --compute lab` (attached, S3 store, the runner on SSH host h1) against a plain
# `ssh h1 'echo hi > out.txt'` without multiplexing (a login per command), in one hyperfine run; also the same run on
# the local compute with the same S3 store, to show where the time goes. Then one DSTACK_TRACE=1 run of each dstack
# command (CLI stages, ssh round trips; the runner's own stages from its log on the host).
# Usage: bench/ssh.sh   BENCH_BIN: a built dstack's folder; BENCH_BASELINE: another build's folder, measured the same
#        way in the same run. Writes bench/results/ssh.md (table) and bench/results/ssh-trace.txt, and prints them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bench/lib.sh
need_hyperfine
command -v aws >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; }
scripts/s3-up.sh >/dev/null
scripts/ssh-hosts/up.sh >/dev/null
publish_dstack
export AWS_ACCESS_KEY_ID=CIACCESSKEY AWS_SECRET_ACCESS_KEY=CISECRETKEY AWS_DEFAULT_REGION=us-east-1
endpoint=http://127.0.0.1:7480
hosts_json=/tmp/ssh-hosts/hosts.json
ssh_config=/tmp/ssh-hosts/ssh_config
host_endpoint=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['s3Endpoint'])" $hosts_json)
s3() { aws --endpoint-url $endpoint s3 "$@"; }
bench_repo
trap 'for b in $(s3 ls | awk "{print \$3}" | grep "^bench-ssh-"); do s3 rb --force "s3://$b" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
cat > .dstack/workflows.yaml <<'YAML'
workflows:
  - name: hello
    provider: bash
    commands:
      - echo hi > out.txt
YAML
git add -A && git commit -qm init

builds=("now:$bin")
[ -n "${BENCH_BASELINE:-}" ] && builds+=("before:$BENCH_BASELINE")
# One DSTACK_HOME per build, each on its own bucket, with the target `lab` of h1 (its binary copied once, at `add`).
declare -A home
for build in "${builds[@]}"; do
  name=${build%%:*} dir=${build#*:}
  b="bench-ssh-$name-$(date +%s%N)"; s3 mb "s3://$b" >/dev/null
  home[$name]=$work/home-$name
  DSTACK_HOME=${home[$name]} "$dir/dstack" config --backend s3 --bucket "$b" --endpoint-url $endpoint -y >/dev/null
  DSTACK_HOME=${home[$name]} "$dir/dstack" config compute add lab --ssh h1 --ssh-config $ssh_config --store-endpoint "$host_endpoint" >/dev/null
  DSTACK_HOME=${home[$name]} "$dir/dstack" run hello --compute lab >/dev/null 2>&1  # a first run: nothing left to copy
done

json=$work/result.json
cmds=(-n "ssh h1 (no multiplexing)" "ssh -F $ssh_config -o ControlMaster=no -o ControlPath=none h1 'echo hi > out.txt'")
for build in "${builds[@]}"; do
  name=${build%%:*} dir=${build#*:}
  cmds+=(-n "$name: dstack run hello --compute lab" "env DSTACK_HOME=${home[$name]} $dir/dstack run hello --compute lab")
  cmds+=(-n "$name: dstack run hello (local compute, S3 store)" "env DSTACK_HOME=${home[$name]} $dir/dstack run hello")
done
hyperfine -N --warmup 2 --min-runs ${BENCH_MIN_RUNS:-15} --export-json "$json" "${cmds[@]}" >/dev/null
mkdir -p "$root/bench/results"
python3 "$root/bench/table.py" "$root/bench/results/ssh.md" "S3: Ceph RGW on loopback; SSH host h1: sshd in a network namespace on this machine" "$json"

# Where the time goes: the CLI's stages, then the runner's on the host (its log there, same clock).
trace=$root/bench/results/ssh-trace.txt
: > "$trace"
for build in "${builds[@]}"; do
  name=${build%%:*} dir=${build#*:}
  for compute in lab local; do
    echo "== $name: dstack run hello --compute $compute (DSTACK_TRACE=1)" >> "$trace"
    DSTACK_HOME=${home[$name]} DSTACK_TRACE=1 "$dir/dstack" run hello --compute $compute 2>&1 >/dev/null | grep '^\[' >> "$trace" || true
    if [ $compute = lab ]; then
      echo "-- the runner on h1 (its log)" >> "$trace"
      # The runner's last lines come after the CLI has exited: wait for them (5 s at most; a build without them waits that).
      ssh -F $ssh_config h1 'f=$(ls -t ~/.dstack/home/*/tmp/runners/*.log | head -1)
        for _ in $(seq 50); do grep -q "indexes updated" "$f" && break; sleep 0.1; done; grep "^\[" "$f" || true' >> "$trace" || true
    fi
  done
done
cat "$trace"
