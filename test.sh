#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what the tests need, publishes the
# dstack binary the end-to-end tests drive, runs every test project, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v git >/dev/null || missing+=(git)
command -v setsid >/dev/null || missing+=(util-linux)
command -v python3 >/dev/null || missing+=(python3)
# Native AOT links the dstack executable with clang against zlib.
compgen -c clang | grep -qE '^clang(-[0-9]+)?$' || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
# Multi-node tests run real torchrun (Debian's CPU build of PyTorch, gloo backend).
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# A real S3 server (Ceph's RADOS Gateway) on loopback for the S3 store's tests, and Docker for containers.
scripts/s3-up.sh
scripts/docker-up.sh
# A real Slurm 22.05 cluster (nodes n1, n2 with fake GPUs) for the Slurm target's tests; idempotent, installs its packages.
scripts/slurm/slurm-up.sh
# A second, small cluster beside it in netns mode (nodes m1, m2 each in its own network namespace, 10.201.0.11-12; its own
# controller on port 6827, config in /etc/slurm-netns) for the multi-node test at the nodes' own addresses. Idempotent.
scripts/slurm/slurm-netns.sh up
# Throw-away sshd hosts h1, h2, h3 (network namespaces; they reach S3 at the bridge's address) for the SSH tests;
# h3 is the one tests break (sshd stopped, network cut) and restore. Idempotent, and installs openssh-server when it is
# missing; writes /tmp/ssh-hosts/hosts.json.
SSH_HOSTS_N=3 scripts/ssh-hosts/up.sh
# h2 as a login node of the Slurm cluster: the controller reached from its namespace, its ~/.dstack seen by the nodes.
scripts/ssh-hosts/slurm-login.sh
# h1 and h2 each with a Docker daemon of its own (in its namespaces; the machine's cannot serve them), for images there.
scripts/ssh-hosts/docker.sh 1 2
# Dev environments: Debian's Jupyter Notebook and chromium, code-server from npm (into /opt/dstack-test). Idempotent.
scripts/devenv-up.sh
# A dev environment in a container: local/jupyter:1 from the packages above, docker import (no registry); built once.
scripts/devenv-image.sh

dotnet publish src/Dstack.Cli -c Release -o out/test-bin --nologo -v quiet
export DSTACK_BIN="$PWD/out/test-bin/dstack"

log=$(mktemp)
status=0
dotnet test Dstack.slnx --nologo 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed"
rm -f "$log"
exit "$status"
