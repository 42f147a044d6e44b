package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/rules"
)

func lint(t *testing.T, reg *analyzer.Registry, manifest string) *analyzer.Report {
	t.Helper()
	file := filepath.Join(t.TempDir(), "example.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return analyzer.Run((&analyzer.Loader{}).Load([]string{file}), reg, analyzer.DefaultSettings)
}

func count(fs []analyzer.Finding, r *analyzer.Rule) int {
	n := 0
	for _, f := range fs {
		if f.Rule == r {
			n++
		}
	}
	return n
}

// TestDocumentedExamples checks each rule's documentation against the rule:
// the example must fire it, and the fixed example must not. A framework rule
// (invalid-manifest) documents input the run reports as a problem: its
// example must be one, though a rule that owns the field may report it.
func TestDocumentedExamples(t *testing.T) {
	reg, err := analyzer.NewRegistry(rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reg.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if r.Example == "" || r.Fixed == "" {
				t.Fatal("the rule has no example or no fixed example")
			}
			example, fixed := lint(t, reg, r.Example), lint(t, reg, r.Fixed)
			if r.Check == nil {
				if len(example.Problems) == 0 {
					t.Error("the documented example is not reported as an input problem")
				}
				if len(fixed.Problems) != 0 {
					t.Errorf("the fixed example still has input problems: %+v", fixed.Problems)
				}
				return
			}
			if n := count(example.Findings, r); n == 0 {
				t.Error("the documented example does not fire the rule")
			}
			if n := count(fixed.Findings, r); n != 0 {
				t.Errorf("the fixed example still fires the rule %d times", n)
			}
		})
	}
}

func TestCatalogIsValid(t *testing.T) {
	all := rules.All()
	if _, err := analyzer.NewRegistry(all...); err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Check == nil {
			t.Errorf("%s has no Check", r.ID)
		}
	}
}
