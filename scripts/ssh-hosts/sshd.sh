#!/usr/bin/env bash
# sshd.sh stop|start N - stops or starts the sshd of host hN (from up.sh) while the host and what runs on it stay up:
# for tests of a host whose sshd is gone. stop: sshd and its sessions end, and the host's PID 1 no longer restarts it
# (until start); each waits, at most 10 s, until port 22 refuses or accepts connections.
#   SSH_HOSTS_ROOT=/tmp/ssh-hosts  SSH_HOSTS_NET=10.210.0
set -euo pipefail
R=${SSH_HOSTS_ROOT:-/tmp/ssh-hosts}
NET=${SSH_HOSTS_NET:-10.210.0}
[[ $# == 2 && ( $1 == stop || $1 == start ) && $2 =~ ^[0-9]+$ ]] || { echo "usage: $0 stop|start N" >&2; exit 2; }
d=$R/h$2; ip=$NET.$((10 + $2))
[[ -s "$d/host.pid" ]] || { echo "h$2 is not up (no $d/host.pid): run up.sh" >&2; exit 1; }
init=$(cat /proc/"$(cat "$d/host.pid")"/task/*/children 2>/dev/null | awk '{print $1}')
[[ -n "$init" && "$(cat /proc/"$init"/comm 2>/dev/null)" == sh ]] ||
  { echo "h$2 was started by an older up.sh (sshd is its PID 1): run down.sh, then up.sh" >&2; exit 1; }
listening() { timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null; }
wait_for() {  # wait_for up|down
  for _ in $(seq 1 100); do
    if listening; then [[ $1 == up ]] && return 0; else [[ $1 == down ]] && return 0; fi
    sleep 0.1
  done
  echo "h$2: sshd still not $1 after 10 s" >&2; exit 1
}
if [[ $1 == stop ]]; then
  touch "$d/sshd.down"
  # Every sshd process of this host only: same PID namespace as its PID 1.
  ns=$(readlink /proc/"$init"/ns/pid)
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/ns/pid" 2>/dev/null)" == "$ns" ]] || continue
    case "$(cat "$p/comm" 2>/dev/null)" in sshd|sshd-session|sshd-auth) kill -TERM "${p#/proc/}" 2>/dev/null || true;; esac
  done
  wait_for down
else
  rm -f "$d/sshd.down"
  wait_for up
fi
