package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/analyzer/analysistest"
)

// TestFixtures lints every annotated fixture with the whole catalog as a run
// without configuration has it (non-default rules off), so each fixture is
// also a negative case for every other rule.
func TestFixtures(t *testing.T) {
	reg, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"rules", "loader", "charts", "kustomize"} {
		for _, c := range analysistest.Cases(t, filepath.Join("..", "..", "testdata", dir)) {
			if dir == "charts" && !hasExpectations(t, c) {
				continue // a chart that declares nothing (the placement rate test checks it)
			}
			t.Run(dir+"/"+c.Name, func(t *testing.T) {
				// A directory with a .tokenlint.yaml is linted as
				// configured (settings, rules on and off, severities).
				if cfg := filepath.Join(c.Paths[0], ".tokenlint.yaml"); fileExists(cfg) {
					rc, err := resolve(Streams{}, lintOptions{config: cfg}, c.Paths[0])
					if err != nil {
						t.Fatal(err)
					}
					analysistest.RunWith(t, c, rc.loader, rc.reg, rc.options)
					return
				}
				// Otherwise as without one: non-default rules off.
				analysistest.Run(t, c, reg, analyzer.DefaultSettings)
			})
		}
	}
}

// TestEveryRuleHasAFixture keeps the catalog and the fixtures in step: every
// rule must be expected somewhere under testdata/rules or testdata/loader.
func TestEveryRuleHasAFixture(t *testing.T) {
	reg, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*analyzer.Rule]bool{}
	for _, dir := range []string{"rules", "loader", "charts", "kustomize"} {
		for _, c := range analysistest.Cases(t, filepath.Join("..", "..", "testdata", dir)) {
			for _, p := range c.Paths {
				wants, err := analysistest.ExpectationsUnder(p)
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range wants {
					if r := reg.Lookup(w.Rule); r != nil {
						seen[r] = true
					}
				}
			}
		}
	}
	for _, r := range reg.Rules() {
		if !seen[r] {
			t.Errorf("rule %s %s has no fixture expecting it", r.ID, r.Slug)
		}
	}
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

// hasExpectations reports whether a case declares any expected finding.
func hasExpectations(t *testing.T, c analysistest.Case) bool {
	t.Helper()
	for _, p := range c.Paths {
		wants, err := analysistest.ExpectationsUnder(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(wants) > 0 {
			return true
		}
	}
	return false
}
