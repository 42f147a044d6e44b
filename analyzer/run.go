package analyzer

import (
	"cmp"
	"fmt"
	"os"
	"slices"
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

	// obj is what the finding keeps of its object, which the run drops
	// once it is checked; stable is its path as fingerprints name it.
	obj    *objectInfo
	stable string
	// late, when set, makes Message once every object is checked.
	late func() string
}

// objectInfo is what a run keeps of a checked object for its findings and
// annotation suppressions: where it starts and ends, not the object.
type objectInfo struct {
	// firstLine is the object's first line in its file; start, when
	// placed (a Placer placed it), where its text begins in the file it
	// was written in, if the Placer can say.
	firstLine int
	placed    bool
	start     *Position
	// first and last are the object's lines, kept only when the run
	// reports changed lines alone (Options.Changes).
	first, last int
}

// info is what the run keeps of the object.
func (o *Object) info(lines bool) *objectInfo {
	info := &objectInfo{firstLine: o.FirstLine(), placed: o.Placer != nil}
	if o.Placer != nil {
		if start, ok := o.Placer.Start(); ok {
			info.start = &start
		}
	}
	if lines {
		info.first, info.last = o.Lines()
	}
	return info
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
	info     *objectInfo
	findings *[]Finding
	failures *[]failure
}

// Report records a finding about the field at path (in Kubernetes notation,
// for example "spec.volumes[0].projected.sources[1].serviceAccountToken").
// The framework turns the path into a position; a path whose field is absent
// points at its nearest existing ancestor.
func (p *Pass) Report(path string, format string, args ...any) {
	*p.findings = append(*p.findings, newFinding(p.rule, p.Object, p.info, path, fmt.Sprintf(format, args...)))
}

// Fail records that the rule could not check the object, such as a policy
// whose evaluation failed. The failure is shown as an error finding of the
// rule at the object, so nobody mistakes silence for a pass, and it counts as
// a problem of the run: the exit status is 2.
func (p *Pass) Fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.FailLate(func() string { return msg })
}

// FailLate is Fail with a message made once the run has checked every
// object: for a failure whose words depend on the whole run, such as how
// many objects a policy that was stopped left unchecked. msg is called
// once, after every Check of the run has returned.
func (p *Pass) FailLate(msg func() string) {
	f := newFinding(p.rule, p.Object, p.info, "", "")
	f.Severity = SeverityError
	f.late = func() string { return "rule failed: " + msg() }
	*p.findings = append(*p.findings, f)
	id, ref := p.rule.ID, p.Object.Ref()
	*p.failures = append(*p.failures, failure{pos: f.Position, msg: func() string {
		return fmt.Sprintf("rule %s failed on %s: %s", id, ref, msg())
	}})
}

// failure is a rule's failure on an object, a problem of the run whose
// message is made once every object is checked.
type failure struct {
	pos Position
	msg func() string
}

func newFinding(r *Rule, o *Object, info *objectInfo, path, msg string) Finding {
	pos, _ := o.Locate(path)
	f := Finding{Rule: r, Severity: r.Severity, Message: msg, Position: pos, Source: o.Source, Object: o.Ref(), Path: canonicalPath(path), obj: info}
	f.stable = stablePath(o.Raw, f.Path)
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

// Run checks every object of the input with the rules of the registry that
// are on by default, on all CPUs, with the settings and nothing else
// configured: as a run without configuration.
func Run(in *Input, reg *Registry, settings Settings) *Report {
	off, _ := reg.Off(nil, nil) // naming no rule, it cannot fail
	return RunWith(in, reg, Options{Settings: settings, Off: off})
}

// RunWith checks every object of the input with the rules of the registry
// that are on, on all CPUs. Input problems become TL001 findings, except a
// field problem on a field a rule reported: that rule owns the field, and its
// finding says more. Context objects take part in references but are not
// checked. Then it overrides severities, applies suppressions and the
// baseline, and leaves out unchanged findings.
//
// An input from Open is read in two passes. The first parses only the
// documents that may hold objects of the kinds whose facts the rules read
// (Rule.Facts) and keeps those facts; the second parses every document,
// checks its objects and keeps their findings. Each object is released once
// checked, so memory holds the facts and the findings, not the input.
func RunWith(in *Input, reg *Registry, opts Options) *Report {
	rules := make([]*Rule, 0, len(reg.rules))
	var facts []Facts
	for _, r := range reg.rules {
		if r.Check != nil && !opts.Off[r] {
			rules = append(rules, r)
			for _, f := range r.Facts {
				if !slices.Contains(facts, f) {
					facts = append(facts, f)
				}
			}
		}
	}
	c := &checker{ix: NewIndex(facts...), rules: rules, opts: &opts}
	if in.Objects != nil || in.sources == nil {
		c.checkLoaded(in)
	} else {
		c.checkStreamed(in, facts)
	}
	in.checkYields()
	return c.report(in, reg)
}

// checkLoaded checks the objects of an input from Load, which are all
// there: their facts first, then each object.
func (c *checker) checkLoaded(in *Input) {
	for _, o := range in.Objects {
		if c.ix.wants(o.Group(), o.Kind) {
			c.ix.add(o, nil)
		}
	}
	ordered(func(yield func(*Object)) {
		for _, o := range in.Objects {
			if !o.Context {
				yield(o)
			}
		}
	}, c.check, func(_ *Object, r objectChecked) { c.keep(r) })
}

// checkStreamed checks an input from Open in two passes: the first keeps
// the facts of the documents that may hold their kinds, the second parses
// and checks every document that is not context. Facts that need a word
// of the input (Fact.When) get a pass between the two, when the first has
// seen one.
func (c *checker) checkStreamed(in *Input, facts []Facts) {
	first := true
	// Facts that name words (Fact.When) are kept by a pass of their own,
	// only when the first pass has seen a document that holds one.
	var eager, later []Facts
	var when [][]byte
	for _, f := range facts {
		if len(f.when()) == 0 {
			eager = append(eager, f)
			continue
		}
		later = append(later, f)
		for _, w := range f.when() {
			when = append(when, []byte(w))
		}
	}
	triggered := false
	keepFacts := func(fs []Facts, watch bool) {
		pf := newPrefilter(fs)
		of := func(f Facts) bool { return slices.Contains(fs, f) }
		pass(in, first, false, func(*source) bool { return true },
			func(_ *source, ch *chunk) bool {
				if watch && !triggered {
					triggered = mentionsAny(ch.text, when)
				}
				return pf.keeps(ch.text)
			},
			(*source).parse,
			func(_ *source, r chunkResult) {
				for _, o := range r.objects {
					if c.ix.wants(o.Group(), o.Kind) {
						c.ix.add(o, of)
					}
				}
			})
		first = false
	}
	if len(facts) > 0 {
		keepFacts(eager, len(later) > 0)
	}
	if triggered {
		keepFacts(later, false)
	}
	pass(in, first, true, func(s *source) bool { return !s.context }, func(*source, *chunk) bool { return true },
		func(s *source, ch *chunk) checked {
			s.loader.Progress.documentParsed()
			r := s.parse(ch)
			out := checked{problems: r.problems}
			for _, o := range r.objects {
				out.objects = append(out.objects, c.check(o))
			}
			return out
		},
		func(s *source, r checked) {
			in.countDocument(s, len(r.objects), r.problems)
			for _, o := range r.objects {
				c.keep(o)
			}
		})
}

// checker checks the objects of one run and keeps what the report needs
// of them.
type checker struct {
	ix    *Index
	rules []*Rule
	opts  *Options

	objects int
	// findings are each object's, kept as they came: one slice grown to
	// hold them all would hold up to twice as many while it grows.
	findings   [][]Finding
	nfindings  int
	problems   []Problem
	failures   []failure
	directives []Directive
}

// checked is what checking a document gave: its problems and what each of
// its objects gave.
type checked struct {
	problems []Problem
	objects  []objectChecked
}

// objectChecked is what checking one object gave.
type objectChecked struct {
	findings   []Finding
	problems   []Problem
	failures   []failure
	directives []Directive
}

// check checks one object, on any goroutine.
func (c *checker) check(o *Object) objectChecked {
	info := o.info(c.opts.Changes != nil)
	findings, failures := check(o, info, c.ix, c.rules, &c.opts.Settings)
	c.opts.Progress.objectChecked()
	return objectChecked{findings: findings, problems: o.problems, failures: failures, directives: annotationDirectives(o, info)}
}

// keep keeps what checking an object gave, in input order.
func (c *checker) keep(r objectChecked) {
	c.objects++
	if len(r.findings) > 0 {
		c.findings = append(c.findings, r.findings)
		c.nfindings += len(r.findings)
	}
	c.problems = append(c.problems, r.problems...)
	c.failures = append(c.failures, r.failures...)
	c.directives = append(c.directives, r.directives...)
}

// report makes the report of the run once every object is checked.
func (c *checker) report(in *Input, reg *Registry) *Report {
	opts := c.opts
	rep := &Report{Files: in.Files, Objects: c.objects}
	rep.Findings = make([]Finding, 0, len(in.Problems)+c.nfindings)
	for _, p := range in.Problems {
		rep.Findings = append(rep.Findings, Finding{Rule: InvalidManifest, Severity: InvalidManifest.Severity, Message: p.Message, Position: p.Position})
	}
	for _, fs := range c.findings {
		rep.Findings = append(rep.Findings, fs...)
	}
	c.findings = nil
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.late != nil {
			f.Message, f.late = f.late(), nil
		}
	}
	rep.Problems = slices.Concat(in.Problems, c.problems)
	for _, f := range c.failures {
		rep.Problems = append(rep.Problems, Problem{Position: f.pos, Message: f.msg()})
	}
	directives := slices.Concat(in.Directives, c.directives)
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
		return c.Lines(file, f.obj.first, f.obj.last)
	}
	return false
}

// runCheck runs a rule on one object. A rule that panics on it has failed
// on that object, as a policy whose evaluation fails has: the failure is a
// finding and a problem of the run (exit status 2), and every other rule
// and object is still checked.
func runCheck(r *Rule, p *Pass) {
	defer func() {
		if v := recover(); v != nil {
			p.Fail("it crashed (%v), a bug of tokenlint's: please report it with this manifest", v)
		}
	}()
	r.Check(p)
}

func check(o *Object, info *objectInfo, ix *Index, rules []*Rule, settings *Settings) ([]Finding, []failure) {
	var findings []Finding
	var failures []failure
	for _, r := range rules {
		if !r.Applies(o.Kind) {
			continue
		}
		pass := &Pass{Object: o, Index: ix, Settings: settings, rule: r, info: info, findings: &findings, failures: &failures}
		runCheck(r, pass)
	}
	owned := make(map[string]bool, len(findings))
	for i := range findings {
		if len(o.typos) > 0 {
			findings[i].Message += o.typoNote(&findings[i])
		}
		owned[findings[i].Path] = true
	}
	for _, p := range o.problems {
		if !owned[p.Path] {
			findings = append(findings, newFinding(InvalidManifest, o, info, p.Path, p.Message))
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
