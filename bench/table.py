"""Writes hyperfine results as a Markdown table, each mean also as a multiple of the first command's (the floor), and the
CPU time (user + system, which a loaded machine inflates less than wall time) likewise.
Usage: python3 bench/table.py OUT NOTE JSON [JSON ...] (NOTE ends the machine line, e.g. the SDK or the store)."""
import json, os, sys

out, note, files = sys.argv[1], sys.argv[2], sys.argv[3:]
results = [r for f in files for r in json.load(open(f))["results"]]
floor = results[0]["mean"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
load = open("/proc/loadavg").read().split()[0]
lines = [f"Machine: {os.cpu_count()} cores, {cpu}; load average {load}; {note}", "",
         "| command | mean | stddev | × floor | CPU (user + sys, waited processes) | CPU × floor |", "|---|---|---|---|---|---|"]
cpu_of = lambda r: r["user"] + r["system"]
lines += [f"| `{r['command']}` | {r['mean']*1000:.1f} ms | {r['stddev']*1000:.1f} ms | {r['mean']/floor:.1f}× "
          f"| {cpu_of(r)*1000:.1f} ms | {cpu_of(r)/cpu_of(results[0]):.1f}× |" for r in results]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
