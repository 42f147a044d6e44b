package policies

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokenlint/tokenlint/analyzer"
)

// endless never finishes: 10^12 combinations, none of which holds, in
// constant memory. Whatever the machine's load, every evaluation of it
// runs out of time, so the tests below count outcomes and never time them.
const endless = `package acme.endless

deny contains "never" if {
	some a in numbers.range(1, 1000)
	some b in numbers.range(1, 1000)
	some c in numbers.range(1, 1000)
	some d in numbers.range(1, 1000)
	a + b + c + d < 0
}
`

// configMaps is a manifest of n ConfigMaps, as a hostile pull request might
// hold. No built-in policy checks ConfigMaps, so the tight limits of the
// tests below apply to the test's policy alone, never to a built-in one on
// a machine too busy to finish it in time.
func configMaps(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-%d\n  namespace: apps\ndata:\n  mode: %q\n", i, []string{"fast", "safe"}[i%2])
	}
	return b.String()
}

var uncheckedCount = regexp.MustCompile(`: (\d+) of the (\d+) objects it checks are left unchecked, this one included; `)

// stops returns the problems that stopped the policy T100, and checks
// that each says how many objects it left unchecked, out of total.
func stops(t *testing.T, rep *analyzer.Report, total int) (stops []analyzer.Problem, unchecked int) {
	t.Helper()
	for _, p := range rep.Problems {
		if m := uncheckedCount.FindStringSubmatch(p.Message); m != nil {
			stops = append(stops, p)
			unchecked, _ = strconv.Atoi(m[1])
			if m[2] != strconv.Itoa(total) {
				t.Errorf("problem %q: want %d objects checked in all", p.Message, total)
			}
		}
	}
	return stops, unchecked
}

// A policy that always runs out of time on an object is stopped after
// Timeouts of them, with one error, instead of costing Timeout on each of
// 10,000 objects.
func TestTimeoutsStopThePolicy(t *testing.T) {
	const n = 10000
	dir := write(t, map[string]string{"endless.rego": testPolicy("ConfigMap", endless)})
	reg := registry(t, dir, Limits{Timeout: 50 * time.Millisecond, Timeouts: 3, Budget: time.Hour})
	rep := lintRegistry(t, reg, configMaps(n))
	if rep.Objects != n {
		t.Fatalf("linted %d objects, want %d", rep.Objects, n)
	}
	var timeouts int
	for _, p := range rep.Problems {
		if strings.Contains(p.Message, "did not finish within 50ms (limits.policyTimeout)") {
			timeouts++
		}
	}
	stopped, unchecked := stops(t, rep, n)
	// Every evaluation runs out of time: the first two are errors of
	// their own, the third stops the policy, and the evaluations under
	// way then are cancelled and counted with the objects never begun.
	if timeouts != 2 || len(stopped) != 1 || len(rep.Problems) != 3 || unchecked != n-2 {
		t.Fatalf("%d time-outs, %d stops leaving %d unchecked, problems:\n%v\nwant 2 time-outs and one stop leaving %d unchecked", timeouts, len(stopped), unchecked, rep.Problems, n-2)
	}
	msg := stopped[0].Message
	for _, want := range []string{"rule T100 failed on ConfigMap apps/settings-", "policy " + dir, "did not finish within 50ms on 3 objects",
		"raise limits.policyTimeout (now 50ms) or limits.policyTimeouts (now 3) in the configuration"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stop %q does not say %q", msg, want)
		}
	}
	if got := findings(rep, "T100"); len(got) != 3 {
		t.Errorf("got %d T100 findings, want one failure per error: %+v", len(got), got)
	}
}

// A policy that takes its time on every object without ever reaching the
// per-object limit is stopped when it has spent the run's budget.
func TestBudgetStopsThePolicy(t *testing.T) {
	const n = 2000
	dir := write(t, map[string]string{"endless.rego": testPolicy("ConfigMap", endless)})
	reg := registry(t, dir, Limits{Timeout: time.Hour, Timeouts: 3, Budget: 100 * time.Millisecond})
	// The same catalog in two runs: each run has a budget of its own.
	for run := range 2 {
		rep := lintRegistry(t, reg, configMaps(n))
		stopped, unchecked := stops(t, rep, n)
		if len(stopped) != 1 || len(rep.Problems) != 1 || unchecked != n {
			t.Fatalf("run %d: %d stops leaving %d unchecked, problems:\n%v\nwant one stop leaving all %d unchecked", run, len(stopped), unchecked, rep.Problems, n)
		}
		for _, want := range []string{"used up its evaluation time for the run, 100ms", "raise limits.policyBudget (now 100ms)"} {
			if !strings.Contains(stopped[0].Message, want) {
				t.Errorf("stop %q does not say %q", stopped[0].Message, want)
			}
		}
	}
}

// A policy that finishes quickly on every object is stopped once its
// budget is spent too; the objects it reported on and those it left
// unchecked add up to the run's.
func TestBudgetCountsFinishedEvaluations(t *testing.T) {
	const n = 500
	dir := write(t, map[string]string{"p.rego": testPolicy("ConfigMap", "package acme.mode\n\ndeny contains \"mode\" if input.data.mode\n")})
	reg := registry(t, dir, Limits{Timeout: time.Hour, Timeouts: 3, Budget: time.Nanosecond})
	rep := lintRegistry(t, reg, configMaps(n)+"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: not-checked\n")
	stopped, unchecked := stops(t, rep, n)
	if len(stopped) != 1 || len(rep.Problems) != 1 {
		t.Fatalf("problems:\n%v\nwant one stop", rep.Problems)
	}
	reported := 0
	for _, f := range findings(rep, "T100") {
		if f.Message == "mode" {
			reported++
		}
	}
	if reported+unchecked != n {
		t.Errorf("%d objects reported on and %d left unchecked, want %d in all", reported, unchecked, n)
	}
}

func TestDefaultLimitsFillZeroes(t *testing.T) {
	got := Limits{Timeouts: 7}.orDefault()
	if got.Timeout != DefaultLimits.Timeout || got.Timeouts != 7 || got.Budget != DefaultLimits.Budget {
		t.Errorf("got %+v", got)
	}
}

func TestDurationReadsLikeTheConfiguration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Second: "2s", time.Minute: "1m", 90 * time.Minute: "1h30m", 2 * time.Hour: "2h",
		10 * time.Minute: "10m", 50 * time.Millisecond: "50ms", 70 * time.Second: "1m10s",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}
