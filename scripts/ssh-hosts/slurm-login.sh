#!/usr/bin/env bash
# Makes the SSH test host h2 a login node of the test Slurm cluster (idempotent; after ssh-hosts/up.sh and slurm-up.sh):
# - inside h2's network namespace, 127.0.0.1:6817 (slurm.conf's SlurmctldHost=localhost) reaches the machine's slurmctld
#   at the bridge's address (DNAT + SNAT, as up.sh's loopback mirror); munge's socket is a file the host shares;
# - the nodes (this machine's file system) see h2's private ~/.dstack at the same path, as a cluster's shared home would:
#   /home/$USER/.dstack is a link to it (nothing else of the user's home is shared).
# h1 stays a host that cannot reach the controller (SlurmLoginTests tests that error).
set -euo pipefail
R=${SSH_HOSTS_ROOT:-/tmp/ssh-hosts}
NET=${SSH_HOSTS_NET:-10.210.0}
U=${SSH_HOSTS_USER:-runner}
H=2
ns=/run/netns/ssh-h$H
[[ -e $ns ]] || { echo "slurm-login: $ns missing (run scripts/ssh-hosts/up.sh)" >&2; exit 1; }
ss -ltnH 'sport = :6817' | grep -qE '0\.0\.0\.0:6817|\*:6817' || { echo "slurm-login: slurmctld does not listen on all addresses :6817" >&2; exit 1; }
nsenter --net="$ns" /bin/bash -c '
  set -e; sysctl -qw net.ipv4.conf.eth0.route_localnet=1
  iptables -t nat -C OUTPUT -d 127.0.0.1/32 -p tcp --dport 6817 -j DNAT --to-destination "$1:6817" 2>/dev/null ||
    iptables -t nat -A OUTPUT -d 127.0.0.1/32 -p tcp --dport 6817 -j DNAT --to-destination "$1:6817"
  iptables -t nat -C POSTROUTING -s 127.0.0.0/8 -o eth0 -j SNAT --to-source "$2" 2>/dev/null ||
    iptables -t nat -A POSTROUTING -s 127.0.0.0/8 -o eth0 -j SNAT --to-source "$2"' _ "$NET.1" "$NET.$((10 + H))"
UHOME=$(getent passwd "$U" | cut -d: -f6)
install -d -o "$U" -g "$U" -m 0755 "$R/h$H/home/.dstack"
if [[ "$(readlink "$UHOME/.dstack" 2>/dev/null)" != "$R/h$H/home/.dstack" ]]; then
  [[ -e "$UHOME/.dstack" && ! -L "$UHOME/.dstack" ]] && { echo "slurm-login: $UHOME/.dstack exists and is not a link" >&2; exit 1; }
  ln -sfn "$R/h$H/home/.dstack" "$UHOME/.dstack"
fi
