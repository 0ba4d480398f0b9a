#!/usr/bin/env bash
# From shared/infra/ssh-hosts (a tested recipe; README there), copied into the repo for the SSH tests; changed since:
# sshd is no longer the hosts' PID 1, so that sshd.sh can stop and start it with the host up.
# up.sh - N throw-away "SSH hosts" on this machine. Each host is a network namespace with its own
# IP, plus its own hostname (UTS namespace), home directory (mount namespace), process list (PID
# namespace) and sshd: key-only auth for one non-root user whose login shell is /bin/sh. Writes an
# ssh client config (Host h1 .. hN), known_hosts, an env file and hosts.json. Idempotent: a second
# run only starts what is missing (and SIGHUPs an sshd whose config changed).
#
# Knobs (environment):
#   SSH_HOSTS_N=2                    hosts h1..hN
#   SSH_HOSTS_ROOT=/tmp/ssh-hosts    keys, configs, logs, per-host homes
#   SSH_HOSTS_NET=10.210.0           bridge = .1 (the hosts' gateway), host i = .(10+i)
#   SSH_HOSTS_BRIDGE=sshbr0
#   SSH_HOSTS_USER=runner            created if missing; password field '*' (no password login)
#   SSH_HOSTS_SHELL=/bin/sh          dash: a command over ssh starts in ms (root's bash rc ~1 s)
#   SSH_HOSTS_PRIVATE_HOME=1         1: each host sees its own $ROOT/hN/home as /home/$USER
#                                    0: all hosts share the real /home/$USER (like NFS)
#   SSH_HOSTS_FORWARD_PORTS=7480     TCP ports listening on the machine's 127.0.0.1 that the hosts
#                                    reach at $NET.1:PORT (iptables DNAT + route_localnet on the
#                                    bridge). 7480 = Ceph RGW S3. Space separated; empty = none.
#   SSH_HOSTS_MIRROR_LOOPBACK=0      1: inside every host, 127.0.0.1:PORT (PORT in FORWARD_PORTS) also
#                                    reaches the machine's service (default 0: like a real remote
#                                    host, the S3 endpoint for the hosts is http://$NET.1:7480)
#   SSH_HOSTS_CONTROL_PERSIST=60     ControlPersist seconds written into the ssh config
set -euo pipefail

N=${SSH_HOSTS_N:-2}
R=${SSH_HOSTS_ROOT:-/tmp/ssh-hosts}
NET=${SSH_HOSTS_NET:-10.210.0}
BR=${SSH_HOSTS_BRIDGE:-sshbr0}
U=${SSH_HOSTS_USER:-runner}
USHELL=${SSH_HOSTS_SHELL:-/bin/sh}
PRIVATE_HOME=${SSH_HOSTS_PRIVATE_HOME:-1}
FWD_PORTS=${SSH_HOSTS_FORWARD_PORTS-7480}
MIRROR_LO=${SSH_HOSTS_MIRROR_LOOPBACK:-0}
PERSIST=${SSH_HOSTS_CONTROL_PERSIST:-60}
GW=$NET.1

T_START=${EPOCHREALTIME/./}
log() { local d=$(( ${EPOCHREALTIME/./} - T_START )); printf '[ssh-hosts up %3d.%02ds] %s\n' $((d / 1000000)) $((d % 1000000 / 10000)) "$*"; }
die() { log "ERROR: $*"; exit 1; }
# alive PID COMM: exists, not a zombie (PID 1 here reaps late), expected command name
alive() {
  local pid=$1 comm=$2 st
  [[ -n "$pid" && -r /proc/$pid/status ]] || return 1
  st=$(awk '/^State:/{print $2}' /proc/$pid/status 2>/dev/null) || return 1
  [[ "$st" != Z && "$st" != X ]] || return 1
  [[ "$(cat /proc/$pid/comm 2>/dev/null)" == "$comm" ]]
}
alive_pidfile() { [[ -s "$1" ]] && alive "$(cat "$1")" "$2"; }

[[ $(id -u) == 0 ]] || die "must run as root"
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 && "$N" -le 200 ]] || die "SSH_HOSTS_N must be 1..200"

# ---------------------------------------------------------------- 1. packages
missing=()
for p in openssh-server openssh-client iproute2 iptables util-linux jq; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >/tmp/ssh-hosts-apt.log 2>&1 || { tail -20 /tmp/ssh-hosts-apt.log; die "apt-get install failed"; }
  log "packages installed"
fi

# ---------------------------------------------------------------- 2. user, keys, homes
if ! id "$U" >/dev/null 2>&1; then
  useradd -m -s "$USHELL" "$U"
  log "user $U created"
fi
[[ "$(getent passwd "$U" | cut -d: -f7)" == "$USHELL" ]] || usermod -s "$USHELL" "$U"
# useradd leaves '!' (locked); sshd with UsePAM no refuses locked accounts even for key auth
[[ "$(getent shadow "$U" | cut -d: -f2)" == '*' ]] || usermod -p '*' "$U"
UHOME=$(getent passwd "$U" | cut -d: -f6)
install -d -o "$U" -g "$U" -m 0755 "$UHOME"
install -d -m 0755 "$R"
install -d -m 0700 "$R/cm"                      # ControlMaster sockets (short path: 108-byte limit)
install -d -m 0755 /run/sshd                    # sshd privilege separation dir
[[ -s "$R/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C "ssh-hosts client key" -f "$R/id_ed25519"
PUB=$(cat "$R/id_ed25519.pub")

home_of() { if [[ "$PRIVATE_HOME" == 1 ]]; then echo "$R/h$1/home"; else echo "$UHOME"; fi; }
for i in $(seq 1 "$N"); do
  d=$R/h$i; install -d -m 0755 "$d"
  [[ -s "$d/ssh_host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "$d/ssh_host_ed25519_key"
  h=$(home_of "$i")
  install -d -o "$U" -g "$U" -m 0755 "$h"
  install -d -o "$U" -g "$U" -m 0700 "$h/.ssh"
  if ! grep -qxF "$PUB" "$h/.ssh/authorized_keys" 2>/dev/null; then
    echo "$PUB" >>"$h/.ssh/authorized_keys"
  fi
  chown "$U:$U" "$h/.ssh/authorized_keys"; chmod 0600 "$h/.ssh/authorized_keys"
done

# ---------------------------------------------------------------- 3. network
ip link show "$BR" >/dev/null 2>&1 || ip link add "$BR" type bridge
# (never 'ip ... | grep -q' under pipefail: grep exits at the first match, ip may die of SIGPIPE
# with status 141, and the '||' branch then fails with "Address already assigned")
[[ "$(ip -4 addr show dev "$BR")" == *" $GW/24 "* ]] || ip addr add "$GW/24" dev "$BR"
ip link set "$BR" up
for i in $(seq 1 "$N"); do
  ns=ssh-h$i
  [[ -e /run/netns/$ns ]] || ip netns add "$ns"
  if ! ip link show "vssh$i" >/dev/null 2>&1; then
    ip link add "vssh$i" type veth peer name eth0 netns "$ns"
  fi
  [[ "$(ip -n "$ns" -4 addr show dev eth0)" == *" $NET.$((10 + i))/24 "* ]] || ip -n "$ns" addr add "$NET.$((10 + i))/24" dev eth0
  ip link set "vssh$i" master "$BR" up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$GW"
done
# Docker leaves FORWARD policy DROP and br_netfilter passes bridged frames through it:
# without this, h1 <-> h2 traffic is dropped (host <-> hN is INPUT/OUTPUT and works anyway).
iptables -C FORWARD -i "$BR" -o "$BR" -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -i "$BR" -o "$BR" -j ACCEPT
# Machine-loopback services (RGW binds 127.0.0.1:7480 only) at $GW:PORT for the hosts.
# DNAT to 127.0.0.1 needs route_localnet on the incoming interface, else the kernel drops the
# packet as a martian.
if [[ -n "${FWD_PORTS// /}" ]]; then
  sysctl -qw "net.ipv4.conf.$BR.route_localnet=1"
  for p in $FWD_PORTS; do
    rule=(PREROUTING -i "$BR" -d "$GW" -p tcp --dport "$p" -j DNAT --to-destination "127.0.0.1:$p")
    iptables -t nat -C "${rule[@]}" 2>/dev/null || iptables -t nat -I "${rule[@]:0:1}" 1 "${rule[@]:1}"
  done
fi
# names for every host (and for the hosts themselves: gloo resolves `hostname`)
source "$(dirname "${BASH_SOURCE[0]}")/../etc-hosts.sh"
for i in $(seq 1 "$N"); do echo "$NET.$((10 + i)) h$i"; done | set_hosts_block ssh-test-hosts

# ---------------------------------------------------------------- 4. sshd per host
# Each host = netns (nsenter --net; 'ip netns exec' would also remount /sys) + UTS namespace (own
# hostname) + mount namespace (private home; unshare makes its mounts private, so nothing leaks
# to the machine) + PID namespace (ps/pkill/kill on a host only see that host; its PID 1 is a
# shell running sshd -D, and killing the unshare process ends everything on that host). $d/host.pid holds the PID of the
# `unshare` process that waits for it (seen from the machine).
for i in $(seq 1 "$N"); do
  d=$R/h$i; ns=ssh-h$i; ip=$NET.$((10 + i))
  cat >"$d/sshd_config.new" <<EOC
# generated by ssh-hosts/up.sh for h$i
Port 22
ListenAddress $ip
HostKey $d/ssh_host_ed25519_key
PidFile none
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $U
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding yes
AcceptEnv LANG LC_*
MaxStartups 100:30:200
MaxSessions 100
LoginGraceTime 20
Subsystem sftp internal-sftp
LogLevel INFO
EOC
  changed=0
  if ! cmp -s "$d/sshd_config.new" "$d/sshd_config"; then mv "$d/sshd_config.new" "$d/sshd_config"; changed=1; else rm -f "$d/sshd_config.new"; fi
  /usr/sbin/sshd -t -f "$d/sshd_config" || die "sshd -t failed for h$i"
  if alive_pidfile "$d/host.pid" unshare; then
    if ((changed)); then      # SIGHUP: sshd re-execs itself and reads the new config
      spid=$(cat /proc/"$(cat "$d/host.pid")"/task/*/children 2>/dev/null | awk '{print $1}')
      # (a host started by this version: its PID 1 is the shell above, and sshd that shell's child)
      if [[ -n "$spid" && "$(cat /proc/"$spid"/comm 2>/dev/null)" == sh ]]; then
        spid=$(cat /proc/"$spid"/task/*/children 2>/dev/null | tr ' ' '\n' | while read -r c; do
          [[ -n "$c" && "$(cat /proc/"$c"/comm 2>/dev/null)" == sshd ]] && echo "$c"; done | head -1)
      fi
      [[ -n "$spid" ]] && kill -HUP "$spid" && log "h$i: sshd config changed, SIGHUP $spid"
    fi
    continue
  fi
  h=$(home_of "$i")
  # setsid: own session, so a caller that kills its process group does not take the host down.
  # setsid/nsenter exec, so $! is the unshare process; --kill-child: if it dies, sshd gets SIGKILL.
  # PID 1 is a shell that (re)starts sshd whenever it ends, unless $d/sshd.down exists: sshd.sh stops and starts a
  # host's sshd with the host (and what runs on it) up. It reaps whatever ends on the host (dash waits for any child).
  rm -f "$d/sshd.down"
  setsid nsenter --net="/run/netns/$ns" unshare --uts --mount --pid --fork --mount-proc --kill-child -- \
    /bin/sh -c 'hostname "$1"
      if [ "$2" != "$3" ]; then mount --bind "$2" "$3"; fi
      while :; do
        [ -e "$6" ] || /usr/sbin/sshd -D -f "$4" -E "$5"
        sleep 0.1
      done' sh "h$i" "$h" "$UHOME" "$d/sshd_config" "$d/sshd.log" "$d/sshd.down" \
    </dev/null >>"$d/host.log" 2>&1 &
  hpid=$!; echo "$hpid" >"$d/host.pid"
  for _ in $(seq 1 100); do      # (comm is setsid/nsenter for a moment before it becomes unshare)
    timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null && break
    [[ -r /proc/$hpid/status && "$(awk '/^State:/{print $2}' /proc/$hpid/status)" != Z ]] || break
    sleep 0.05
  done
  timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null || { tail -n 5 "$d/host.log" "$d/sshd.log"; die "sshd for h$i did not start"; }
  log "h$i: sshd on $ip:22 (netns $ns, host pid $(cat "$d/host.pid"))"
done

# Optional: make 127.0.0.1:PORT *inside* every host reach the machine's 127.0.0.1:PORT too, for
# PORT in SSH_HOSTS_FORWARD_PORTS (same endpoint URL on the machine and on the hosts). Locally
# generated packets to 127.0.0.1 are DNATed to the gateway, allowed out through eth0 with
# route_localnet, and SNATed to the host's address; the machine then applies the DNAT above.
if [[ "$MIRROR_LO" == 1 && -n "${FWD_PORTS// /}" ]]; then
  for i in $(seq 1 "$N"); do
    nsenter --net="/run/netns/ssh-h$i" /bin/bash -c '
      set -e; sysctl -qw net.ipv4.conf.eth0.route_localnet=1
      for p in $1; do
        iptables -t nat -C OUTPUT -d 127.0.0.1/32 -p tcp --dport "$p" -j DNAT --to-destination "$2:$p" 2>/dev/null ||
          iptables -t nat -A OUTPUT -d 127.0.0.1/32 -p tcp --dport "$p" -j DNAT --to-destination "$2:$p"
      done
      iptables -t nat -C POSTROUTING -s 127.0.0.0/8 -o eth0 -j SNAT --to-source "$3" 2>/dev/null ||
        iptables -t nat -A POSTROUTING -s 127.0.0.0/8 -o eth0 -j SNAT --to-source "$3"' \
      _ "$FWD_PORTS" "$GW" "$NET.$((10 + i))"
  done
else   # undo an earlier SSH_HOSTS_MIRROR_LOOPBACK=1 (the hosts' own nat tables hold only these rules)
  for i in $(seq 1 "$N"); do
    if [[ "$(nsenter --net="/run/netns/ssh-h$i" iptables -t nat -S 2>/dev/null)" == *"-j DNAT"* ]]; then
      nsenter --net="/run/netns/ssh-h$i" bash -c 'iptables -t nat -F; sysctl -qw net.ipv4.conf.eth0.route_localnet=0'
      log "h$i: loopback mirror removed"
    fi
  done
fi

# ---------------------------------------------------------------- 5. client side files
{
  for i in $(seq 1 "$N"); do
    printf '%s %s\n' "h$i,$NET.$((10 + i))" "$(cut -d' ' -f1-2 "$R/h$i/ssh_host_ed25519_key.pub")"
  done
} >"$R/known_hosts"
names=$(for i in $(seq 1 "$N"); do printf 'h%s ' "$i"; done); names=${names% }
{
  echo "# generated by ssh-hosts/up.sh: ssh -F $R/ssh_config h1 hostname"
  for i in $(seq 1 "$N"); do printf 'Host h%s\n  HostName %s\n' "$i" "$NET.$((10 + i))"; done
  cat <<EOC
Host $names
  User $U
  Port 22
  IdentityFile $R/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $R/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  CheckHostIP no
  BatchMode yes
  ConnectTimeout 5
  ControlMaster auto
  ControlPath $R/cm/%C
  ControlPersist $PERSIST
  ServerAliveInterval 5
  ServerAliveCountMax 3
  LogLevel ERROR
EOC
} >"$R/ssh_config"
chmod 0644 "$R/ssh_config" "$R/known_hosts"
S3=""; for p in $FWD_PORTS; do [[ "$p" == 7480 ]] && S3="http://$GW:7480"; done
cat >"$R/env" <<EOF
export SSH_HOSTS_CONFIG=$R/ssh_config
export SSH_HOSTS_NAMES="$names"
export SSH_HOSTS_ADDRS="$(for i in $(seq 1 "$N"); do printf '%s ' "$NET.$((10 + i))"; done | sed 's/ $//')"
export SSH_HOSTS_USER=$U
export SSH_HOSTS_PORT=22
export SSH_HOSTS_KEY=$R/id_ed25519
export SSH_HOSTS_KNOWN_HOSTS=$R/known_hosts
export SSH_HOSTS_GATEWAY=$GW
export SSH_HOSTS_FORWARD_PORTS="$FWD_PORTS"
export SSH_HOSTS_S3_ENDPOINT=$S3
EOF
for i in $(seq 1 "$N"); do
  jq -n --arg name "h$i" --arg addr "$NET.$((10 + i))" --arg user "$U" --arg key "$R/id_ed25519" \
     --arg hostkey "$(cut -d' ' -f1-2 "$R/h$i/ssh_host_ed25519_key.pub")" \
     --arg fp "$(ssh-keygen -l -E sha256 -f "$R/h$i/ssh_host_ed25519_key.pub" | awk '{print $2}')" \
     --arg netns "ssh-h$i" --argjson pid "$(cat "$R/h$i/host.pid")" \
     '{name: $name, address: $addr, port: 22, user: $user, identityFile: $key, hostKey: $hostkey,
       hostKeySha256: $fp, netns: $netns, hostPid: $pid}'
done | jq -s --arg gw "$GW" --arg s3 "$S3" '{gateway: $gw, s3Endpoint: $s3, hosts: .}' >"$R/hosts.json"
log "up: $names; ssh -F $R/ssh_config h1 hostname; env in $R/env"
