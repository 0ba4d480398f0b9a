#!/bin/bash
# Stop the throwaway Ceph started by s3-up.sh (RGW first, then OSD, then MON), by PID file.
D=${D:-/tmp/ceph-rgw}
for n in client.rgw.a osd.0 mon.a; do
  f="$D/run/$n.pid"; [ -f "$f" ] || continue; p=$(cat "$f")
  kill "$p" 2>/dev/null
  for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
done
