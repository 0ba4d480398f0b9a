#!/usr/bin/env bash
# A trivial docker workflow (echo hi), attached, against a plain `docker run --rm IMAGE sh -c 'echo hi'`,
# measured in the same run. Usage: bench/docker.sh   (writes bench/results/docker.md and prints it)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine
scripts/docker-up.sh >/dev/null
publish_dstack
results=$PWD/bench/results
bench_repo
printf 'workflows:\n  - name: hi\n    provider: docker\n    image: local/busybox:1\n    commands: [echo hi]\n' > .dstack/workflows.yaml
git add -A && git commit -qm init
hyperfine -N --warmup 2 --runs 15 --export-json "$work/r.json" \
  -n "docker run" "docker run --rm local/busybox:1 sh -c 'echo hi'" \
  -n "dstack run (docker)" "$bin/dstack run hi" >/dev/null
mkdir -p "$results"
python3 - "$work/r.json" "$results/docker.md" <<'PY'
import json, sys, os
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["docker run"]["mean"]
lines = [f"Machine: {os.cpu_count()} cores", "", "| command | mean | × docker run |", "|---|---|---|"]
for name in ["docker run", "dstack run (docker)"]:
    lines.append(f"| `{name}` | {r[name]['mean']*1000:.0f} ms | {r[name]['mean']/base:.2f}× |")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
