#!/usr/bin/env python3
"""CPU time and page faults per start of two dstack builds, alternating, from the kernel's own accounting (getrusage of
each waited child). Wall time on a loaded 2-core machine is mostly other processes' noise; these counts are not.
Usage: startup-cpu.py BEFORE AFTER N -- ARGS...  (run in a folder where ARGS make sense, e.g. a repo with runs)"""
import os, resource, statistics, subprocess, sys

before, after, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
args = sys.argv[sys.argv.index("--") + 1:]
samples = {before: [], after: []}
for i in range(n):
    for binary in (before, after) if i % 2 == 0 else (after, before):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples[binary].append(((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000, r1.ru_minflt - r0.ru_minflt, r1.ru_majflt - r0.ru_majflt))
for name, binary in (("before", before), ("after", after)):
    cpu = [s[0] for s in samples[binary]]
    print(f"| `{' '.join(args)}` | {name} | {statistics.mean(cpu):.1f} ms | {statistics.median(cpu):.1f} ms | "
          f"{statistics.mean(s[1] for s in samples[binary]):.0f} | {statistics.mean(s[2] for s in samples[binary]):.1f} |")
