#!/usr/bin/env python3
"""Time whole `tokenlint lint` processes on a corpus: wall time, objects per
second and peak memory (max RSS), the median of several runs.

Usage: python3 scripts/bench.py BINARY CORPUS [RUNS]
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def one_run(binary, corpus):
    """Run once; return wall seconds, max RSS in MiB and CPU seconds."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        out = os.open(os.devnull, os.O_WRONLY)
        os.dup2(out, 1)
        os.execv(binary, [binary, "lint", "--format", "json", "--fail-on", "never", corpus])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{binary} exited with {os.waitstatus_to_exitcode(status)}")
    # ru_maxrss is in KiB on Linux.
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, corpus = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    report = json.loads(subprocess.run([binary, "lint", "--format", "json", "--fail-on", "never", corpus],
                                       capture_output=True, check=True).stdout)
    objects = report["summary"]["objects"]
    results = [one_run(binary, corpus) for _ in range(runs)]
    walls = [w for w, _, _ in results]
    wall = statistics.median(walls)
    print(f"corpus:        {corpus} ({os.path.getsize(corpus) / 1e6:.1f} MB, {objects} objects)")
    print(f"wall time:     {wall:.3f} s median of {runs} (min {min(walls):.3f}, max {max(walls):.3f})")
    print(f"throughput:    {objects / wall:,.0f} objects/s")
    print(f"cpu time:      {statistics.median(c for _, _, c in results):.3f} s user+sys, median")
    print(f"peak memory:   {max(r for _, r, _ in results):.0f} MiB max RSS")


if __name__ == "__main__":
    main()
