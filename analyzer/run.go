package analyzer

import (
	"cmp"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
)

// Settings are the rule settings of a run.
type Settings struct {
	// MaxTokenExpiration is the longest expirationSeconds TL103 accepts.
	MaxTokenExpiration int64
	// AllowedAudiences are the audiences projected tokens may request;
	// empty allows any.
	AllowedAudiences []string
}

// DefaultSettings are the settings of a run without configuration.
var DefaultSettings = Settings{MaxTokenExpiration: 86400}

// Options are how a run checks and reports: its settings, the rules it runs
// and their severities, and what it suppresses or leaves out.
type Options struct {
	Settings Settings
	// Off are the rules that do not run (a framework rule's findings are
	// dropped instead). Rules that are not on by default must be enabled by
	// leaving them out of Off: see Registry.Selection.
	Off map[*Rule]bool
	// Severity overrides rules' default severities.
	Severity map[*Rule]Severity
	// Root is the directory fingerprints name files relative to: the
	// repository root. Empty means the working directory.
	Root string
	// Baseline suppresses the findings it holds.
	Baseline *Baseline
	// Changes, when set, limits the report to findings on changed lines or
	// in changed objects (--new-from-rev).
	Changes Changes
	// Progress, when set, counts the objects checked.
	Progress *Progress
}

// Changes tells which lines of the input changed (since a git revision).
type Changes interface {
	// Lines reports whether a line from first to last (1-based,
	// inclusive) of the file changed.
	Lines(file string, first, last int) bool
	// Under reports whether a file at or beneath the directory changed.
	Under(dir string) bool
}

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
	// Suppression is set when the finding is suppressed: it is reported,
	// marked, but does not count for the exit code.
	Suppression *Suppression
	// Fingerprint identifies the finding across runs while lines move
	// (see Fingerprint).
	Fingerprint string
	// Generated is where the finding is in the stream its object was read
	// from, when that stream was generated (a rendered Helm chart, a
	// kustomize build) and the object's Placer placed Position where the
	// text was written; nil otherwise.
	Generated *Position
	// Related are other places the finding concerns (see Related).
	Related []Related

	obj *Object
}

// Related is another place a finding concerns, and what it is: the values
// key that set a value, the template that included a helper, the overlay
// that built an object, the position in the generated stream.
type Related struct {
	Position Position `json:"position"`
	Message  string   `json:"message"`
}

// A Placer says where a person wrote the fields of an object generated from
// other files (rendered from a Helm chart, built by kustomize). The loader
// sets one on such objects; every finding on the object goes through it.
type Placer interface {
	// Place is where the field at path, found at pos in the generated
	// stream, was written, and the places related to it. ok is false when
	// it cannot say: the finding then stays at pos.
	Place(path string, pos Position) (at Position, related []Related, ok bool)
	// Start is where the object's text begins where it was written (the
	// first line of its document in the template or the base resource),
	// so that a suppression comment above it covers findings about the
	// whole object as it does in a plain file. ok is false when it cannot
	// say.
	Start() (at Position, ok bool)
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
	f := Finding{Rule: r, Severity: r.Severity, Message: msg, Position: pos, Source: o.Source, Object: o.Ref(), Path: canonicalPath(path), obj: o}
	if o.Placer != nil {
		if at, related, ok := o.Placer.Place(f.Path, pos); ok {
			f.Generated, f.Position, f.Related = &pos, at, related
		}
	}
	return f
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
	// Baseline is the baseline file of the run, if any, and BaselineFixed
	// the number of its entries that match no finding any more.
	Baseline      string
	BaselineFixed int
	// Unchanged counts the findings left out because their lines and
	// objects did not change (Options.Changes).
	Unchanged int
	// Root is the directory fingerprints name files relative to.
	Root string
}

// RootRelative is a file name relative to the report's root, with forward
// slashes, as fingerprints and baselines name files.
func (rep *Report) RootRelative(name string) string { return relativeTo(rep.Root, name) }

// Counts reports whether the finding counts for the exit code.
func (f *Finding) Counts() bool { return f.Suppression == nil }

// Run checks every object of the input with every rule of the registry, on
// all CPUs, with the settings and nothing else configured.
func Run(in *Input, reg *Registry, settings Settings) *Report {
	return RunWith(in, reg, Options{Settings: settings})
}

// RunWith checks every object of the input with the rules of the registry
// that are on, on all CPUs. Input problems become TL001 findings, except a
// field problem on a field a rule reported: that rule owns the field, and its
// finding says more. Context objects take part in references but are not
// checked. Then it overrides severities, applies suppressions and the
// baseline, and leaves out unchanged findings.
func RunWith(in *Input, reg *Registry, opts Options) *Report {
	ix := NewIndex(in.Objects)
	rep := &Report{Files: in.Files, Problems: slices.Clone(in.Problems)}
	perObject := make([][]Finding, len(in.Objects))
	failures := make([][]Problem, len(in.Objects))
	rules := make([]*Rule, 0, len(reg.rules))
	for _, r := range reg.rules {
		if r.Check != nil && !opts.Off[r] {
			rules = append(rules, r)
		}
	}

	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(in.Objects))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				perObject[i], failures[i] = check(in.Objects[i], ix, rules, &opts.Settings)
				opts.Progress.objectChecked()
			}
		}()
	}
	for i, o := range in.Objects {
		if !o.Context {
			work <- i
		}
	}
	close(work)
	wg.Wait()

	for _, p := range in.Problems {
		rep.Findings = append(rep.Findings, Finding{Rule: InvalidManifest, Severity: InvalidManifest.Severity, Message: p.Message, Position: p.Position})
	}
	directives := slices.Clone(in.Directives)
	for i, o := range in.Objects {
		directives = append(directives, annotationDirectives(o)...)
		if o.Context {
			continue
		}
		rep.Objects++
		rep.Findings = append(rep.Findings, perObject[i]...)
		rep.Problems = append(rep.Problems, o.problems...)
		rep.Problems = append(rep.Problems, failures[i]...)
	}
	rep.Findings = append(rep.Findings, suppress(rep.Findings, directives, reg, opts.Off)...)
	if len(opts.Off) > 0 {
		// Framework rules have no Check to skip: their findings go.
		rep.Findings = slices.DeleteFunc(rep.Findings, func(f Finding) bool { return opts.Off[f.Rule] })
	}
	for i := range rep.Findings {
		if sev, ok := opts.Severity[rep.Findings[i].Rule]; ok {
			rep.Findings[i].Severity = sev
		}
	}
	SortFindings(rep.Findings)
	rep.Root = opts.Root
	if rep.Root == "" {
		rep.Root, _ = os.Getwd()
	}
	fingerprint(rep.Findings, rep.Root)
	if opts.Baseline != nil {
		files := map[string]bool{}
		for name := range in.linted {
			files[rep.RootRelative(name)] = true
		}
		rep.Baseline = opts.Baseline.File
		rep.BaselineFixed = opts.Baseline.apply(rep.Findings, files, reg, opts.Off)
	}
	if opts.Changes != nil {
		n := len(rep.Findings)
		rep.Findings = slices.DeleteFunc(rep.Findings, func(f Finding) bool { return !changed(f, opts.Changes, in.Stdin) })
		rep.Unchanged = n - len(rep.Findings)
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Position.File, b.Position.File), cmp.Compare(a.Position.Line, b.Position.Line),
			cmp.Compare(a.Position.Column, b.Position.Column))
	})
	return rep
}

// changed reports whether a finding's line or object changed. A finding in a
// Helm chart or a kustomization left in its generated stream (whose lines
// are no file's) or about a file
// as a whole changed when a file of the chart, or the file, did; standard
// input (named stdin here, whatever name it was given) always did: its lines
// are not the lines of any revision.
func changed(f Finding, c Changes, stdin string) bool {
	file := f.Position.File
	switch {
	case file == StdinName || stdin != "" && file == stdin:
		return true
	case f.Position.Line == 0 || isDir(file):
		return c.Under(file)
	case f.Source != "" && f.Generated != nil && isDir(f.Generated.File):
		// Placed on a template: a change anywhere in the chart (its
		// values, a helper) may have made it.
		return c.Under(f.Generated.File)
	case c.Lines(file, f.Position.Line, max(f.Position.Line, f.Position.EndLine)):
		return true
	case f.obj != nil:
		first, last := f.obj.Lines()
		return c.Lines(file, first, last)
	}
	return false
}

func check(o *Object, ix *Index, rules []*Rule, settings *Settings) ([]Finding, []Problem) {
	var findings []Finding
	var failures []Problem
	for _, r := range rules {
		if !r.Applies(o.Kind) {
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
