#!/usr/bin/env python3
"""Time whole `tokenlint lint` processes on a corpus: wall time, objects per
second, CPU time and peak memory (max RSS), the median of several runs.

Usage: python3 scripts/bench.py BINARY CORPUS [RUNS] [--configured DIR]
                                [--baseline FILE] [--old BINARY]

With the options it times several cases side by side, interleaved: each
round runs every case once, in an order that rotates from round to round, so
a noisy minute on a shared machine falls on all of them alike.

  plain       BINARY --no-config on CORPUS (the first block of output)
  configured  BINARY in DIR (made by scripts/benchcorpus.py: the corpus with
              suppressions, and a .tokenlint.yaml), run with DIR as working
              directory so that .tokenlint.yaml is discovered as a user's is;
              lint run from elsewhere on DIR would not read it
  baseline    BINARY --no-config on CORPUS with --baseline FILE, written
              first by --write-baseline FILE: every finding is in it
  old         another binary (the previous release) on CORPUS
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def measure(argv, cwd=None, name=None, quiet=False):
    """Run argv once as a process of its own, standard output (and with
    quiet, standard error) to /dev/null; return its wall seconds, max RSS in
    MiB and CPU seconds (user+sys). Exits if it fails."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        out = os.open(os.devnull, os.O_WRONLY)
        os.dup2(out, 1)
        if quiet:
            os.dup2(out, 2)
        if cwd:
            os.chdir(cwd)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{name or argv[0]}: {' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    # ru_maxrss is in KiB on Linux.
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


class Case:
    def __init__(self, name, binary, args, cwd=None):
        self.name, self.binary, self.cwd = name, os.path.abspath(binary), cwd
        self.argv = [self.binary, "lint", "--format", "json", "--fail-on", "never"] + args
        self.results = []

    def report(self):
        """Run once, checking the exit code; return the JSON report."""
        return json.loads(subprocess.run(self.argv, capture_output=True, check=True, cwd=self.cwd).stdout)

    def run(self):
        """Run once; record wall seconds, max RSS in MiB and CPU seconds."""
        self.results.append(measure(self.argv, self.cwd, self.name))

    def wall(self):
        return statistics.median(w for w, _, _ in self.results)

    def cpu(self):
        return statistics.median(c for _, _, c in self.results)

    def rss(self):
        return max(r for _, r, _ in self.results)

    def ratio(self, base):
        """The median of the round-by-round CPU ratios against base: each
        round runs both within seconds, so slow minutes cancel out."""
        return statistics.median(c / b for (_, _, c), (_, _, b) in zip(self.results, base.results))


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("binary")
    ap.add_argument("corpus")
    ap.add_argument("runs", nargs="?", type=int, default=5)
    ap.add_argument("--configured")
    ap.add_argument("--baseline")
    ap.add_argument("--old")
    a = ap.parse_args()

    # --no-config: a .tokenlint.yaml above the corpus must not configure the
    # plain case (the previous release, which reads none, has no such flag).
    plain = Case("plain", a.binary, ["--no-config", a.corpus])
    cases = [plain]
    summaries = {}
    if a.old:
        cases.insert(0, Case("old, plain", a.old, [a.corpus]))
    if a.configured:
        cases.append(Case("configured", a.binary, ["."], cwd=a.configured))
    if a.baseline:
        subprocess.run([plain.binary, "lint", "--format", "json", "--fail-on", "never",
                        "--no-config", "--write-baseline", a.baseline, a.corpus], stdout=subprocess.DEVNULL, check=True)
        cases.append(Case("baseline", a.binary, ["--no-config", "--baseline", a.baseline, a.corpus]))

    # One run of each first: it checks the case and warms the page cache.
    for c in cases:
        report = c.report()
        summaries[c.name] = report["summary"]
        if c.name == "configured":
            rules = {f["ruleId"] for f in report["findings"]}
            if rules & {"TL002", "TL003"} or "TL103" not in rules or not report["summary"].get("suppressed"):
                sys.exit("configured: .tokenlint.yaml or the suppressions were not applied as "
                         "scripts/benchcorpus.py meant (expected TL103 findings from maxTokenExpiration, "
                         "suppressed findings, no TL002 or TL003)")
        if c.name == "baseline" and report["summary"]["findings"] != 0:
            sys.exit("baseline: findings left that the baseline should hold")

    for r in range(a.runs):
        k = r % len(cases)
        for c in cases[k:] + cases[:k]:
            c.run()

    objects = summaries["plain"]["objects"]
    walls = [w for w, _, _ in plain.results]
    print(f"corpus:        {a.corpus} ({os.path.getsize(a.corpus) / 1e6:.1f} MB, {objects} objects)")
    print(f"wall time:     {plain.wall():.3f} s median of {a.runs} (min {min(walls):.3f}, max {max(walls):.3f})")
    print(f"throughput:    {objects / plain.wall():,.0f} objects/s")
    print(f"cpu time:      {plain.cpu():.3f} s user+sys, median")
    print(f"peak memory:   {plain.rss():.0f} MiB max RSS")
    if len(cases) == 1:
        return

    print()
    print(f"interleaved, {a.runs} rounds, medians (CPU is user+sys; the ratio is the median of each round's")
    print("CPU time over plain's in that round):")
    print(f"{'case':<12} {'wall s':>7} {'min-max':>13} {'objects/s':>10} {'cpu s':>7} {'cpu ratio':>9} "
          f"{'MiB RSS':>8} {'findings':>9} {'suppressed':>10}")
    for c in cases:
        s = summaries[c.name]
        ws = [w for w, _, _ in c.results]
        print(f"{c.name:<12} {c.wall():7.3f} {min(ws):6.3f}-{max(ws):6.3f} {s['objects'] / c.wall():10,.0f} "
              f"{c.cpu():7.3f} {c.ratio(plain):9.3f} {c.rss():8.0f} {s['findings']:9d} {s.get('suppressed', 0):10d}")


if __name__ == "__main__":
    main()
