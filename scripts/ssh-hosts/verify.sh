#!/usr/bin/env bash
# From shared/infra/ssh-hosts (a tested recipe; README there), copied unchanged into the repo for the SSH tests.
# verify.sh - check the hosts made by up.sh; prints 'N passed, N failed'.
#   VERIFY_TORCH=1 (default if /usr/bin/python3 has torch): 2-host torchrun gloo all_reduce over ssh
#   VERIFY_S3=1    (default): signed S3 round trip from h1 via $SSH_HOSTS_S3_ENDPOINT (temp bucket)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
R=${SSH_HOSTS_ROOT:-/tmp/ssh-hosts}
source "$R/env"
C=$SSH_HOSTS_CONFIG
TORCH_DIR=${TORCH_DIR:-$HERE/../torch}
PASS=0; FAIL=0
ok()  { PASS=$((PASS + 1)); echo "PASS  $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL  $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
ms() { local t0=${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1; echo $(( (${EPOCHREALTIME/./} - t0) / 1000 )); }
stats() { sort -n | awk '{a[NR]=$1; s+=$1} END {printf "min %d / median %d / max %d ms (n=%d)", a[1], a[int((NR+1)/2)], a[NR], NR}'; }
read -r -a HOSTS <<<"$SSH_HOSTS_NAMES"
H1=${HOSTS[0]}; H2=${HOSTS[1]:-}

# 1. login, hostname, user, address, key-only
for h in "${HOSTS[@]}"; do
  out=$(ssh -F "$C" "$h" 'echo "$(hostname) $(id -un) $(ip -4 -o addr show eth0 | awk "{print \$4}")"' 2>&1)
  check "ssh $h -> '$out'" [ "${out%% *}" = "$h" ]
done
check "server offers publickey only" bash -c "ssh -F '$C' -o ControlPath=none -o PubkeyAuthentication=no $H1 true 2>&1 | grep -q 'Permission denied (publickey)'"
check "root login refused" bash -c "! ssh -F '$C' -o ControlPath=none -l root $H1 true 2>/dev/null"
check "unknown host key rejected (StrictHostKeyChecking)" bash -c "! ssh -F '$C' -o ControlPath=none -o UserKnownHostsFile=/dev/null $H1 true 2>/dev/null"

# 2. isolation: private home and process list
if [[ -n "$H2" ]]; then
  ssh -F "$C" "$H1" 'echo h1-only >~/verify-marker'
  check "home is per host (file written on $H1 not on $H2)" bash -c "! ssh -F '$C' $H2 'test -e ~/verify-marker'"
  ssh -F "$C" "$H1" 'rm -f ~/verify-marker'
  check "process list is per host (PID 1 is sshd)" bash -c "ssh -F '$C' $H2 'ps -o comm= -p 1' | grep -qx sshd"
  check "$H2 reaches $H1:22 (host <-> host)" ssh -F "$C" "$H2" "python3 -c 'import socket; socket.create_connection((\"$H1\", 22), 2)'"
fi

# 3. timings
ssh -F "$C" -O exit "$H1" >/dev/null 2>&1; sleep 0.2
first=$(ms ssh -F "$C" "$H1" true)
echo "      ssh $H1 true, first connection (opens ControlMaster): $first ms"
echo "      ssh $H1 true, multiplexed (ControlMaster):  $(for _ in $(seq 10); do ms ssh -F "$C" "$H1" true; done | stats)"
echo "      ssh $H1 true, no ControlMaster:            $(for _ in $(seq 10); do ms ssh -F "$C" -o ControlMaster=no -o ControlPath=none "$H1" true; done | stats)"
t=$(ms scp -F "$C" "$0" "$H1":/tmp/verify-scp.$$); ssh -F "$C" "$H1" "rm -f /tmp/verify-scp.$$"
echo "      scp a small file (multiplexed): $t ms"

# 4. S3 from a host (machine's 127.0.0.1:7480 via the gateway DNAT)
if [[ "${VERIFY_S3:-1}" == 1 && -n "${SSH_HOSTS_S3_ENDPOINT:-}" ]]; then
  scp -q -F "$C" "$HERE/s3probe.py" "$H1":
  check "S3 ListBuckets (SigV4) from $H1 via $SSH_HOSTS_S3_ENDPOINT" ssh -F "$C" "$H1" "./s3probe.py $SSH_HOSTS_S3_ENDPOINT ls >/dev/null"
  b=ssh-hosts-verify-$$-$RANDOM
  ssh -F "$C" "$H1" "./s3probe.py $SSH_HOSTS_S3_ENDPOINT mb $b && ./s3probe.py $SSH_HOSTS_S3_ENDPOINT put $b k hello-from-$H1" >/dev/null
  check "object put from $H1 is readable on the machine at 127.0.0.1:7480" bash -c "'$HERE/s3probe.py' http://127.0.0.1:7480 get $b k | grep -q hello-from-$H1"
  "$HERE/s3probe.py" http://127.0.0.1:7480 rm "$b" k >/dev/null; "$HERE/s3probe.py" http://127.0.0.1:7480 rb "$b" >/dev/null
  code=$(ssh -F "$C" "$H1" "curl -s -m 2 -o /dev/null -w %{http_code} http://127.0.0.1:7480/ || true")
  echo "      inside $H1, http://127.0.0.1:7480 -> ${code} (000 = refused, unless SSH_HOSTS_MIRROR_LOOPBACK=1)"
fi

# 5. torchrun across two hosts, one agent per host, gloo all_reduce
if [[ -n "$H2" && "${VERIFY_TORCH:-auto}" != 0 ]] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  for h in "$H1" "$H2"; do scp -q -F "$C" "$TORCH_DIR/allreduce.py" "$TORCH_DIR/torchrun-node.sh" "$h": ; done
  D=$(mktemp -d); t0=${EPOCHREALTIME/./}; port=$((29500 + RANDOM % 1000))
  for r in 0 1; do
    ssh -F "$C" "${HOSTS[$r]}" "MASTER_ADDR=$H1 MASTER_PORT=$port NNODES=2 NODE_RANK=$r TORCHRUN_LOG_DIR=\$HOME/torchrun-logs ./torchrun-node.sh ./allreduce.py" >"$D/$r.out" 2>&1 &
  done
  wait
  dt=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
  grep -h '^RESULT' "$D"/*.out | cut -c1-150 | sed 's/^/      /'
  n=$(cat "$D"/*.out | grep -c '^RESULT rank=[01]/2 .* OK ')
  check "torchrun 2 hosts: all_reduce correct on both ranks ($n/2 OK, ${dt} ms)" [ "$n" = 2 ]
  check "ranks ran on $H1 and $H2" grep -q "nodes=$H1,$H2" "$D/0.out"
  rm -rf "$D"
else
  echo "      torchrun test skipped (needs 2 hosts and /usr/bin/python3 with torch: apt-get install python3-torch)"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
