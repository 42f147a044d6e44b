package printers

// How CI servers read what this printer writes (from the Jenkins junit
// plugin's CaseResult.java and GitLab's lib/gitlab/ci/parsers/test/junit.rb):
//
// Jenkins names a test classname + "." + name, and splits the classname at
// its last dot into package and class. It reads only the first <error> or
// <failure> of a test case (an error first): its message attribute is the
// "Error Message", its text the "Stacktrace". A <skipped> makes the case
// skipped whatever else it holds. The junit step fails the build when the
// files it is given hold no test case at all, unless allowEmptyResults is
// set.
//
// GitLab reads one <testsuites> with <testsuite> elements (nested ones too),
// and gives each <testcase> a status: failed with a <failure>, else error
// with an <error>, else skipped with a <skipped>, else success. It shows the
// element's text as the case's output, and the merge request widget lists
// the cases that failed, new ones first.
//
// Azure DevOps (PublishTestResults with testResultsFormat JUnit) reads the
// same elements.
//
// The output validates against the JUnit schema of the Jenkins xUnit plugin
// (junit-10.xsd), which allows no skipped count on <testsuites> and no file
// attribute on <testcase>: the file is in each finding's line instead.

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
)

// JUnit writes JUnit XML: a test suite for each rule with findings, named
// "TL101 projected-token-missing-audience", holding a test case for each
// object the rule reported on (classname "tokenlint.TL101", name
// "Deployment shop/payments (deploy/payments.yaml)"; the file alone for a
// problem with no object, such as a document that does not parse). The case
// has one <failure> whose message is the findings' and whose type is the
// highest severity among them, and whose text has one line per finding:
// "file:line:col: severity ID message [object]", as the text format writes
// it. TL001 (input that could not be read or parsed) is an <error> instead:
// the check could not run. A case whose findings are all suppressed is
// <skipped>, with what suppressed them; suppressed findings beside others
// are listed in the failure, marked.
//
// A test case per rule and object that passed would be thousands of cases
// that say nothing; a rule with no findings has no suite. A run with no
// findings at all writes one passing case, "no findings" in suite
// "tokenlint", so that the report is never empty.
//
// Text from manifests goes through printable.Line, as a text line does, so
// that names and messages stay on their line and show line breaks, control
// characters, bidirectional overrides and bytes that are not UTF-8 escaped
// (\n, \x1b, \u202e, \xff); then through encoding/xml, which escapes markup
// (and would replace what XML 1.0 cannot hold with U+FFFD, but none is left).
type JUnit struct{ opts Options }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitKey is what a test case stands for: a rule's findings on one object
// (or one file, for findings with no object).
type junitKey struct {
	rule *analyzer.Rule
	file string
	obj  analyzer.Ref
}

// Print writes the report.
func (p *JUnit) Print(w io.Writer, rep *analyzer.Report) error {
	var keys []junitKey
	byKey := map[junitKey][]analyzer.Finding{}
	for _, f := range rep.Findings {
		pl := placeOf(f.Position, f.Source)
		k := junitKey{rule: f.Rule, file: pl.file, obj: f.Object}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], f)
	}
	// Suites in rule ID order; cases in report order (file and line).
	slices.SortStableFunc(keys, func(a, b junitKey) int { return strings.Compare(a.rule.ID, b.rule.ID) })

	out := junitSuites{Name: "tokenlint"}
	for _, k := range keys {
		if name := printable.Line(k.rule.ID + " " + k.rule.Slug); len(out.Suites) == 0 || out.Suites[len(out.Suites)-1].Name != name {
			out.Suites = append(out.Suites, junitSuite{Name: name})
		}
		s := &out.Suites[len(out.Suites)-1]
		c := p.testCase(k, byKey[k])
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	if len(out.Suites) == 0 {
		out.Suites = []junitSuite{{Name: "tokenlint", Tests: 1, Cases: []junitCase{{
			Name: "no findings", Classname: "tokenlint", Time: "0",
			SystemOut: fmt.Sprintf("no findings in %d objects, %d files", rep.Objects, rep.Files),
		}}}}
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// testCase is the test case of one rule's findings on one object.
func (p *JUnit) testCase(k junitKey, fs []analyzer.Finding) junitCase {
	name := p.opts.rootPath(k.file)
	if ref := k.obj.String(); ref != "" {
		name = ref + " (" + name + ")"
	}
	c := junitCase{Name: printable.Line(name), Classname: "tokenlint." + printable.Line(k.rule.ID), Time: "0"}

	var counted, suppressed []analyzer.Finding
	for _, f := range fs {
		if f.Counts() {
			counted = append(counted, f)
		} else {
			suppressed = append(suppressed, f)
		}
	}
	var lines []string
	for _, f := range counted {
		lines = append(lines, p.line(f))
	}
	for _, f := range suppressed {
		lines = append(lines, p.line(f)+" (suppressed by "+printable.Line(p.opts.suppressedBy(f.Suppression))+")")
	}
	text := strings.Join(lines, "\n")

	if len(counted) == 0 {
		c.Skipped = &junitProblem{Message: "suppressed: " + printable.Line(p.opts.suppressedBy(suppressed[0].Suppression)), Text: text}
		return c
	}
	worst := counted[0].Severity
	var msgs []string
	for _, f := range counted {
		worst = max(worst, f.Severity)
		msgs = append(msgs, printable.Line(f.Message))
	}
	msg := strings.Join(msgs, "; ")
	if len(counted) > 1 {
		msg = strconv.Itoa(len(counted)) + " findings: " + msg
	}
	problem := &junitProblem{Message: msg, Type: worst.String(), Text: text}
	if k.rule == analyzer.InvalidManifest {
		c.Error = problem
	} else {
		c.Failure = problem
	}
	return c
}

// line is a finding as the text format writes it, with the file relative
// to the repository root.
func (p *JUnit) line(f analyzer.Finding) string {
	pl := placeOf(f.Position, f.Source)
	where := p.opts.rootPath(pl.file)
	if pos := pl.pos; pos.Line > 0 {
		where += fmt.Sprintf(":%d:%d", pos.Line, pos.Column)
	}
	return printable.Line(fmt.Sprintf("%s: %s %s %s", where, f.Severity, f.Rule.ID, findingMessage(f, pl)))
}
