#!/usr/bin/env bash
# slurm-netns.sh up|down - a second, small test cluster beside the default one of slurm-up.sh, in netns mode: nodes m1, m2
# in network namespaces of their own (10.201.0.11, .12 on bridge slurmbr1), config in /etc/slurm-netns (every Slurm
# command needs SLURM_CONF=/etc/slurm-netns/slurm.conf), slurmctld on port 6827, no slurmrestd, state in
# /tmp/slurm-netns, /etc/hosts block slurm-netns-cluster. Nothing it touches is the default cluster's. Idempotent.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
export SLURM_ROOT=/tmp/slurm-netns SLURM_MODE=netns SLURM_CONF_DIR=/etc/slurm-netns SLURM_NODE_PREFIX=m \
  SLURM_HOSTS_BLOCK=slurm-netns-cluster SLURM_CTLD_PORT=6827 SLURM_WITH_REST=0 SLURM_CLUSTER=netnscluster \
  SLURM_BRIDGE=slurmbr1 SLURM_NET=10.201.0 SLURM_NODES=2
case "${1:-}" in
  up) exec "$here/slurm-up.sh" ;;
  down) exec "$here/slurm-down.sh" ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
