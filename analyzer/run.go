package analyzer

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Settings are the rule settings of a run.
type Settings struct {
	// MaxTokenExpiration is the longest expirationSeconds TL103 accepts.
	MaxTokenExpiration int64
}

// DefaultSettings are the settings of a run without configuration.
var DefaultSettings = Settings{MaxTokenExpiration: 86400}

// Finding is one problem found at one position.
type Finding struct {
	Rule     *Rule
	Severity Severity
	Message  string
	Position Position
	// Source is the Helm template the object was rendered from, if known.
	Source string
	Object Ref
	// Path is the field path the finding is about.
	Path string
	// Detail tells the finding apart from others of its rule on the same
	// field, in words that do not change when lines move: the script line
	// a ReportLine finding is about. Empty for most findings.
	Detail string
}

// Pass is what a rule sees of one object. Rules report; they never print,
// sort or filter.
type Pass struct {
	Object   *Object
	Index    *Index
	Settings *Settings

	rule     *Rule
	findings *[]Finding
	failures *[]Problem
}

// Report records a finding about the field at path (in Kubernetes notation,
// for example "spec.volumes[0].projected.sources[1].serviceAccountToken").
// The framework turns the path into a position; a path whose field is absent
// points at its nearest existing ancestor.
func (p *Pass) Report(path string, format string, args ...any) {
	*p.findings = append(*p.findings, newFinding(p.rule, p.Object, path, fmt.Sprintf(format, args...)))
}

// Fail records that the rule could not check the object, such as a policy
// whose evaluation failed. The failure is shown as an error finding of the
// rule at the object, so nobody mistakes silence for a pass, and it counts as
// a problem of the run: the exit status is 2.
func (p *Pass) Fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f := newFinding(p.rule, p.Object, "", "rule failed: "+msg)
	f.Severity = SeverityError
	*p.findings = append(*p.findings, f)
	*p.failures = append(*p.failures, Problem{Position: f.Position, Message: fmt.Sprintf("rule %s failed on %s: %s", p.rule.ID, p.Object.Ref(), msg), Object: p.Object})
}

func newFinding(r *Rule, o *Object, path, msg string) Finding {
	pos, _ := o.Locate(path)
	return Finding{Rule: r, Severity: r.Severity, Message: msg, Position: pos, Source: o.Source, Object: o.Ref(), Path: path}
}

// Report is the result of a run.
type Report struct {
	// Findings are sorted by file, line, column and rule.
	Findings []Finding
	// Problems is every input problem: unreadable files, malformed
	// documents and fields of the wrong type, sorted by file and line. Any
	// problem makes the run exit with status 2.
	Problems []Problem
	Files    int
	Objects  int
}

// Run checks every object of the input with every rule of the registry, on
// all CPUs. Input problems become TL001 findings, except a field problem on a
// field a rule reported: that rule owns the field, and its finding says more.
func Run(in *Input, reg *Registry, settings Settings) *Report {
	ix := NewIndex(in.Objects)
	rep := &Report{Files: in.Files, Objects: len(in.Objects), Problems: slices.Clone(in.Problems)}
	perObject := make([][]Finding, len(in.Objects))
	failures := make([][]Problem, len(in.Objects))

	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(in.Objects))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				perObject[i], failures[i] = check(in.Objects[i], ix, reg, &settings)
			}
		}()
	}
	for i := range in.Objects {
		work <- i
	}
	close(work)
	wg.Wait()

	for _, p := range in.Problems {
		rep.Findings = append(rep.Findings, Finding{Rule: InvalidManifest, Severity: InvalidManifest.Severity, Message: p.Message, Position: p.Position})
	}
	for i, o := range in.Objects {
		rep.Findings = append(rep.Findings, perObject[i]...)
		rep.Problems = append(rep.Problems, o.problems...)
		rep.Problems = append(rep.Problems, failures[i]...)
	}
	SortFindings(rep.Findings)
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Position.File, b.Position.File), cmp.Compare(a.Position.Line, b.Position.Line),
			cmp.Compare(a.Position.Column, b.Position.Column))
	})
	return rep
}

func check(o *Object, ix *Index, reg *Registry, settings *Settings) ([]Finding, []Problem) {
	var findings []Finding
	var failures []Problem
	for _, r := range reg.rules {
		if r.Check == nil || !r.Applies(o.Kind) {
			continue
		}
		pass := &Pass{Object: o, Index: ix, Settings: settings, rule: r, findings: &findings, failures: &failures}
		r.Check(pass)
	}
	owned := make(map[string]bool, len(findings))
	for _, f := range findings {
		owned[f.Path] = true
	}
	for _, p := range o.problems {
		if !owned[p.Path] {
			findings = append(findings, newFinding(InvalidManifest, o, p.Path, p.Message))
		}
	}
	return findings, failures
}

// SortFindings orders findings by file, line, column, rule and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Position.File, b.Position.File),
			cmp.Compare(a.Position.Line, b.Position.Line),
			cmp.Compare(a.Position.Column, b.Position.Column),
			cmp.Compare(a.Rule.ID, b.Rule.ID),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
