package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/config"
	"github.com/tokenlint/tokenlint/rules"
)

func lint(t *testing.T, reg *analyzer.Registry, manifest string) []analyzer.Finding {
	t.Helper()
	return lintWith(t, reg, manifest, "")
}

// lintWith lints a manifest as configured by a .tokenlint.yaml (a rule's
// ExampleConfig): its settings, and the rules it turns on and off.
func lintWith(t *testing.T, reg *analyzer.Registry, manifest, configText string) []analyzer.Finding {
	t.Helper()
	file := filepath.Join(t.TempDir(), "example.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := analyzer.Options{Settings: analyzer.DefaultSettings}
	var enable, disable []string
	if configText != "" {
		cfg, err := config.Parse(".tokenlint.yaml", []byte(configText))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Settings.Apply(&opts.Settings)
		for _, s := range cfg.Enable {
			enable = append(enable, s.Value)
		}
		for _, s := range cfg.Disable {
			disable = append(disable, s.Value)
		}
	}
	off, err := reg.Off(disable, enable)
	if err != nil {
		t.Fatal(err)
	}
	opts.Off = off
	return analyzer.RunWith((&analyzer.Loader{}).Load([]string{file}), reg, opts).Findings
}

func count(fs []analyzer.Finding, r *analyzer.Rule) int {
	n := 0
	for _, f := range fs {
		if f.Rule == r && f.Counts() {
			n++
		}
	}
	return n
}

// TestDocumentedExamples checks each rule's documentation against the rule:
// the example must fire it, and the fixed example must not (a note that
// asks for a choice to be acknowledged is fixed by a suppression with its
// reason).
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
			if n := count(lintWith(t, reg, r.Example, r.ExampleConfig), r); n == 0 {
				t.Error("the documented example does not fire the rule")
			}
			if r.ExampleConfig != "" && count(lint(t, reg, r.Example), r) != 0 {
				t.Error("the documented example fires the rule without the configuration it needs")
			}
			if n := count(lintWith(t, reg, r.Fixed, r.ExampleConfig), r); n != 0 {
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
