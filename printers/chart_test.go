package printers_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/cmd/cli"
	"github.com/tokenlint/tokenlint/printers"
)

// shopChart is a chart written as popular charts are: helpers, a library
// chart, a subchart, values feeding automountServiceAccountToken.
const shopChart = "testdata/charts/tplmap-shop"

// chartReport lints the shop chart from the repository root.
func chartReport(t *testing.T) (*analyzer.Report, *analyzer.Registry) {
	t.Helper()
	reg, err := cli.Catalog() // the built-in Go rules and Rego policies
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(repoRoot)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{shopChart}), reg, analyzer.DefaultSettings)
	if len(rep.Problems) > 0 {
		t.Fatalf("input problems: %+v", rep.Problems)
	}
	return rep, reg
}

// The shop chart's findings, as every format must place them: on the
// template file, line and column, the rendered position beside, and the
// values key that set the field or the template that included the helper.
var chartWant = []struct {
	rule, file string
	line, col  int
	related    string // a related message, or ""
}{
	{"TL101", shopChart + "/charts/tplmap-common/templates/_tokens.tpl", 9, 9, "included by templates/job-migrate.yaml:30"},
	{"TL301", shopChart + "/charts/worker/templates/deployment.yaml", 14, 7, "set `worker.automount` in values.yaml:55"},
	{"TL301", shopChart + "/templates/deployment.yaml", 2, 1, ""},
	{"TL101", shopChart + "/templates/deployment.yaml", 45, 17, ""},
	{"TL102", shopChart + "/templates/deployment.yaml", 50, 19, ""},
	{"TL301", shopChart + "/templates/tests/test-connection.yaml", 2, 1, ""},
}

func TestChartFindingsInEveryFormat(t *testing.T) {
	rep, reg := chartReport(t)
	opts := printers.Options{Registry: reg, BaseDir: repoRoot, SARIFRoot: repoRoot, Version: "test"}
	var unsuppressed []analyzer.Finding
	for _, f := range rep.Findings {
		if f.Counts() {
			unsuppressed = append(unsuppressed, f)
		}
	}
	if len(unsuppressed) != len(chartWant) {
		t.Fatalf("%d findings, want %d: %+v", len(unsuppressed), len(chartWant), unsuppressed)
	}

	text := string(print(t, "text", opts, rep))
	var jsonDoc struct {
		Findings []struct {
			RuleID, File, Placement string
			Line, Column            int
			Suppressed              bool
			Rendered                *struct {
				File string
				Line int
			}
			Related []struct {
				File, Message string
				Line          int
			}
		}
	}
	if err := json.Unmarshal(print(t, "json", opts, rep), &jsonDoc); err != nil {
		t.Fatal(err)
	}
	sarifDoc := print(t, "sarif", opts, rep)
	validateSARIF(t, sarifDoc)
	results := parseSARIF(t, sarifDoc).Runs[0].Results
	github := string(print(t, "github", opts, rep))
	gitlab := validateGitLab(t, print(t, "gitlab", opts, rep))
	junit := string(print(t, "junit", opts, rep))

	k := 0
	for i, w := range chartWant {
		at := fmt.Sprintf("%s:%d:%d", w.file, w.line, w.col)
		if !strings.Contains(text, at+": ") || (w.related != "" && !strings.Contains(text, w.related)) {
			t.Errorf("text has no %s %s at %s (related %q):\n%s", w.rule, w.file, at, w.related, text)
		}
		for k < len(jsonDoc.Findings) && jsonDoc.Findings[k].Suppressed {
			k++
		}
		jf := jsonDoc.Findings[k]
		k++
		if jf.RuleID != w.rule || jf.File != w.file || jf.Line != w.line || jf.Column != w.col || jf.Placement != "template" ||
			jf.Rendered == nil || jf.Rendered.File != shopChart || jf.Rendered.Line == 0 {
			t.Errorf("json finding %d: %+v, want %s at %s, placed, with the rendered position", i, jf, w.rule, at)
		}
		if w.related != "" && (len(jf.Related) == 0 || jf.Related[len(jf.Related)-1].Message != w.related) {
			t.Errorf("json %s at %s: related %+v, want %q", w.rule, at, jf.Related, w.related)
		}

		found := false
		for _, r := range results {
			pl := r.Locations[0].PhysicalLocation
			if r.RuleID != w.rule || pl.ArtifactLocation.URI != w.file || pl.Region == nil || pl.Region.StartLine != w.line || pl.Region.StartColumn != w.col {
				continue
			}
			found = true
			if len(r.RelatedLocations) == 0 || r.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI != shopChart ||
				!strings.HasPrefix(r.RelatedLocations[0].Message.Text, "rendered output: line ") {
				t.Errorf("sarif %s at %s: related locations %+v, want the rendered position first", w.rule, at, r.RelatedLocations)
			}
			if w.related != "" && r.RelatedLocations[len(r.RelatedLocations)-1].Message.Text != w.related {
				t.Errorf("sarif %s at %s: related locations %+v, want %q", w.rule, at, r.RelatedLocations, w.related)
			}
		}
		if !found {
			t.Errorf("sarif has no %s with a region at %s", w.rule, at)
		}
		if !strings.Contains(github, fmt.Sprintf("file=%s,line=%d,col=%d,", w.file, w.line, w.col)) {
			t.Errorf("github has no annotation at %s:\n%s", at, github)
		}
		if !containsGitLab(gitlab, w.file, w.line) {
			t.Errorf("gitlab has no issue at %s:%d", w.file, w.line)
		}
		if !strings.Contains(junit, fmt.Sprintf("%s:%d:%d: ", w.file, w.line, w.col)) {
			t.Errorf("junit has no failure at %s", at)
		}
	}
}

func containsGitLab(issues []gitlabIssue, file string, line int) bool {
	for _, is := range issues {
		if is.Location.Path == file && is.Location.Lines.Begin == line {
			return true
		}
	}
	return false
}

// A finding of a chart that the source map cannot place stays on the
// rendered output and says so, in every format: here, a template whose
// file no longer holds what was rendered.
func TestChartFindingUnplacedSaysSo(t *testing.T) {
	rep, reg := chartReport(t)
	opts := printers.Options{Registry: reg, BaseDir: repoRoot, SARIFRoot: repoRoot, Version: "test"}
	// As the loader leaves a finding it cannot place.
	f := rep.Findings[0]
	chart := filepath.FromSlash(shopChart)
	f.Position, f.Generated, f.Related = *f.Generated, nil, nil
	f.Position.File = chart
	rep.Findings = []analyzer.Finding{f}
	text := string(print(t, "text", opts, rep))
	if !strings.Contains(text, shopChart+":") || !strings.Contains(text, "points at the rendered output") {
		t.Errorf("text does not say the finding points at the rendered output:\n%s", text)
	}
	var doc struct{ Findings []struct{ Placement string } }
	if err := json.Unmarshal(print(t, "json", opts, rep), &doc); err != nil || len(doc.Findings) != 1 || doc.Findings[0].Placement != "rendered" {
		t.Errorf("json placement %+v (%v), want rendered", doc.Findings, err)
	}
	sarifDoc := print(t, "sarif", opts, rep)
	validateSARIF(t, sarifDoc)
	r := parseSARIF(t, sarifDoc).Runs[0].Results[0]
	if pl := r.Locations[0].PhysicalLocation; pl.ArtifactLocation.URI != shopChart || pl.Region != nil ||
		!strings.Contains(r.Message.Text, "points at the rendered output") || !strings.Contains(r.Message.Text, "of the rendered chart") {
		t.Errorf("sarif %+v: %s; want the chart as a whole, and the message saying where in the rendered output", pl, r.Message.Text)
	}
	if gh := string(print(t, "github", opts, rep)); !strings.HasPrefix(gh, "::"+f.Severity.String()+" file="+shopChart+",title=") && !strings.Contains(gh, "file="+shopChart+",title=") {
		t.Errorf("github annotation for an unplaced chart finding: %s", gh)
	}
}
