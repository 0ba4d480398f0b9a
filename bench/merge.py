"""Merges hyperfine JSON exports of the same commands measured in several rounds (run.sh alternates rounds, so that
two builds share the same spells of load) into one export: each command's times from every round.
Usage: python3 bench/merge.py OUT JSON [JSON ...]"""
import json, statistics, sys

out, files = sys.argv[1], sys.argv[2:]
merged = {}
for f in files:
    for r in json.load(open(f))["results"]:
        m = merged.setdefault(r["command"], {"command": r["command"], "times": [], "user": [], "system": []})
        m["times"] += r["times"]
        m["user"] += [r["user"]] * len(r["times"])
        m["system"] += [r["system"]] * len(r["times"])
results = []
for m in merged.values():
    results.append({"command": m["command"], "times": m["times"], "mean": statistics.mean(m["times"]),
                    "stddev": statistics.stdev(m["times"]) if len(m["times"]) > 1 else 0.0,
                    "user": statistics.mean(m["user"]), "system": statistics.mean(m["system"])})
json.dump({"results": results}, open(out, "w"))
