"""Clients following live logs as the Run page does (the end, then `?after=` every 250 ms, at once while `more`), one
thread per log, while the dashboard's memory is sampled from /proc (VmRSS; VmHWM, the peak, at the end).
Usage: python3 bench/dashboard-follow.py PID BASE COOKIE SECONDS LOG_API... (LOG_API: /api/runs/OWNER/REPO/RUN/log)
Prints one JSON object: lines each client got, the RSS before, its largest sample, and VmHWM, in MiB."""
import json, sys, threading, time, urllib.request

pid, base, cookie, seconds, logs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5:]


def memory():
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def get(path):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def follow(api, got, errors, until):
    try:
        window = get(api + "?job=0")
        last, lines = window["last"], sum(p["endsLine"] for p in window["pieces"])
        resume = window.get("lastEntry", -1)
        while time.monotonic() < until:
            window = get(api + f"?job=0&after={last}" + (f"&entry={resume}" if resume >= 0 else ""))
            lines += sum(p["endsLine"] for p in window["pieces"])
            if window["last"] >= 0:
                last, resume = window["last"], window.get("lastEntry", -1)
            if not window["more"]:
                time.sleep(0.25)
        got.append(lines)
    except Exception as e:  # a client that failed is reported, not hidden
        errors.append(f"{api}: {e}")


before = memory()
until = time.monotonic() + seconds
got, errors, peak = [], [], before["VmRSS"]
threads = [threading.Thread(target=follow, args=(api, got, errors, until)) for api in logs]
for t in threads:
    t.start()
while any(t.is_alive() for t in threads):
    peak = max(peak, memory()["VmRSS"])
    time.sleep(0.2)
after = memory()
print(json.dumps({"clients": len(logs), "lines": sorted(got), "errors": errors, "rss_before_mib": round(before["VmRSS"], 1),
                  "rss_peak_mib": round(peak, 1), "rss_after_mib": round(after["VmRSS"], 1), "hwm_mib": round(after["VmHWM"], 1)}))
