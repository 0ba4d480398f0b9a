#!/usr/bin/env bash
# Docker for the tests: installs Debian's docker.io and busybox-static when missing, starts dockerd when no
# daemon answers, and builds the local image `local/busybox:1` without any registry (busybox + docker import).
set -euo pipefail
if ! command -v dockerd >/dev/null || ! [ -x /bin/busybox ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io busybox-static >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  mkdir -p /var/log/dstack-tests
  nohup dockerd >/var/log/dstack-tests/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dstack-tests/dockerd.log" >&2; exit 1; }
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
