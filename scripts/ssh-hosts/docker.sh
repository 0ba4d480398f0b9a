#!/usr/bin/env bash
# docker.sh N... - gives SSH hosts hN (from up.sh) a Docker daemon of their own, for the tests of images on SSH hosts.
# The machine's dockerd cannot serve them: its containers would live in the machine's network and mount namespaces, so
# a `--network host` container of h1 would listen on the machine's interfaces, not on h1's address, and a bind mount of
# h1's home would be the machine's /home. So each host gets a dockerd started inside its own namespaces (net, mount,
# UTS, PID: it ends with the host), data under $ROOT/hN/docker, its socket bind-mounted over /run/docker.sock in the
# host's private mount namespace (the machine's socket is untouched) and owned by the SSH user's group, and the image
# local/busybox:1 copied from the machine's daemon (scripts/docker-up.sh builds it). Without iptables rules: up.sh owns
# the hosts' nat tables; published ports go through docker-proxy. Idempotent: a host whose daemon answers is left as is.
#   SSH_HOSTS_ROOT=/tmp/ssh-hosts  SSH_HOSTS_USER=runner
set -euo pipefail
R=${SSH_HOSTS_ROOT:-/tmp/ssh-hosts}
U=${SSH_HOSTS_USER:-runner}
IMAGE=local/busybox:1
[[ $# -ge 1 ]] || { echo "usage: $0 N... (hosts hN to give a Docker daemon)" >&2; exit 2; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || "$(dirname "${BASH_SOURCE[0]}")/../docker-up.sh" >/dev/null

for n in "$@"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "usage: $0 N... (hosts hN to give a Docker daemon)" >&2; exit 2; }
  d=$R/h$n; dd=$d/docker; sock=$dd/docker.sock
  [[ -s "$d/host.pid" ]] || { echo "h$n is not up (no $d/host.pid): run up.sh" >&2; exit 1; }
  init=$(cat /proc/"$(cat "$d/host.pid")"/task/*/children 2>/dev/null | awk '{print $1}')
  [[ -n "$init" ]] || { echo "h$n: its PID 1 is gone: run down.sh, then up.sh" >&2; exit 1; }
  mkdir -p "$dd"
  if ! docker -H "unix://$sock" info >/dev/null 2>&1; then
    # The run-time state of a daemon of an earlier incarnation of this host (its namespaces are gone) names pids that
    # may exist in the new PID namespace: dockerd would refuse its pid file, and wait on a containerd that is not there.
    rm -rf "$sock" "$dd/dockerd.pid" "$dd/exec"
    setsid nsenter -t "$init" --net --mount --uts --pid -- dockerd --data-root "$dd/data" --exec-root "$dd/exec" \
      --pidfile "$dd/dockerd.pid" -H "unix://$sock" -G "$U" --iptables=false --ip6tables=false \
      --cgroup-parent "dstack-ssh-h$n" </dev/null >>"$dd/dockerd.log" 2>&1 &
    for _ in $(seq 1 120); do docker -H "unix://$sock" info >/dev/null 2>&1 && break; sleep 0.5; done
    docker -H "unix://$sock" info >/dev/null 2>&1 || { tail -n 20 "$dd/dockerd.log" >&2; echo "h$n: dockerd did not answer in 60 s" >&2; exit 1; }
  fi
  # The host's /run/docker.sock is its daemon's socket (same inode), in its mount namespace only.
  # (--pid too: the host's /proc is its PID namespace's, and mount needs /proc/self.) A bind of an earlier daemon's
  # socket, unlinked when it stopped, is replaced.
  if [[ "$(nsenter -t "$init" --mount --pid -- stat -c %i /run/docker.sock 2>/dev/null)" != "$(stat -c %i "$sock")" ]]; then
    nsenter -t "$init" --mount --pid -- sh -c 'while umount /run/docker.sock 2>/dev/null; do :; done
      [ -e /run/docker.sock ] || touch /run/docker.sock; mount --bind "$1" /run/docker.sock' sh "$sock"
  fi
  docker -H "unix://$sock" image inspect "$IMAGE" >/dev/null 2>&1 || docker save "$IMAGE" | docker -H "unix://$sock" load >/dev/null
  echo "h$n: Docker up (its own daemon, $sock), image $IMAGE ready"
done
