#!/usr/bin/env bash
# Artifact storage against cp -r, measured in the same run on the same data:
#   1 x 1 GiB file + 10,000 x 4 KiB files (BENCH_BIG_MIB / BENCH_SMALL_FILES to change).
# Usage: bench/artifacts.sh      (writes bench/results/artifacts.md and prints it)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; }
dotnet build bench/Dstack.Bench -c Release --nologo -v quiet -o out/bench-tool
tool="$PWD/out/bench-tool/Dstack.Bench"
results="$PWD/bench/results"
mkdir -p "$results"

work=$(mktemp -d -p "${BENCH_DIR:-$PWD/out}")
trap 'rm -rf "$work"' EXIT
data=$work/data
mkdir -p "$data/small"
head -c $(( ${BENCH_BIG_MIB:-1024} << 20 )) /dev/urandom > "$data/big.bin"
for i in $(seq 1 "${BENCH_SMALL_FILES:-10000}"); do head -c 4096 /dev/urandom > "$data/small/$i"; done

# `touch` forgets remembered hashes (a changed mtime invalidates them), so each first save hashes for real.
# "save at job end" is the runner's save of a finished job's outputs: files move into the store (same filesystem).
hyperfine -N --warmup 1 --runs 5 --export-json "$work/r.json" \
  --prepare "rm -rf $work/copy" -n "cp -r" "cp -r $data $work/copy" \
  --prepare "bash -c 'rm -rf $work/store; find $data -type f -exec touch {} +'" -n "save (first)" "$tool save $work/store $data" \
  --prepare "true" -n "save (unchanged)" "$tool save $work/store $data" \
  --prepare "bash -c 'rm -rf $work/store $work/job; cp -r $data $work/job; sync'" -n "save at job end" "$tool take $work/store $work/job" \
  --prepare "rm -rf $work/dep" -n "place as dep" "$tool place $work/store $work/dep" >/dev/null

python3 - "$work/r.json" "$results/artifacts.md" <<'PY'
import json, sys, os
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cp = r["cp -r"]["mean"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"Machine: {os.cpu_count()} cores, {cpu}", "", "| operation | mean | × cp -r |", "|---|---|---|"]
for name in ["cp -r", "save (first)", "save (unchanged)", "save at job end", "place as dep"]:
    lines.append(f"| {name} | {r[name]['mean']*1000:.0f} ms | {r[name]['mean']/cp:.2f}× |")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
