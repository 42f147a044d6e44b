package policies

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/tokenlint/tokenlint/analyzer"
)

// spending is what one policy has cost one run, and whether the policy is
// stopped for the rest of it. A stop is one error, on the object whose
// evaluation stopped it, counting every object left unchecked: evaluations
// still running are cancelled and their outcome dropped, later objects are
// skipped, so the count is exact however the run's workers interleave.
type spending struct {
	pol *policy

	mu sync.Mutex
	// finished counts the evaluations whose outcome was reported (a
	// time-out is an outcome: its own error).
	finished int
	timeouts int
	used     time.Duration
	stopped  bool
	// unchecked counts the objects the policy was stopped before it
	// checked, counting the one whose error says so: later objects
	// skipped, evaluations under way dropped.
	unchecked int
	// running are the cancels of the evaluations under way.
	running map[topdown.Cancel]struct{}
}

// spendingKey is the index memo of one policy's spending.
type spendingKey struct{ pol *policy }

// spending is the policy's spending in the run of the index, which lives
// with the run's index, not with the catalog.
func (pol *policy) spending(ix *analyzer.Index) *spending {
	return ix.Memo(spendingKey{pol}, func() any {
		return &spending{pol: pol, running: map[topdown.Cancel]struct{}{}}
	}).(*spending)
}

// begin starts an evaluation that cancel stops and returns its time
// limit: the per-object limit, or what is left of the budget when that is
// less. A limit of 0 means the policy is stopped and the object is not to
// be evaluated; stop is set when this call stopped it (the budget was
// spent) and makes the error to report on the object.
func (s *spending) begin(cancel topdown.Cancel) (limit time.Duration, stop func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		s.unchecked++
		return 0, nil
	}
	rest := s.pol.limits.Budget - s.used
	if rest <= 0 {
		return 0, s.budgetSpent()
	}
	s.running[cancel] = struct{}{}
	return min(s.pol.limits.Timeout, rest), nil
}

// end records an evaluation that took elapsed within limit. drop is set
// when the policy was stopped meanwhile: the stop's error counted the
// object, so its outcome is not reported. stop is set when this
// evaluation stopped the policy, and is the error to report on the object
// instead of its own outcome.
func (s *spending) end(cancel topdown.Cancel, elapsed time.Duration, timedOut bool, limit time.Duration) (drop bool, stop func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, cancel)
	if s.stopped {
		s.unchecked++
		return true, nil
	}
	s.used += elapsed
	if timedOut {
		s.timeouts++
		switch {
		case limit < s.pol.limits.Timeout:
			return false, s.budgetSpent()
		case s.timeouts >= s.pol.limits.Timeouts:
			return false, s.tooManyTimeouts()
		}
	}
	s.finished++
	return false, nil
}

// stop stops the policy for the rest of the run, why and how to raise the
// limit: evaluations under way are cancelled. It returns the error, naming
// the objects left unchecked, to be made once the run has checked every
// object (Pass.FailLate): only then are they all counted.
func (s *spending) stop(why, raise string) func() string {
	s.stopped = true
	s.unchecked++ // this one
	for c := range s.running {
		c.Cancel()
	}
	return func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return fmt.Sprintf("%s, so it is stopped for the rest of the run: %d of the %d objects it checks are left unchecked, this one included; %s",
			why, s.unchecked, s.finished+s.unchecked, raise)
	}
}

func (s *spending) budgetSpent() func() string {
	b := duration(s.pol.limits.Budget)
	return s.stop(fmt.Sprintf("policy %s used up its evaluation time for the run, %s", s.pol.rule.Origin, b),
		fmt.Sprintf("raise limits.policyBudget (now %s) in the configuration to give it more", b))
}

func (s *spending) tooManyTimeouts() func() string {
	l := s.pol.limits
	objects := "objects"
	if s.timeouts == 1 {
		objects = "object"
	}
	return s.stop(fmt.Sprintf("policy %s did not finish within %s on %d %s", s.pol.rule.Origin, duration(l.Timeout), s.timeouts, objects),
		fmt.Sprintf("raise limits.policyTimeout (now %s) or limits.policyTimeouts (now %d) in the configuration to let it run longer", duration(l.Timeout), l.Timeouts))
}

// duration writes a duration as the configuration would: 2s, 1m, 1h30m.
func duration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
