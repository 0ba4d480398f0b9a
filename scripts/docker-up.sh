#!/usr/bin/env bash
# Docker for the tests: installs Debian's docker.io and busybox-static when missing, starts dockerd when no
# daemon answers, and builds the local image `local/busybox:1` without any registry (busybox + docker import).
set -euo pipefail
if ! command -v dockerd >/dev/null || ! [ -x /bin/busybox ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io busybox-static >/dev/null
fi

log=/var/log/dstack-tests/dockerd.log
mkdir -p "$(dirname "$log")"

# Starts dockerd with the given flags and waits up to 60 s for it to answer; fails at once if it exits.
start_dockerd() {
  # /run is on disk here: a pid file left by a daemon of an earlier boot makes dockerd refuse to start
  # when that pid now belongs to another process.
  pgrep -x dockerd >/dev/null || rm -f /var/run/docker.pid
  pgrep -x containerd >/dev/null || rm -f /var/run/docker/containerd/containerd.pid
  echo "--- dockerd $* ($(date -u +%FT%TZ))" >>"$log"
  nohup dockerd "$@" >>"$log" 2>&1 &
  local pid=$! deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

if ! docker info >/dev/null 2>&1; then
  if ! start_dockerd; then
    echo "dockerd did not start with its defaults; the end of $log:" >&2
    tail -n 25 "$log" >&2
    # Without iptables and overlayfs dockerd needs nothing from the kernel beyond namespaces; published ports
    # still work through docker-proxy.
    echo "retrying with --iptables=false --storage-driver=vfs" >&2
    start_dockerd --iptables=false --storage-driver=vfs || {
      echo "dockerd did not start; the end of $log:" >&2
      tail -n 25 "$log" >&2
      exit 1
    }
  fi
fi

if ! docker image inspect local/busybox:1 >/dev/null 2>&1; then
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/"
  for applet in $("$root/bin/busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - local/busybox:1 >/dev/null
  rm -rf "$root"
fi
echo "Docker up; image local/busybox:1 ready"
