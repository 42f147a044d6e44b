#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the module, one after the other, each for
# the same time:
#
#	scripts/fuzz.sh            # 30s each (make fuzz)
#	scripts/fuzz.sh 10m        # ten minutes each (make fuzz FUZZTIME=10m)
#	scripts/fuzz.sh 5s ./policies/...   # only these packages
#
# The targets are found with `go test -list`, so a new Fuzz function is run
# without being listed here. Each run prints the executions it made; a
# failure stops the script with the crasher Go wrote under the package's
# testdata/fuzz/<target>/, which then belongs in the repository as a seed.
# FUZZPARALLEL sets the fuzzing workers of each target (default: all CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-30s}
shift || true
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
parallel=()
[ -z "${FUZZPARALLEL:-}" ] || parallel=(-parallel "$FUZZPARALLEL")

total=0
while read -r pkg; do
  dir=${pkg#"$(go list -m)"}
  targets=$(go test -list '^Fuzz' "./${dir#/}" | grep '^Fuzz' || true)
  for target in $targets; do
    echo "--- $target ($pkg, $fuzztime)"
    start=$SECONDS
    log=$(mktemp)
    if ! go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" "${parallel[@]}" "./${dir#/}" 2>&1 | tee "$log" | grep -v '^fuzz: elapsed' ; then
      :
    fi
    if ! grep -q '^ok' "$log"; then
      cat "$log"; rm -f "$log"
      echo "$target failed: see the crasher under ${dir#/}/testdata/fuzz/$target/"; exit 1
    fi
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
    rm -f "$log"
    echo "$target: $execs executions in $((SECONDS - start))s"
    total=$((total + 1))
  done
done < <(go list "${pkgs[@]}")
echo "fuzzed $total targets for $fuzztime each"
