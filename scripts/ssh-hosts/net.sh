#!/usr/bin/env bash
# net.sh cut|restore N - takes host hN (from up.sh) off its network, or puts it back: for tests of a host that stops
# answering while what runs on it goes on (and cannot reach anything either). restore waits, at most 10 s, for its sshd.
#   SSH_HOSTS_NET=10.210.0
set -euo pipefail
NET=${SSH_HOSTS_NET:-10.210.0}
[[ $# == 2 && ( $1 == cut || $1 == restore ) && $2 =~ ^[0-9]+$ ]] || { echo "usage: $0 cut|restore N" >&2; exit 2; }
ns=ssh-h$2; ip=$NET.$((10 + $2))
if [[ $1 == cut ]]; then
  ip -n "$ns" link set eth0 down
else
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$NET.1"   # the link going down took the route with it
  for _ in $(seq 1 100); do timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null && exit 0; sleep 0.1; done
  echo "h$2: sshd not reachable 10 s after the network came back" >&2; exit 1
fi
