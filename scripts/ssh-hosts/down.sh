#!/usr/bin/env bash
# From shared/infra/ssh-hosts (a tested recipe; README there), copied unchanged into the repo for the SSH tests.
# down.sh - undo up.sh: close ControlMaster connections, stop every process inside the hosts'
# network namespaces (sshd and whatever was started over ssh) by PID, delete the namespaces,
# bridge, iptables rules and /etc/hosts block.
#   SSH_HOSTS_ROOT=/tmp/ssh-hosts  SSH_HOSTS_BRIDGE=sshbr0
#   SSH_HOSTS_PURGE=0   1: also delete $SSH_HOSTS_ROOT (keys, logs, homes) and the user
#   SSH_HOSTS_USER=runner (only used with SSH_HOSTS_PURGE=1)
set -uo pipefail
R=${SSH_HOSTS_ROOT:-/tmp/ssh-hosts}
BR=${SSH_HOSTS_BRIDGE:-sshbr0}
U=${SSH_HOSTS_USER:-runner}
PURGE=${SSH_HOSTS_PURGE:-0}
log() { echo "[ssh-hosts down] $*"; }
alive() {  # alive PID: exists and is not a zombie (PID 1 here reaps late)
  local st
  [[ -r /proc/$1/status ]] || return 1
  st=$(awk '/^State:/{print $2}' /proc/$1/status 2>/dev/null) || return 1
  [[ "$st" != Z && "$st" != X ]]
}

# 1. ControlMaster processes run on this machine (client side) for up to ControlPersist seconds
if [[ -r "$R/ssh_config" ]]; then
  for h in $(awk '/^Host h[0-9]+$/{print $2}' "$R/ssh_config"); do
    ssh -F "$R/ssh_config" -O exit "$h" >/dev/null 2>&1 && log "closed ControlMaster for $h"
  done
fi

# 2. every process in our namespaces (sshd listener, sessions, torchrun, ...), TERM then KILL
nss=$(ip netns list 2>/dev/null | awk '$1 ~ /^ssh-h[0-9]+$/{print $1}')
pids=""
for ns in $nss; do pids+=" $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"; done
pids=$(echo $pids)
if [[ -n "$pids" ]]; then
  log "stopping pids: $pids"
  kill -TERM $pids 2>/dev/null
  for _ in $(seq 1 30); do
    left=""; for p in $pids; do alive "$p" && left+=" $p"; done
    [[ -z "$left" ]] && break; sleep 0.1
  done
  [[ -n "${left:-}" ]] && { log "SIGKILL:$left"; kill -KILL $left 2>/dev/null; }
fi
rm -f "$R"/h*/host.pid

# 3. network
for ns in $nss; do ip netns delete "$ns" && log "deleted netns $ns"; done   # also removes the veth pair
if ip link show "$BR" >/dev/null 2>&1; then ip link delete "$BR" && log "deleted bridge $BR"; fi
for t in filter nat; do     # every rule that names our bridge (FORWARD accept, PREROUTING DNAT)
  iptables -t "$t" -S 2>/dev/null | grep -E -- "-i $BR( |$)" | sed 's/^-A /-D /' | while read -r rule; do
    eval "iptables -t $t $rule" && log "iptables -t $t $rule"
  done
done
source "$(dirname "${BASH_SOURCE[0]}")/../etc-hosts.sh"
set_hosts_block ssh-test-hosts </dev/null
rm -f "$R"/cm/* 2>/dev/null

if [[ "$PURGE" == 1 ]]; then
  rm -rf "${R:?}"
  if id "$U" >/dev/null 2>&1; then userdel -r "$U" 2>/dev/null || userdel "$U"; log "deleted user $U"; fi
  log "purged $R"
fi
log "done"
