#!/usr/bin/env bash
# Run every fuzz target of the module (every func FuzzXxx in a _test.go
# file, found with go test -list, so a new target needs no entry here) for
# FUZZTIME each, one after another, and print how long each ran and how many
# inputs it tried. Stops at the first target that fails: go test then names
# the failing input, written to testdata/fuzz/FuzzXxx/ of its package, which
# becomes a seed once the bug is fixed (commit it).
#
#   scripts/fuzz.sh                  # 1m each (FUZZTIME, a go test -fuzztime)
#   FUZZTIME=10m scripts/fuzz.sh     # ten minutes each
#   scripts/fuzz.sh ./printers       # only the targets of some packages
#   FUZZPARALLEL=1 scripts/fuzz.sh   # one fuzzing worker per target (default: GOMAXPROCS)
#
# FUZZMINIMIZETIME (default 5s) bounds how long the fuzzer minimizes each
# new interesting input (go test's default is 60s). This module's test
# binaries are large (Helm, OPA, Kubernetes: over 500,000 coverage
# counters), minimizing runs no new inputs and is not counted, and under load
# a worker was seen minimizing one input for a minute at 0 execs/s.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-1m}
[ $# -gt 0 ] || set -- ./...

summary=()
while read -r pkg target; do
  echo "--- $target ($pkg) for $fuzztime"
  log=$(mktemp)
  start=$SECONDS
  if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "${FUZZMINIMIZETIME:-5s}" ${FUZZPARALLEL:+-parallel "$FUZZPARALLEL"} "$pkg" 2>&1 | tee "$log"; then
    # go test's fuzzer sometimes ends a run whose time is up while a worker
    # is still busy (minimizing, or a slow input) with "context deadline
    # exceeded" and no failing input: the Go toolchain's own flake, not a
    # finding. Only a run that wrote a failing input has found something.
    if ! grep -q 'Failing input written' "$log" && grep -q 'context deadline exceeded' "$log"; then
      echo "$target: the fuzzer stopped at its deadline with no failing input (context deadline exceeded); not a finding"
    else
      rm -f "$log"
      echo "$target failed: see the failing input above"
      exit 1
    fi
  fi
  # The last progress line: "fuzz: elapsed: 1m0s, execs: 123456 (2057/sec), ..."
  # None when FUZZTIME ran out while the corpus's baseline coverage was
  # still being gathered (a large corpus in the cache, a short FUZZTIME).
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  summary+=("$(printf '%-32s %-45s %6ss %12s execs' "$target" "$pkg" $((SECONDS - start)) "${execs:-?}")")
  rm -f "$log"
done < <(go test -list '^Fuzz' "$@" | awk '/^Fuzz/ { targets[++n] = $1 } /^(ok|\?) / { for (i = 1; i <= n; i++) print $2, targets[i]; n = 0 }')

echo "--- fuzzing: every target for $fuzztime"
printf '%s\n' "${summary[@]}"
