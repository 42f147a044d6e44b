package analyzer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/cmd/cli"
)

// A suppression comment in a template suppresses the finding placed on the
// template line below it however the chart renders: with values that move
// the rendered lines, and it becomes unused (TL003, on the template) when
// the values make the finding go.
func TestTemplateSuppression(t *testing.T) {
	reg, err := cli.Catalog() // the built-in Go rules and Rego policies
	if err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join("..", "testdata", "charts", "tplmap-shop")
	template := filepath.Join(chart, "templates", "legacy-token.yaml")
	// Annotations rendered above the suppressed line, and an earlier
	// document grown, move the rendered lines, not the template's.
	moved := filepath.Join(t.TempDir(), "moved.yaml")
	if err := os.WriteFile(moved, []byte("ciToken:\n  annotations:\n    owner: ci\n    team: platform\n    ticket: OPS-1412\npodAnnotations:\n  a: b\n  c: d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lint := func(helm analyzer.HelmOptions) *analyzer.Report {
		in := (&analyzer.Loader{Helm: helm}).Load([]string{chart})
		if len(in.Problems) > 0 {
			t.Fatalf("input problems: %+v", in.Problems)
		}
		return analyzer.Run(in, reg, analyzer.DefaultSettings)
	}
	var lines []int
	for _, helm := range []analyzer.HelmOptions{{}, {ValueFiles: []string{moved}}} {
		rep := lint(helm)
		var legacy *analyzer.Finding
		for i, f := range rep.Findings {
			switch f.Rule.ID {
			case "TL201":
				legacy = &rep.Findings[i]
			case "TL002", "TL003":
				t.Errorf("values %v: %s at %s: %s", helm.ValueFiles, f.Rule.ID, f.Position, f.Message)
			}
		}
		switch {
		case legacy == nil:
			t.Errorf("values %v: no TL201", helm.ValueFiles)
		case legacy.Position.File != template || legacy.Position.Line != 13:
			t.Errorf("values %v: TL201 at %s, want %s:13", helm.ValueFiles, legacy.Position, template)
		case legacy.Suppression == nil || legacy.Suppression.Position.File != template || legacy.Suppression.Position.Line != 12:
			t.Errorf("values %v: TL201 suppressed by %+v, want the comment at %s:12", helm.ValueFiles, legacy.Suppression, template)
		default:
			lines = append(lines, legacy.Generated.Line)
		}
	}
	if len(lines) == 2 && lines[0] == lines[1] {
		t.Errorf("the values moved no rendered line (TL201 rendered at line %d both times): the test proves nothing", lines[0])
	}

	rep := lint(analyzer.HelmOptions{Set: []string{"ciToken.type=Opaque"}})
	unused := 0
	for _, f := range rep.Findings {
		if f.Rule.ID == "TL003" {
			unused++
			if f.Position.File != template || f.Position.Line != 12 || f.Generated == nil {
				t.Errorf("TL003 at %s (rendered %v), want the comment at %s:12", f.Position, f.Generated, template)
			}
		}
	}
	if unused != 1 {
		t.Errorf("ciToken.type=Opaque: %d TL003 findings, want the one comment", unused)
	}
}
