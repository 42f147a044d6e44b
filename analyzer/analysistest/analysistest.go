// Package analysistest checks rules against annotated fixtures, the way
// go/analysis's analysistest does.
//
// A fixture says on its own lines what must be reported there:
//
//	audience: ""   # want: TL101
//	expirationSeconds: 300   # want: TL102 "below the minimum"
//	# want+2: TL301
//
// "want: ID" expects a finding of the rule (ID or slug) on that line; a quoted
// regular expression after an ID must match its message; "want+N" moves the
// expectation N lines down, for findings on lines that cannot hold a comment.
// Several IDs may follow one "want". JSON cannot hold comments: a JSON fixture
// FILE takes its expectations from FILE.want, lines of the form
// "LINE: ID ["regexp"] ...".
//
// The harness fails on every expected finding that is missing and on every
// finding that is not expected, so unannotated documents are negative cases.
//
// A Helm chart directory is a case too: its templates carry the
// expectations, on the template line that writes the offending field (a
// literal key, or the action that produces it), as YAML comments or, where a
// comment would change the rendered YAML (in _helpers.tpl), as template
// comments, which render to nothing:
//
//	automountServiceAccountToken: {{ .Values.serviceAccount.automount }} # want: TL301
//	{{- /* want: TL101 */}}
//
// A finding placed in a template (its Generated position set) must be on the
// expected line. A finding left at the rendered stream matches an expectation
// of its rule in its own template (its Source) or in a helper file (_*.tpl)
// of the chart, whatever the line, and counts as not at its template line:
// Check logs how many chart findings were at their template line.
package analysistest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
)

// Expectation is one finding a fixture asks for.
type Expectation struct {
	File    string
	Line    int
	Rule    string // ID or slug
	Message *regexp.Regexp
}

func (e Expectation) String() string {
	s := fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Rule)
	if e.Message != nil {
		s += fmt.Sprintf(" %q", e.Message)
	}
	return s
}

var (
	wantComment = regexp.MustCompile(`(?:(?:^|\s)#|\{\{-?\s*/\*)\s*want(\+\d+)?:\s*(.*?)(?:\s*\*/\s*-?\}\})?$`)
	wantLine    = regexp.MustCompile(`^\s*(\d+):\s*(.*)$`)
	wantToken   = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"|(\S+)`)
)

// Case is one run: a fixture file, or a directory whose files are linted
// together (for rules that resolve references across files).
type Case struct {
	Name  string
	Paths []string
}

// Cases lists the cases under dir: each file is a case of its own, each
// sub-directory one case holding all its files.
func Cases(t testing.TB, dir string) []Case {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []Case
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() || isFixture(p) {
			cases = append(cases, Case{Name: e.Name(), Paths: []string{p}})
		}
	}
	return cases
}

func isFixture(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// Run lints the case with the registry's rules that are on by default and
// the settings, as a run without configuration, and checks the findings
// against the expectations both ways. It returns the report for further
// checks.
func Run(t testing.TB, c Case, reg *analyzer.Registry, settings analyzer.Settings) *analyzer.Report {
	t.Helper()
	off, err := reg.Off(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return RunWith(t, c, &analyzer.Loader{}, reg, analyzer.Options{Settings: settings, Off: off})
}

// RunWith is Run with a loader and the options of a configured run (a
// fixture directory holding a .tokenlint.yaml).
func RunWith(t testing.TB, c Case, loader *analyzer.Loader, reg *analyzer.Registry, opts analyzer.Options) *analyzer.Report {
	t.Helper()
	report := analyzer.RunWith(loader.Open(c.Paths), reg, opts)
	var wants []Expectation
	for _, p := range c.Paths {
		w, err := ExpectationsUnder(p)
		if err != nil {
			t.Fatal(err)
		}
		wants = append(wants, w...)
	}
	Check(t, reg, wants, report.Findings)
	return report
}

// Check matches findings against expectations, failing on every missing and
// every unexpected finding. Suppressed findings are not reported, so they
// are neither expected nor unexpected: a suppression that fails to apply
// shows as an unexpected finding.
func Check(t testing.TB, reg *analyzer.Registry, wants []Expectation, findings []analyzer.Finding) {
	t.Helper()
	findings = slices.DeleteFunc(slices.Clone(findings), func(f analyzer.Finding) bool { return !f.Counts() })
	used := make([]bool, len(findings))
	// Exact matches first, so that a finding at the rendered stream takes
	// only an expectation no placed finding meets.
	unmet := make([]bool, len(wants))
	for j, w := range wants {
		r := reg.Lookup(w.Rule)
		if r == nil {
			t.Errorf("%s: unknown rule %q in want comment", w, w.Rule)
			continue
		}
		unmet[j] = !claim(findings, used, w, r, func(f analyzer.Finding) bool {
			return filepath.Clean(f.Position.File) == filepath.Clean(w.File) && f.Position.Line == w.Line
		})
	}
	exact, rendered := 0, 0
	for j, w := range wants {
		if !unmet[j] {
			if isTemplate(w.File) {
				exact++
			}
			continue
		}
		r := reg.Lookup(w.Rule)
		if claim(findings, used, w, r, func(f analyzer.Finding) bool { return f.Generated == nil && inTemplateOf(f, w.File) }) {
			rendered++
			continue
		}
		t.Errorf("%s: expected finding is missing%s", w, near(findings, w))
	}
	if exact+rendered > 0 {
		t.Logf("chart findings: %d of %d at their template line, %d at the rendered stream", exact, exact+rendered, rendered)
	}
	for i, f := range findings {
		if !used[i] {
			t.Errorf("%s:%d:%d: unexpected %s %s: %s", f.Position.File, f.Position.Line, f.Position.Column, f.Rule.ID, f.Rule.Slug, f.Message)
		}
		if err := checkColumn(f); err != nil {
			t.Errorf("%s:%d:%d: %s: %v", f.Position.File, f.Position.Line, f.Position.Column, f.Rule.ID, err)
		}
	}
}

// claim marks the first unused finding of rule r that at accepts and whose
// message the expectation's pattern matches as used.
func claim(findings []analyzer.Finding, used []bool, w Expectation, r *analyzer.Rule, at func(analyzer.Finding) bool) bool {
	for i, f := range findings {
		if used[i] || f.Rule != r || !at(f) {
			continue
		}
		if w.Message != nil && !w.Message.MatchString(f.Message) {
			continue
		}
		used[i] = true
		return true
	}
	return false
}

// isTemplate reports whether a fixture file is a file under a chart's
// templates/ directory.
func isTemplate(file string) bool {
	return strings.Contains(filepath.ToSlash(filepath.Dir(file))+"/", "/templates/")
}

// inTemplateOf reports whether a finding left at a chart's rendered stream
// comes from the template file, or from the chart whose helper file it is:
// its object's Source ("chart/templates/x.yaml", "chart/charts/sub/...")
// is a path inside the chart directory once the chart's name is dropped.
func inTemplateOf(f analyzer.Finding, file string) bool {
	chart := f.Position.File
	if _, err := os.Stat(filepath.Join(chart, "Chart.yaml")); err != nil || f.Source == "" {
		return false
	}
	_, rest, ok := strings.Cut(f.Source, "/")
	if !ok {
		return false
	}
	if filepath.Clean(filepath.Join(chart, filepath.FromSlash(rest))) == filepath.Clean(file) {
		return true
	}
	base := filepath.Base(file)
	inChart, err := filepath.Rel(chart, file)
	return err == nil && !strings.HasPrefix(inChart, "..") && strings.HasPrefix(base, "_") && strings.HasSuffix(base, ".tpl")
}

// checkColumn checks a finding's column against the fixture's text: it must
// point at the key of the field the finding names, or of an ancestor, or at
// the start of a list item (the nearest ancestor of a missing field).
func checkColumn(f analyzer.Finding) error {
	if f.Path == "" || f.Position.Line < 1 {
		return nil
	}
	data, err := os.ReadFile(f.Position.File)
	if err != nil {
		return nil // standard input, a rendered chart
	}
	lines := strings.Split(string(data), "\n")
	if f.Position.Line > len(lines) {
		return fmt.Errorf("line beyond the end of the file")
	}
	line := []rune(strings.TrimPrefix(lines[f.Position.Line-1], "\ufeff"))
	if f.Position.Column < 1 || f.Position.Column > len(line) {
		return fmt.Errorf("column beyond the end of the line")
	}
	at := strings.TrimLeft(string(line[f.Position.Column-1:]), `"'`)
	if strings.HasPrefix(at, "{{") {
		return nil // a chart template's action, which wrote the field
	}
	if i := strings.LastIndexByte(f.Path, '['); i >= 0 && strings.HasSuffix(f.Path, "]") {
		if _, err := strconv.Atoi(f.Path[i+1 : len(f.Path)-1]); err == nil {
			return nil // a list item
		}
	}
	keys := pathKeys(f.Path)
	for i := len(keys) - 1; i >= 0; i-- {
		if strings.HasPrefix(at, keys[i]) {
			return nil
		}
	}
	if before := strings.TrimRight(string(line[:f.Position.Column-1]), " "); strings.HasSuffix(before, "-") {
		return nil // the start of a list item, the nearest ancestor of a missing field
	}
	return fmt.Errorf("the column points at %q, not at the key of %s", string([]rune(at)[:min(len([]rune(at)), 20)]), f.Path)
}

// pathKeys lists the map keys of a field path, in order.
func pathKeys(path string) []string {
	var keys []string
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
		if _, err := strconv.Atoi(part); err != nil {
			keys = append(keys, part)
		}
	}
	return keys
}

// near describes the findings on the expected line, to make a miss easy to
// diagnose.
func near(findings []analyzer.Finding, w Expectation) string {
	var s []string
	for _, f := range findings {
		if f.Position.File == w.File && f.Position.Line == w.Line {
			s = append(s, fmt.Sprintf("%s %q", f.Rule.ID, f.Message))
		}
	}
	if len(s) == 0 {
		return ""
	}
	return " (found on that line: " + strings.Join(s, ", ") + ")"
}

// ExpectationsUnder reads the want annotations of a fixture file, or of every
// fixture file beneath a directory.
func ExpectationsUnder(root string) ([]Expectation, error) {
	var out []Expectation
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (isFixture(p) || (strings.HasSuffix(p, ".tpl") && isTemplate(p))) {
			w, err := Expectations(p)
			if err != nil {
				return err
			}
			out = append(out, w...)
		}
		return nil
	})
	return out, err
}

// Expectations reads the want annotations of one fixture file.
func Expectations(file string) ([]Expectation, error) {
	if strings.EqualFold(filepath.Ext(file), ".json") {
		return sidecarExpectations(file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for i, line := range strings.Split(string(data), "\n") {
		m := wantComment.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		at := i + 1
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1][1:])
			at += n
		}
		w, err := parseWants(file, at, m[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
		out = append(out, w...)
	}
	return out, nil
}

func sidecarExpectations(file string) ([]Expectation, error) {
	data, err := os.ReadFile(file + ".want")
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		m := wantLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s.want:%d: want LINE: ID [\"regexp\"]", file, i+1)
		}
		at, _ := strconv.Atoi(m[1])
		w, err := parseWants(file, at, m[2])
		if err != nil {
			return nil, fmt.Errorf("%s.want:%d: %w", file, i+1, err)
		}
		out = append(out, w...)
	}
	return out, nil
}

// parseWants parses `ID ["regexp"] ID ...`.
func parseWants(file string, line int, text string) ([]Expectation, error) {
	var out []Expectation
	for _, tok := range wantToken.FindAllStringSubmatch(text, -1) {
		if tok[2] != "" {
			out = append(out, Expectation{File: file, Line: line, Rule: tok[2]})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("message pattern %q follows no rule", tok[1])
		}
		pattern := strings.ReplaceAll(tok[1], `\"`, `"`)
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, err
		}
		out[len(out)-1].Message = re
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want names no rule")
	}
	return out, nil
}
