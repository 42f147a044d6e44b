package analyzer

import (
	"testing"
)

// templateLines places fields by path on the lines of a template file, as
// a chart's source map does, and cannot place the rest.
type templateLines map[string]int

func (t templateLines) Place(path string, pos Position) (Position, []Related, bool) {
	line, ok := t[path]
	if !ok {
		return Position{}, nil, false
	}
	at := Position{File: "chart/templates/pod.yaml", Line: line, Column: 3}
	return at, []Related{{Position: pos, Message: "rendered output"}}, true
}

// Start: the template's first lines are a comment and a blank line.
func (t templateLines) Start() (Position, bool) {
	return Position{File: "chart/templates/pod.yaml", Line: 3, Column: 1}, true
}

// A finding on an object with a Placer is placed where the text was
// written, keeps its generated position and the related places, and keeps
// the fingerprint it has unplaced; a field the Placer cannot place stays in
// the generated stream.
func TestFindingsPlaced(t *testing.T) {
	text := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: app\n"
	rule := &Rule{
		ID: "TST1", Slug: "test-rule", Title: "Test", Severity: SeverityNote,
		Description: "Reports two fields.", Remediation: "Nothing.",
		Check: func(p *Pass) {
			p.Report("metadata.name", "named")
			p.Report("spec.containers[0].image", "image")
		},
	}
	reg, err := NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	run := func(placer Placer) *Report {
		in := loadString(t, &Loader{}, text)
		in.Objects[0].Placer = placer
		return RunWith(in, reg, Options{Settings: DefaultSettings})
	}
	plain, placed := run(nil), run(templateLines{"metadata.name": 7})
	if len(plain.Findings) != 2 || len(placed.Findings) != 2 {
		t.Fatalf("findings %+v and %+v, want two each", plain.Findings, placed.Findings)
	}
	byPath := map[string]Finding{}
	for _, f := range placed.Findings {
		byPath[f.Path] = f
	}
	name, image := byPath["metadata.name"], byPath["spec.containers[0].image"]
	if name.Position != (Position{File: "chart/templates/pod.yaml", Line: 7, Column: 3}) {
		t.Errorf("metadata.name at %v, want the template's line 7", name.Position)
	}
	if name.Generated == nil || name.Generated.File != StdinName || name.Generated.Line != 4 {
		t.Errorf("metadata.name generated at %v, want line 4 of standard input", name.Generated)
	}
	if len(name.Related) != 1 || name.Related[0].Position != *name.Generated {
		t.Errorf("related %+v, want the rendered position", name.Related)
	}
	if image.Generated != nil || image.Related != nil || image.Position.File != StdinName || image.Position.Line != 9 {
		t.Errorf("image at %v (generated %v), want line 9 of standard input, unplaced", image.Position, image.Generated)
	}
	fingerprints := map[string]string{}
	for _, f := range plain.Findings {
		fingerprints[f.Path] = f.Fingerprint
	}
	for _, f := range placed.Findings {
		if f.Fingerprint != fingerprints[f.Path] {
			t.Errorf("%s: fingerprint %s placed, %s unplaced", f.Path, f.Fingerprint, fingerprints[f.Path])
		}
	}
}
