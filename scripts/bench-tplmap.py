#!/usr/bin/env python3
"""Time rendering a chart with and without the template source map: the
render child of tokenlint (the process that runs Helm, TOKENLINT_RENDER_CHILD)
is run directly, so the figures are rendering's alone, whole process (wall
and CPU time and peak RSS from /usr/bin/time), the medians of several
interleaved runs. The mapped output is the stream and the map, as JSON.

Usage: python3 scripts/bench-tplmap.py BINARY CHART [RUNS] [--tokens N]

--tokens N renders the chart with a values file listing N projected tokens
(the tplmap-shop chart ranges over .Values.tokens in its deployment), to
make a large chart of a small one.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(binary, request):
    """One render child under /usr/bin/time: wall s, CPU s, peak RSS KiB, output bytes."""
    env = dict(os.environ, TOKENLINT_RENDER_CHILD="1")
    with tempfile.TemporaryFile() as out:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", binary], input=json.dumps(request).encode(),
                           stdout=out, stderr=subprocess.PIPE, env=env)
        if p.returncode != 0:
            sys.exit(f"the renderer exited {p.returncode}: {p.stderr[-300:]!r}")
        size = out.tell()
    wall, user, sys_, rss = p.stderr.decode().strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(rss), size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("chart")
    ap.add_argument("runs", type=int, nargs="?", default=5)
    ap.add_argument("--tokens", type=int, default=0)
    a = ap.parse_args()
    req = {"chart": os.path.abspath(a.chart), "releaseName": "release-name", "namespace": "default",
           "maxFileBytes": 64 << 20, "maxRenderBytes": 256 << 20}
    tmp = None
    if a.tokens:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        tmp.write("tokens:\n")
        for i in range(a.tokens):
            tmp.write(f"  - name: svc{i}\n    audience: svc{i}\n    expirationSeconds: 3600\n")
        tmp.close()
        req["valueFiles"] = [tmp.name]
    cases = {"plain": dict(req), "mapped": dict(req, sourceMap=True)}
    results = {name: [] for name in cases}
    names = list(cases)
    for r in range(a.runs):
        # Interleaved, in an order that alternates, so that a noisy
        # moment on a shared machine falls on both alike.
        for name in names[r % 2:] + names[:r % 2]:
            results[name].append(run(a.binary, cases[name]))
    med = {name: [statistics.median(x[i] for x in rs) for i in range(4)] for name, rs in results.items()}
    for name in names:
        wall, cpu, rss, size = med[name]
        print(f"{name:7s} wall {wall:.3f} s, CPU {cpu:.3f} s, peak RSS {rss / 1024:.1f} MiB, output {size / 1024:.0f} KiB (medians of {a.runs})")
    p, m = med["plain"], med["mapped"]
    print(f"mapping: {m[0] / p[0]:.2f}x the plain rendering's wall time, {m[1] / p[1]:.2f}x its CPU time, "
          f"{m[2] / p[2]:.2f}x its peak RSS")
    if tmp:
        os.unlink(tmp.name)


if __name__ == "__main__":
    main()
