#!/usr/bin/env python3
"""Derive the configured benchmark corpus from the plain one: the same
manifests, in a directory with a realistic .tokenlint.yaml and a few hundred
suppressions on lines and objects that have findings.

Usage: python3 scripts/benchcorpus.py BINARY CORPUS OUTDIR

The findings come from a first run of BINARY on CORPUS (`lint --format json`,
no configuration). Of them, deterministically (no randomness, no network):

  - about 150 get a `# tokenlint:ignore RULE -- reason` comment at the end of
    their line, and about 150 one alone on the line above (same indentation);
  - about 100 other objects with findings get a `tokenlint.io/ignore`
    annotation in metadata.annotations naming the rules of their findings.

OUTDIR gets the manifests (one file, as CORPUS) and .tokenlint.yaml: a
severity override, a disabled rule, settings.maxTokenExpiration,
settings.allowedAudiences and exclude globs that match nothing here. Every
suppression suppresses something (no TL002 or TL003): scripts/bench.py checks
that the configured run reports them all as suppressed.
"""
import json
import os
import subprocess
import sys

CONFIG = """\
# The configuration of the configured benchmark case (scripts/benchcorpus.py).
disable: [token-not-reloaded]
severity:
  TL103: error
  automounted-token: note
settings:
  maxTokenExpiration: 12h
  allowedAudiences: [vault, "https://kubernetes.default.svc", sts.amazonaws.com, "api://AzureADTokenExchange", spire-server]
exclude: ["third_party/**", "vendor/**", "**/*_test.yaml"]
"""

EOL_COMMENTS = 150
ABOVE_COMMENTS = 150
ANNOTATIONS = 100


def spread(items, n):
    """n items evenly spread over the list, in order."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, corpus, outdir = sys.argv[1:]
    report = json.loads(subprocess.run(
        [binary, "lint", "--no-config", "--format", "json", "--fail-on", "never", corpus],
        capture_output=True, check=True).stdout)
    with open(corpus, encoding="utf-8") as f:
        lines = f.read().split("\n")

    # Documents: the 1-based line ranges between '---' separators.
    doc_of = [0] * (len(lines) + 2)
    doc, starts = 0, [1]
    for i, line in enumerate(lines, 1):
        if line.startswith("---"):
            doc += 1
            starts.append(i + 1)
        doc_of[i] = doc

    findings = [f for f in report["findings"] if f["line"] > 0 and not f.get("suppressed")]
    by_line = {}
    by_doc = {}
    for f in findings:
        by_line.setdefault(f["line"], []).append(f)
        by_doc.setdefault(doc_of[f["line"]], []).append(f)

    # Comments: lines with findings of exactly one rule, outside block
    # scalars (a comment line there would be text of the scalar).
    candidates = sorted(l for l, fs in by_line.items()
                        if len({f["ruleId"] for f in fs}) == 1 and not lines[l - 1].rstrip().endswith(("|", ">")))
    chosen = spread(candidates, EOL_COMMENTS + ABOVE_COMMENTS)
    eol, above = chosen[0::2], chosen[1::2]
    commented_docs = {doc_of[l] for l in chosen}

    # Annotations: other documents with findings, one per document.
    docs = sorted(d for d in by_doc if d not in commented_docs)
    annotated = spread(docs, ANNOTATIONS)

    append = {}   # line -> text added at its end
    insert = {}   # line -> lines inserted above it
    for n, l in enumerate(eol):
        rule = by_line[l][0]
        name = rule["ruleId"] if n % 2 == 0 else rule["slug"]
        append[l] = f" # tokenlint:ignore {name} -- accepted for the benchmark, finding {n}"
    for n, l in enumerate(above):
        rule = by_line[l][0]
        name = rule["ruleId"] if n % 2 == 0 else rule["slug"]
        indent = lines[l - 1][:len(lines[l - 1]) - len(lines[l - 1].lstrip())]
        if indent.endswith("- ") or lines[l - 1].lstrip().startswith("- "):
            indent = indent.replace("-", " ")
        insert.setdefault(l, []).append(f"{indent}# tokenlint:ignore {name} -- accepted for the benchmark, above {n}")
    for n, d in enumerate(annotated):
        rules = sorted({f["ruleId"] for f in by_doc[d]})
        value = f'tokenlint.io/ignore: "{",".join(rules)} -- accepted for the benchmark, object {n}"'
        start = starts[d]
        end = starts[d + 1] - 1 if d + 1 < len(starts) else len(lines)
        meta = next(i for i in range(start, end + 1) if lines[i - 1] == "metadata:")
        ann = next((i for i in range(meta + 1, end + 1) if lines[i - 1] == "  annotations:"), None)
        # Only metadata's own keys (two spaces) count; its block ends at the
        # next top-level key.
        block_end = next(i for i in range(meta + 1, end + 1) if not lines[i - 1].startswith(" "))
        if ann is not None and ann < block_end:
            append[ann] = append.get(ann, "") + f"\n    {value}"
        else:
            append[meta] = append.get(meta, "") + f"\n  annotations:\n    {value}"

    out = []
    for i, line in enumerate(lines, 1):
        out.extend(insert.get(i, []))
        out.append(line + append.get(i, ""))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, os.path.basename(corpus)), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    with open(os.path.join(outdir, ".tokenlint.yaml"), "w", encoding="utf-8") as f:
        f.write(CONFIG)
    print(f"{outdir}: {len(eol)} end-of-line and {len(above)} line-above comments, "
          f"{len(annotated)} annotations, .tokenlint.yaml")


if __name__ == "__main__":
    main()
