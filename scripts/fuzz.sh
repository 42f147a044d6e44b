#!/usr/bin/env bash
# Run every fuzz target of the module (every func FuzzXxx in a _test.go
# file, found with go test -list, so a new target needs no entry here) for
# FUZZTIME each, and print how long each ran and how many inputs it tried.
# Stops at the first target that fails: go test then names the failing
# input, written to testdata/fuzz/FuzzXxx/ of its package, which becomes a
# seed once the bug is fixed (commit it).
#
#   scripts/fuzz.sh                  # 1m each (FUZZTIME, a go test -fuzztime)
#   FUZZTIME=10m scripts/fuzz.sh     # ten minutes each
#   scripts/fuzz.sh ./printers       # only the targets of some packages
#   FUZZPARALLEL=1 scripts/fuzz.sh   # one fuzzing worker per target (default: GOMAXPROCS)
#   FUZZJOBS=2 FUZZPARALLEL=1 scripts/fuzz.sh   # two targets at once, one worker each
#
# FUZZJOBS (default 1) targets run at once. A run is as long as FUZZTIME
# whatever the machine does, so two at once take half the time, each with
# half the CPU. Their logs are printed as each ends. With more than one, the
# instrumented build of the package with the most dependencies is made
# first, so that the runs do not compile the same dependencies side by side.
#
# FUZZGCFLAGS, when set, is passed as -gcflags to every build ('all=-N -l'
# builds the instrumented test binaries faster, for slower fuzzing).
#
# FUZZMINIMIZETIME (default 5s) bounds how long the fuzzer minimizes each
# new interesting input (go test's default is 60s). This module's test
# binaries are large (Helm, OPA, Kubernetes: over 500,000 coverage
# counters), minimizing runs no new inputs and is not counted, and under load
# a worker was seen minimizing one input for a minute at 0 execs/s.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-1m}
jobs=${FUZZJOBS:-1}
[ $# -gt 0 ] || set -- ./...

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t targets < <(go test -list '^Fuzz' "$@" | awk '/^Fuzz/ { targets[++n] = $1 } /^(ok|\?) / { for (i = 1; i <= n; i++) print $2, targets[i]; n = 0 }')
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets in $*"; exit 1; }

if [ "$jobs" -gt 1 ]; then
  heaviest="" most=-1
  for pkg in $(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u); do
    n=$(go list -deps -test "$pkg" | wc -l)
    if [ "$n" -gt "$most" ]; then heaviest=$pkg most=$n; fi
  done
  echo "--- the instrumented build of $heaviest ($most packages), for every target"
  start=$SECONDS
  go test -c -fuzz '^$' ${FUZZGCFLAGS:+-gcflags "$FUZZGCFLAGS"} -o "$work/warm.test" "$heaviest"
  rm -f "$work/warm.test"
  echo "built in $((SECONDS - start))s"
fi

# fuzz N PKG TARGET: run one target, its log in $work/N.log, its summary
# line in $work/N.sum; fails when it found something.
fuzz() {
  local n=$1 pkg=$2 target=$3 log=$work/$1.log start=$SECONDS execs code=0
  echo "--- $target ($pkg) for $fuzztime" >"$log"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "${FUZZMINIMIZETIME:-5s}" \
    ${FUZZPARALLEL:+-parallel "$FUZZPARALLEL"} ${FUZZGCFLAGS:+-gcflags "$FUZZGCFLAGS"} "$pkg" >>"$log" 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then
    # go test's fuzzer sometimes ends a run whose time is up while a worker
    # is still busy (minimizing, or a slow input) with "context deadline
    # exceeded" and no failing input: the Go toolchain's own flake, not a
    # finding. Only a run that wrote a failing input has found something.
    if ! grep -q 'Failing input written' "$log" && grep -q 'context deadline exceeded' "$log"; then
      echo "$target: the fuzzer stopped at its deadline with no failing input (context deadline exceeded); not a finding" >>"$log"
    else
      echo "$target failed: see the failing input above" >>"$log"
      return 1
    fi
  fi
  # The last progress line: "fuzz: elapsed: 1m0s, execs: 123456 (2057/sec), ..."
  # None when FUZZTIME ran out while the corpus's baseline coverage was
  # still being gathered (a large corpus in the cache, a short FUZZTIME).
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  printf '%-32s %-45s %6ss %12s execs\n' "$target" "$pkg" $((SECONDS - start)) "${execs:-?}" >"$work/$n.sum"
}

# Start the targets in order, at most $jobs at once; print each log as its
# target ends; after a failure start no more, and fail once the running
# ones have ended.
declare -A running=() # pid -> target number
failed=0
reap() {
  local pid n code=0
  wait -n -p pid "${!running[@]}" || code=$?
  n=${running[$pid]}
  unset "running[$pid]"
  cat "$work/$n.log"
  [ "$code" -eq 0 ] || failed=1
}
for i in "${!targets[@]}"; do
  [ "$failed" -eq 0 ] || break
  while [ ${#running[@]} -ge "$jobs" ]; do reap; done
  [ "$failed" -eq 0 ] || break
  read -r pkg target <<<"${targets[$i]}"
  fuzz "$i" "$pkg" "$target" &
  running[$!]=$i
done
while [ ${#running[@]} -gt 0 ]; do reap; done
if [ "$failed" -ne 0 ]; then
  exit 1
fi

echo "--- fuzzing: every target for $fuzztime"
for i in "${!targets[@]}"; do
  cat "$work/$i.sum"
done
