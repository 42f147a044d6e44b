package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/analyzer/analysistest"
)

// maxFirstSentence is the longest a finding's first sentence may be, in
// runes: a reviewer reads it at a glance in an annotation, a SARIF alert or a
// terminal line, and it must say on its own what is wrong and why it matters.
const maxFirstSentence = 160

// firstSentence is a message up to its first ". " (a sentence ends with a
// period and a space; messages have no trailing period), or all of it.
func firstSentence(msg string) string {
	if i := strings.Index(msg, ". "); i >= 0 {
		return msg[:i]
	}
	return msg
}

// TestMessagesReadAtAGlance lints every fixture and the examples with the
// whole catalog and checks the first sentence of every finding's message:
// the rest of a message (what decided, how to fix) may be as long as it
// needs, the rule's Description carries the long form.
func TestMessagesReadAtAGlance(t *testing.T) {
	reg, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	testdata := filepath.Join("..", "..", "testdata")
	// The examples are linted as one run, as the README's sample output
	// does; so are the printers' golden input. Each chart is a case.
	cases := []analysistest.Case{
		{Name: "examples", Paths: []string{filepath.Join(testdata, "examples")}},
		{Name: "golden/input", Paths: []string{filepath.Join(testdata, "golden", "input")}},
	}
	for _, dir := range []string{"rules", "loader", "charts", "kustomize"} {
		for _, c := range analysistest.Cases(t, filepath.Join(testdata, dir)) {
			c.Name = dir + "/" + c.Name
			cases = append(cases, c)
		}
	}
	findings := 0
	for _, c := range cases {
		rep := analyzer.Run((&analyzer.Loader{}).Load(c.Paths), reg, analyzer.DefaultSettings)
		for _, f := range rep.Findings {
			findings++
			first := firstSentence(f.Message)
			if n := utf8.RuneCountInString(first); n > maxFirstSentence {
				t.Errorf("%s: %s:%d: %s: first sentence is %d runes, more than %d:\n\t%s",
					c.Name, f.Position.File, f.Position.Line, f.Rule.ID, n, maxFirstSentence, f.Message)
			}
		}
	}
	if findings == 0 {
		t.Fatal("the fixtures produced no findings: nothing was checked")
	}
}
