#!/usr/bin/env python3
"""Time tokenlint next to the parse floor on corpora of several sizes, as
whole processes: wall time, CPU time (user+sys) and peak RSS, medians of
RUNS rounds, and the ratios to the floor.

Usage: python3 scripts/bench-scale.py TOKENLINT PARSEFLOOR RUNS CORPUS...

Each CORPUS is a directory (gencorpus.py --out) or a file. For each, every
round runs tokenlint (lint --no-config --format json --fail-on never, to
/dev/null) and the floor (internal/cmd/parsefloor: yaml.v3 node parse of
every document, one goroutine) back to back, in an order that alternates,
so a noisy moment on a shared machine falls on both. Prints a Markdown
table.
"""
import json
import os
import statistics
import subprocess
import sys

from bench import measure  # scripts/bench.py


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    tokenlint, floor = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3])
    print(f"{runs} rounds each, medians; peak RSS is the largest of the rounds; ratios are tokenlint's over the floor's")
    print()
    print("| corpus | objects | MB | tokenlint wall s | CPU s | peak RSS MiB | floor wall s | CPU s | peak RSS MiB | wall ratio | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for corpus in sys.argv[4:]:
        lint = [tokenlint, "lint", "--no-config", "--format", "json", "--fail-on", "never", corpus]
        report = json.loads(subprocess.run(lint, capture_output=True, check=True).stdout)
        objects = report["summary"]["objects"]
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs) \
            if os.path.isdir(corpus) else os.path.getsize(corpus)
        t, f = [], []
        for r in range(runs):
            pair = [(t, lint), (f, [floor, corpus])]
            for results, argv in (pair if r % 2 == 0 else pair[::-1]):
                results.append(measure(argv, quiet=True))  # wall, RSS, CPU
        med = lambda rs, i: statistics.median(x[i] for x in rs)
        peak = lambda rs: max(x[1] for x in rs)
        print(f"| {os.path.basename(os.path.normpath(corpus))} | {objects:,} | {size / 1e6:.3g} "
              f"| {med(t, 0):.3f} | {med(t, 2):.3f} | {peak(t):,.0f} "
              f"| {med(f, 0):.3f} | {med(f, 2):.3f} | {peak(f):,.0f} "
              f"| {med(t, 0) / med(f, 0):.2f}x | {med(t, 2) / med(f, 2):.2f}x |", flush=True)


if __name__ == "__main__":
    main()
