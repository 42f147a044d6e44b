package analysistest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// flagAll reports every container image, so fixtures can predict findings.
var flagAll = &analyzer.Rule{
	ID: "TT001", Slug: "every-container", Title: "Every container", Severity: analyzer.SeverityNote,
	Description: "Reports every container, to test the harness.", Remediation: "Nothing.",
	Check: func(p *analyzer.Pass) {
		ps, ok := p.Object.PodSpec()
		if !ok {
			return
		}
		for i, c := range ps.Spec.Containers {
			p.Report(fmt.Sprintf("%s.containers[%d].image", ps.Path, i), "container %q", c.Name)
		}
	},
}

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: one
    image: a%s
  - name: two
    image: b%s
`

func runOn(t *testing.T, content string) []string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "fixture.yaml")
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := analyzer.NewRegistry(flagAll)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	Run(rec, Case{Name: "fixture", Paths: []string{file}}, reg, analyzer.DefaultSettings)
	return rec.errors
}

func TestAllExpectedPasses(t *testing.T) {
	if errs := runOn(t, fmt.Sprintf(pod, ` # want: TT001 "\"one\""`, " # want: every-container")); len(errs) > 0 {
		t.Errorf("a fixture whose expectations hold failed: %v", errs)
	}
}

func TestMissingFindingFails(t *testing.T) {
	content := fmt.Sprintf(pod, " # want: TT001", " # want: TT001") + "# want: TT001\n"
	errs := runOn(t, content)
	if len(errs) != 1 || !strings.Contains(errs[0], "fixture.yaml:11: TT001: expected finding is missing") {
		t.Errorf("a missing finding was not reported: %v", errs)
	}
}

func TestUnexpectedFindingFails(t *testing.T) {
	errs := runOn(t, fmt.Sprintf(pod, " # want: TT001", ""))
	if len(errs) != 1 || !strings.Contains(errs[0], "fixture.yaml:10:5: unexpected TT001") {
		t.Errorf("an unexpected finding was not reported: %v", errs)
	}
}

func TestMessagePatternMustMatch(t *testing.T) {
	errs := runOn(t, fmt.Sprintf(pod, ` # want: TT001 "\"two\""`, " # want: TT001"))
	if len(errs) != 2 {
		t.Errorf("a finding whose message does not match was accepted: %v", errs)
	}
}

func TestLineOffset(t *testing.T) {
	content := strings.Replace(fmt.Sprintf(pod, "", " # want: TT001"), "  - name: one\n", "  # want+2: TT001\n  - name: one\n", 1)
	if errs := runOn(t, content); len(errs) > 0 {
		t.Errorf("want+N did not move the expectation: %v", errs)
	}
}

func TestSidecarForJSON(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pod.json")
	json := "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"},\n  \"spec\": {\"containers\": [\n    {\"name\": \"c\", \"image\": \"x\"}\n  ]}\n}\n"
	if err := os.WriteFile(file, []byte(json), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file+".want", []byte("6: TT001 \"\\\"c\\\"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wants, err := Expectations(file)
	if err != nil || len(wants) != 1 || wants[0].Line != 6 || wants[0].Message == nil {
		t.Fatalf("sidecar expectations: %v %v", wants, err)
	}
}

func TestUnknownRuleInWant(t *testing.T) {
	errs := runOn(t, fmt.Sprintf(pod, " # want: TT001", " # want: TT001 NOPE999"))
	if len(errs) != 1 || !strings.Contains(errs[0], `unknown rule "NOPE999"`) {
		t.Errorf("an unknown rule in a want comment was accepted: %v", errs)
	}
}

func TestColumnMustPointAtTheField(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f.yaml")
	if err := os.WriteFile(file, []byte("spec:\n  volumes:\n  - name: a\n    audience: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	finding := func(path string, line, col int) analyzer.Finding {
		return analyzer.Finding{Rule: flagAll, Path: path, Position: analyzer.Position{File: file, Line: line, Column: col}}
	}
	for _, tt := range []struct {
		f    analyzer.Finding
		fail bool
	}{
		{finding("spec.volumes[0].audience", 4, 5), false},
		{finding("spec.volumes[0].audience", 4, 15), true},
		{finding("spec.volumes[0].audience", 4, 1), true},
		// A missing field resolves to its nearest ancestor.
		{finding("spec.volumes[0].projected", 3, 5), false},
		{finding("spec.volumes[0].projected", 3, 7), true},
		{finding("spec.volumes", 2, 3), false},
		{finding("spec.volumes[0]", 3, 3), false},
	} {
		if err := checkColumn(tt.f); (err != nil) != tt.fail {
			t.Errorf("checkColumn(%s at %d:%d) = %v, want failure %v", tt.f.Path, tt.f.Position.Line, tt.f.Position.Column, err, tt.fail)
		}
	}
}

// A chart's expectations live in its templates: a finding at the rendered
// stream meets one in its own template (or a helper of the chart), never
// one in another template, and each finding meets one expectation.
func TestChartExpectations(t *testing.T) {
	chart := filepath.Join(t.TempDir(), "web")
	files := map[string]string{
		"Chart.yaml":             "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"values.yaml":            "image: nginx\n",
		"templates/_helpers.tpl": "{{- define \"web.containers\" -}}\n- name: one\n  image: {{ .Values.image }}{{- /* want: TT001 \"one\" */}}\n{{- end }}\n",
		"templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    {{- include \"web.containers\" . | nindent 4 }}\n" +
			"    - name: two\n      image: {{ .Values.image }} # want: TT001 \"two\"\n",
		"templates/other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
	}
	write := func(files map[string]string) {
		for name, text := range files {
			p := filepath.Join(chart, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(files)
	reg, err := analyzer.NewRegistry(flagAll)
	if err != nil {
		t.Fatal(err)
	}
	check := func() []string {
		r := &recorder{TB: t}
		RunWith(r, Case{Name: "web", Paths: []string{chart}}, &analyzer.Loader{}, reg, analyzer.Options{Settings: analyzer.DefaultSettings})
		return r.errors
	}
	if errs := check(); len(errs) > 0 {
		t.Fatalf("the chart's expectations are met, yet: %v", errs)
	}
	// The expectation moved to another template: missing there, and the
	// finding unexpected.
	files["templates/pod.yaml"] = strings.Replace(files["templates/pod.yaml"], ` # want: TT001 "two"`, "", 1)
	files["templates/other.yaml"] += "data:\n  k: v # want: TT001 \"two\"\n"
	write(files)
	if errs := check(); len(errs) != 2 || !strings.Contains(errs[0], "other.yaml:6: TT001") || !strings.Contains(errs[1], "unexpected TT001") {
		t.Fatalf("an expectation in another template: %v", errs)
	}
}
