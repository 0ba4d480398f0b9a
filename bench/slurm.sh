#!/usr/bin/env bash
# Issue 12's Slurm benchmarks on the test cluster (scripts/slurm/slurm-up.sh), measured while holding the Slurm tests'
# lock (/tmp/dstack-tests-slurm.lock), so no test's jobs share the cluster with the measured ones.
# Usage: bench/slurm.sh hello   `dstack run hello --compute cluster` attached, invocation to exit, against a bare
#                               `sbatch --wait --wrap 'echo hi > out.txt'` on the same cluster (bench/results/slurm-hello.md)
#        bench/slurm.sh ps      `ps -a` with BENCH_RUNS (1,000) running Slurm runs against as many running local runs in
#                               the same kind of store, and the number of `squeue` calls of one `ps -a` (must be 1)
#                               (bench/results/slurm-ps.md)
#        bench/slurm.sh nodes   issue 13: a 2-node torchrun all-reduce (Debian's torch, gloo) `dstack run allreduce
#                               --compute cluster` attached, against the same script by hand: `srun -N2 … torchrun …`
#                               (bench/results/slurm-nodes.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine
mode=${1:?usage: bench/slurm.sh hello|ps|nodes}
root=$PWD
# Started only when it does not answer: slurm-up.sh rewrites /etc/hosts, which races with other scripts that do.
scontrol ping >/dev/null 2>&1 || scripts/slurm/slurm-up.sh >/dev/null
publish_dstack
bench_repo
exec 9<>/tmp/dstack-tests-slurm.lock
flock 9
mkdir -p "$root/bench/results"
json=$work/result.json
cat > .dstack/workflows.yaml <<'YAML'
workflows:
  - name: hello
    provider: bash
    commands:
      - echo hi > out.txt
  - name: wait
    provider: bash
    commands:
      - sleep 900
  - name: allreduce
    provider: torchrun
    nodes: 2
    script: allreduce.py
YAML
# Rank r contributes [10r, 10r+1, 10r+2, 10r+3]; each rank exits 1 unless the sum is [10, 12, 14, 16] (both took part).
cat > allreduce.py <<'PY'
import os, sys
import torch
import torch.distributed as dist
dist.init_process_group("gloo", init_method="env://")
rank, world = dist.get_rank(), dist.get_world_size()
t = torch.arange(4, dtype=torch.float64) + 10 * rank
dist.all_reduce(t, op=dist.ReduceOp.SUM)
os.write(1, f"RESULT rank={rank}/{world} sum={t.tolist()}\n".encode())
dist.destroy_process_group()
sys.exit(0 if t.tolist() == [10.0, 12.0, 14.0, 16.0] else 1)
PY
git add -A && git commit -qm init
"$bin/dstack" config compute add cluster --slurm >/dev/null 2>&1

case "$mode" in
hello)
  mkdir -p "$work/sbatch"
  hyperfine -N --warmup 2 --min-runs 10 --export-json "$json" \
    -n "sbatch --wait --wrap 'echo hi > out.txt'" "sbatch --wait --chdir=$work/sbatch -o /dev/null --wrap 'echo hi > out.txt'" \
    -n "dstack run hello --compute cluster" "$bin/dstack run hello --compute cluster" >/dev/null
  # As before the store probe's "seen" was kept: one extra srun job per command.
  hyperfine -N --warmup 1 --min-runs 10 --prepare "rm -rf $DSTACK_HOME/tmp/slurm-store-seen" --export-json "$json.probe" \
    -n "dstack run hello --compute cluster (store probed each time)" "$bin/dstack run hello --compute cluster" >/dev/null
  python3 "$root/bench/table.py" "$root/bench/results/slurm-hello.md" "Slurm 22.05 test cluster, local-folder store" "$json" "$json.probe"
  ;;
ps)
  runs=${BENCH_RUNS:-1000}
  # One running run on each compute (9>&-: a local runner must not keep the lock), then copies of its records under
  # new names (running them all would take the cluster's whole capacity): every copy asks the same compute.
  slurm_run=$("$bin/dstack" run -d wait --compute cluster 9>&-)
  local_run=$("$bin/dstack" run -d wait 9>&-)
  trap '"$bin/dstack" stop -x -y "$slurm_run" >/dev/null 2>&1 || true; "$bin/dstack" stop -x -y "$local_run" >/dev/null 2>&1 || true
        scancel -n "$slurm_run" 2>/dev/null || true; rm -rf "$work"' EXIT
  until "$bin/dstack" ps "$slurm_run" | grep -qi running && "$bin/dstack" ps "$local_run" | grep -qi running; do sleep 0.5; done
  runs_dir=$(dirname "$(dirname "$(find "$DSTACK_HOME" -path "*/runs/$slurm_run/run.json" | head -1)")")
  python3 - "$DSTACK_HOME" "$runs_dir" "$slurm_run" "$local_run" "$runs" "$work" <<'PY'
# Two copies of the store (the home: a local-folder store), one with RUNS copies of the Slurm run in its runs folder, one
# with RUNS copies of the local run; the live runners keep writing into the original, which is not measured.
import os, sys, shutil
home, runs_dir, slurm_run, local_run, total, work = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
rel = os.path.relpath(runs_dir, home)
for kind, template in (("slurm", slurm_run), ("local", local_run)):
    dst_home = os.path.join(work, f"home-{kind}")
    shutil.copytree(home, dst_home, ignore=lambda d, names: ["runs"] if os.path.relpath(d, home) == os.path.dirname(rel) else [])
    record = open(os.path.join(runs_dir, template, "run.json")).read()
    for i in range(total):
        name = f"copy-{i:05d}"
        out = os.path.join(dst_home, rel, name)
        shutil.copytree(os.path.join(runs_dir, template), out, ignore=shutil.ignore_patterns("logs*"))
        open(os.path.join(out, "run.json"), "w").write(record.replace(f'"{template}"', f'"{name}"'))
PY
  # squeue through a wrapper that counts its calls.
  mkdir -p "$work/path"
  printf '#!/bin/sh\necho call >> %s\nexec %s "$@"\n' "$work/squeue.calls" "$(command -v squeue)" > "$work/path/squeue"
  chmod +x "$work/path/squeue"
  export PATH=$work/path:$PATH
  rows=$(DSTACK_HOME=$work/home-slurm "$bin/dstack" ps -a | grep -c '^copy-' || true)
  : > "$work/squeue.calls"
  DSTACK_HOME=$work/home-slurm "$bin/dstack" ps -a >/dev/null
  calls=$(wc -l < "$work/squeue.calls")
  echo "ps -a with $rows Slurm runs: $calls squeue call(s)"
  # Issue 12 asks for exactly one; recorded (and said) rather than stopping, so the timing is measured either way.
  [ "$calls" = 1 ] || echo "MISS: expected exactly one squeue call, got $calls" >&2
  hyperfine -N --warmup 2 --min-runs 10 --export-json "$json.local" \
    -n "dstack ps -a ($runs running local runs)" "env DSTACK_HOME=$work/home-local $bin/dstack ps -a" >/dev/null
  hyperfine -N --warmup 2 --min-runs 10 --export-json "$json.slurm" \
    -n "dstack ps -a ($runs running Slurm runs)" "env DSTACK_HOME=$work/home-slurm $bin/dstack ps -a" >/dev/null
  python3 "$root/bench/table.py" "$root/bench/results/slurm-ps.md" "local-folder store; squeue calls per ps -a: $calls" "$json.local" "$json.slurm"
  ;;
nodes)
  # By hand: one srun of 2 nodes, one torchrun agent per node, as ../shared/infra/torch does (master: the first node,
  # a port from the job id; Debian's torch 1.13 needs --redirects/--tee). dstack adds its runners, the store and the
  # rendezvous through it. Each command fails unless both ranks printed the full sum.
  cat > "$work/by-hand.sh" <<SH
#!/bin/sh
cd $repo && srun -N2 --ntasks-per-node=1 --kill-on-bad-exit=1 sh -c 'exec /usr/bin/python3 -m torch.distributed.run --nnodes 2 \
  --node_rank \$SLURM_NODEID --nproc_per_node 1 --master_addr \$(scontrol show hostnames \$SLURM_JOB_NODELIST | head -n1) \
  --master_port \$((20000 + SLURM_JOB_ID % 10000)) --redirects 2 --tee 2 --monitor_interval 0.5 allreduce.py' \
  > $work/by-hand.out 2>&1; [ "\$(grep -c 'sum=\[10.0, 12.0, 14.0, 16.0\]' $work/by-hand.out)" -ge 2 ]
SH
  cat > "$work/dstack.sh" <<SH
#!/bin/sh
cd $repo && $bin/dstack run allreduce --compute cluster > $work/dstack.out 2>&1; [ "\$(grep -c 'sum=\[10.0, 12.0, 14.0, 16.0\]' $work/dstack.out)" -ge 2 ]
SH
  chmod +x "$work/by-hand.sh" "$work/dstack.sh"
  # hyperfine stops at a command that fails: a wrong or one-rank sum is never timed.
  hyperfine -N --warmup 1 --min-runs "${BENCH_RUNS:-5}" --export-json "$json" \
    -n "srun -N2 … torchrun … allreduce.py (by hand)" "$work/by-hand.sh" \
    -n "dstack run allreduce --compute cluster (nodes: 2, provider: torchrun)" "$work/dstack.sh" >/dev/null
  python3 "$root/bench/table.py" "$root/bench/results/slurm-nodes.md" "Slurm 22.05 test cluster (multi mode), local-folder store, Debian torch 1.13 (gloo)" "$json"
  ;;
*) echo "usage: bench/slurm.sh hello|ps|nodes" >&2; exit 2 ;;
esac
