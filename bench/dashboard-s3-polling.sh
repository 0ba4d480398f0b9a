#!/usr/bin/env bash
# What an open dashboard page costs a bucket: S3 requests per second (the test server's request log, this bench's
# bucket only) while one run is Running with a silent log, measured in the same run for: no page (the runner's own
# requests: the floor), the Run page (log followed every 250 ms, status every 1 s), the Runs page (every 2 s), in
# headless Debian chromium. Prints a table; the price per 1,000 requests turns it into money.
# Usage: [BENCH_BIN=folder] [BENCH_SECONDS=30] bench/dashboard-s3-polling.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
scripts/s3-up.sh >/dev/null
publish_dstack
seconds=${BENCH_SECONDS:-30}
rgwlog=${RGW_LOG:-/tmp/ceph-rgw/log/client.rgw.a.log}
export AWS_ACCESS_KEY_ID=CIACCESSKEY AWS_SECRET_ACCESS_KEY=CISECRETKEY AWS_EC2_METADATA_DISABLED=true
bench_repo
bucket=bench-poll-$(date +%s%N)
"$bin/dstack" config --backend s3 --bucket "$bucket" --endpoint-url http://127.0.0.1:7480 -y >/dev/null
printf 'workflows:\n  - name: quiet\n    provider: bash\n    commands:\n      - echo started\n      - sleep 3600\n' > .dstack/workflows.yaml
git add -A && git commit -qm init
run=$("$bin/dstack" run -d quiet)
until "$bin/dstack" ps "$run" | grep -q Running; do sleep 0.2; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin/dstack" dashboard --no-browser --port "$port" > "$work/dashboard.out" 2>&1 &
dashboard=$!
browser=
cleanup() {
  [ -n "$browser" ] && kill "$browser" 2>/dev/null || true
  kill -TERM "$dashboard" 2>/dev/null || true  # a background job of a script ignores SIGINT
  "$bin/dstack" stop -a -x -y >/dev/null 2>&1 || true
  aws --endpoint-url http://127.0.0.1:7480 s3 rb --force "s3://$bucket" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
until grep -q '^Dashboard: ' "$work/dashboard.out"; do sleep 0.2; done
url=$(sed -n 's/^Dashboard: //p' "$work/dashboard.out")
token=${url#*\?token=}
run_path=$(curl -s -c "$work/jar" -L "$url" | grep -o "href=\"/runs/[^\"]*$run\"" | head -1 | sed 's/^href="//; s/"$//')
[ -n "$run_path" ] || { echo "the Runs page does not list $run" >&2; exit 1; }

# Requests for this bucket in the server's log during $seconds, per second.
rate() {
  local before=$(grep -c " /$bucket[/? ]" "$rgwlog" || true)
  sleep "$seconds"
  local after=$(grep -c " /$bucket[/? ]" "$rgwlog" || true)
  awk "BEGIN { printf \"%.1f\", ($after - $before) / $seconds }"
}
# One headless chromium showing a page (the token is traded for the cookie on the way in).
show() {
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile-$RANDOM" "http://127.0.0.1:$port$1?token=$token" >/dev/null 2>&1 &
  browser=$!
  sleep 5 # let it load and settle into its polling before counting
}
stop_showing() { kill "$browser"; wait "$browser" 2>/dev/null || true; browser=; }

floor=$(rate)
show "$run_path"; run_page=$(rate); stop_showing
show "/"; runs_page=$(rate); stop_showing
echo "| what is open ($seconds s each, run $run Running, silent log) | S3 requests/s | above the floor | per hour |"
echo "|---|---|---|---|"
for row in "nothing (the runner alone: the floor)|$floor" "the Run page|$run_page" "the Runs page|$runs_page"; do
  name=${row%|*}; r=${row#*|}
  awk -v n="$name" -v r="$r" -v f="$floor" 'BEGIN { printf "| %s | %s | %.1f | %d |\n", n, r, r - f, (r - f) * 3600 }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
