#!/usr/bin/env bash
# Check that two tokenlint binaries give the same answers: the JSON report of
# every fixture, chart and kustomization under testdata/, of the bundled
# examples and of each corpus given, byte for byte but for the tool's version.
# Use it around a change that must not change results (an engine rewrite):
#
#   git stash; make build BIN=/tmp/tokenlint-before; git stash pop; make build
#   scripts/same-answers.sh /tmp/tokenlint-before bin/tokenlint .bench/dir-10k
#
# Prints each difference (the first lines of a diff) and exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: scripts/same-answers.sh OLD NEW [CORPUS...]"; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

inputs=(testdata/examples)
for dir in testdata/rules testdata/loader testdata/charts testdata/kustomize; do
  for entry in "$dir"/*; do
    inputs+=("$entry")
  done
done
inputs+=("$@")

# report BINARY INPUT OUT: the JSON report, tool version left out, exit code
# appended (0, 1 or 2 must agree too).
report() {
  local code=0
  "$1" lint --no-config --format json --fail-on warning "$2" >"$3.raw" 2>"$3.err" || code=$?
  python3 -c '
import json, sys
raw = open(sys.argv[1]).read()
try:
    d = json.loads(raw)
    d.get("tool", {}).pop("version", None)
    out = json.dumps(d, indent=1, sort_keys=True)
except ValueError:
    out = raw
print(out)
print("exit code", sys.argv[2])' "$3.raw" "$code" >"$3"
}

differ=0
for input in "${inputs[@]}"; do
  key=$(printf '%s' "$input" | tr '/' '_')
  report "$old" "$input" "$work/$key.old"
  report "$new" "$input" "$work/$key.new"
  if ! cmp -s "$work/$key.old" "$work/$key.new"; then
    differ=$((differ + 1))
    echo "--- $input: the reports differ"
    diff -u "$work/$key.old" "$work/$key.new" | head -40 || true
  fi
done
echo "${#inputs[@]} inputs, $differ with different answers"
[ "$differ" -eq 0 ]
