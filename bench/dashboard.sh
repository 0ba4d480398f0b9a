#!/usr/bin/env bash
# The dashboard against its targets (issue 15, docs/PERFORMANCE.md), all in one run over the repo of bench/scale.sh
# (10,000 runs): the Runs page and /api/runs against `ps -a` of the same store and a curl that gets 401 (the floor); the
# Run page and the log API opening a job's log of 1,000,000 lines at its end; then the dashboard's memory (VmRSS, VmHWM)
# while 10 clients follow the live logs of 10 real runs printing lines (bench/dashboard-follow.py).
# Usage: bench/dashboard.sh                 local store (writes bench/results/dashboard.md and prints it)
#        BENCH_STORE=s3 bench/dashboard.sh  S3 (Ceph RGW on loopback; bench/results/dashboard-s3.md)
#        BENCH_RUNS=N (10000), BENCH_LOG_LINES=N (1000000), BENCH_FOLLOW_S=S (60): the sizes
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_hyperfine
root=$PWD
. bench/scale-store.sh
"$bin/dstack" ps -a | wc -l

log_lines=${BENCH_LOG_LINES:-1000000}
follow_s=${BENCH_FOLLOW_S:-60}
# 20 lines a second, for as long as the clients follow and a little more.
printf 'import time\nfor i in range(%d):\n    print("tick", i, "x" * 60, flush=True)\n    time.sleep(0.05)\n' $(((follow_s + 30) * 20)) > ticker.py
cat >> .dstack/workflows.yaml <<YAML
  - name: biglog
    provider: bash
    commands:
      - seq 1 $log_lines
  - name: ticker
    provider: bash
    commands:
      - python3 -u ticker.py
YAML
git add -A && git commit -qm 'log workflows'
"$bin/dstack" run biglog >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/dstack-dashboard" --no-browser --port "$port" >"$work/dashboard.out" 2>"$work/dashboard.err" &
dashboard=$!
at_exit 'kill $dashboard 2>/dev/null || true'
deadline=$((SECONDS + 60))
until grep -q '^Dashboard: ' "$work/dashboard.out"; do
  [ $SECONDS -lt $deadline ] && kill -0 $dashboard || { cat "$work/dashboard.err"; echo "the dashboard did not start" >&2; exit 1; }
  sleep 0.1
done
base=http://127.0.0.1:$port
jar=$work/cookies
curl -sf -c "$jar" -o /dev/null "$(sed -n 's/^Dashboard: //p' "$work/dashboard.out")"
cookie=$(awk '$6 == "dstack_dashboard" {print $6 "=" $7}' "$jar")
[ -n "$cookie" ] || { echo "no session cookie" >&2; exit 1; }

# The first response of a fresh dashboard, then time to first byte and whole, the median of 20 (ms).
first=$(curl -sf -H "Cookie: $cookie" -o /dev/null -w '%{time_starttransfer} %{time_total}' "$base/")
ttfb() {
  for _ in $(seq 20); do curl -sf -H "Cookie: $cookie" -o /dev/null -w '%{time_starttransfer} %{time_total}\n' "$1"; done \
    | sort -n | sed -n 10p | awk '{printf "%.1f ms to the first byte, %.1f ms whole", $1 * 1000, $2 * 1000}'
}
big=$(curl -sf -H "Cookie: $cookie" "$base/api/runs?workflow=biglog" | python3 -c 'import json, sys; r = json.load(sys.stdin)["runs"][0]; print(r["repo"] + "/" + r["run"])')
log_api="/api/runs/$big/log?job=0"
tail_window=$(curl -sf -H "Cookie: $cookie" "$base$log_api" | python3 -c '
import json, sys
body = sys.stdin.buffer.read(); w = json.loads(body)
print(w["pieces"][-1]["html"], len(w["pieces"]), len(body))')
[ "${tail_window%% *}" = "$log_lines" ] || { echo "the log's end is not its last line: $tail_window" >&2; exit 1; }

json=$work/result.json
curl_get="curl -sf -H 'Cookie: $cookie' -o /dev/null"
hyperfine -N --warmup 3 --min-runs 20 --export-json "$json" \
  -n "floor: curl, 401" "curl -s -o /dev/null $base/" \
  -n "Runs page ($runs runs)" "$curl_get $base/" \
  -n "GET /api/runs" "$curl_get $base/api/runs" \
  -n "dstack ps -a ($runs runs, warm)" "$bin/dstack ps -a" \
  -n "Run page ($log_lines-line log)" "$curl_get $base/runs/$big" \
  -n "log API, the end of $log_lines lines" "$curl_get $base$log_api" >/dev/null
out=$root/bench/results/dashboard$([ "$store" = s3 ] && echo -s3 || :).md
mkdir -p "$root/bench/results"
python3 "$root/bench/table.py" "$out" "store: $store" "$json"

# Ten real runs printing lines, followed by ten clients.
at_exit '"$bin/dstack" ps -a | awk "/ticker/ {print \$1}" | xargs -r -n1 "$bin/dstack" stop -x -y >/dev/null 2>&1 || true'
for _ in $(seq 10); do "$bin/dstack" run -d ticker >/dev/null; done
deadline=$((SECONDS + 120))
until [ "$(curl -sf -H "Cookie: $cookie" "$base/api/runs?workflow=ticker&status=Running" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')" = 10 ]; do
  [ $SECONDS -lt $deadline ] || { echo "the ticker runs did not all start" >&2; exit 1; }
  sleep 0.5
done
mapfile -t follow_apis < <(curl -sf -H "Cookie: $cookie" "$base/api/runs?workflow=ticker&status=Running" \
  | python3 -c 'import json, sys; [print("/api/runs/" + r["repo"] + "/" + r["run"] + "/log") for r in json.load(sys.stdin)["runs"]]')
[ ${#follow_apis[@]} = 10 ] || { echo "not 10 logs to follow: ${follow_apis[*]}" >&2; exit 1; }
memory=$(python3 "$root/bench/dashboard-follow.py" "$dashboard" "$base" "$cookie" "$follow_s" "${follow_apis[@]}")

{
  echo
  echo "- A fresh dashboard's first Runs page: $(awk '{printf "%.1f ms to the first byte, %.1f ms whole", $1 * 1000, $2 * 1000}' <<<"$first")"
  echo "- Runs page, median of 20: $(ttfb "$base/")"
  echo "- The log's end ($log_lines lines), median of 20: $(ttfb "$base$log_api"); its window: $(cut -d' ' -f2 <<<"$tail_window") entries, $(cut -d' ' -f3 <<<"$tail_window") bytes"
  echo "- Following 10 live logs for ${follow_s} s: $memory"
  echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$out"
cat "$out"
