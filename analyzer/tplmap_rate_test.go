package analyzer_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/cmd/cli"
)

// TestTemplatePlacementRate measures, over every chart under testdata/,
// how many findings point at the exact template text that wrote the field:
// the finding's template position holds the key the rendered position
// holds (a key written literally), or the action ("{{") that wrote it (a
// value, toYaml of a block, an include). It is checked against the
// rendering, not the map: a finding the map placed on the wrong line fails
// it. At least 98% must; the others are named.
func TestTemplatePlacementRate(t *testing.T) {
	reg, err := cli.Catalog() // the built-in Go rules and Rego policies
	if err != nil {
		t.Fatal(err)
	}
	total, exact := 0, 0
	var misses []string
	for _, chart := range chartsUnder(t, filepath.Join("..", "testdata")) {
		l := &analyzer.Loader{}
		in := l.Load([]string{chart})
		if len(in.Problems) > 0 {
			// A chart meant to fail (a missing dependency, a hostile
			// template) has no findings to place.
			t.Logf("%s: not rendered: %s", chart, in.Problems[0].Message)
			continue
		}
		stream, err := l.RenderedChart(chart)
		if err != nil {
			t.Fatal(err)
		}
		rendered := strings.Split(string(stream), "\n")
		rep := analyzer.Run(in, reg, analyzer.DefaultSettings)
		n := 0
		for _, f := range rep.Findings {
			if f.Source == "" {
				continue
			}
			n++
			total++
			if why := misplaced(f, rendered); why != "" {
				misses = append(misses, f.Rule.ID+" "+f.Path+" ("+f.Source+"): "+why)
				continue
			}
			exact++
		}
		t.Logf("%s: %d findings", chart, n)
	}
	if total == 0 {
		t.Fatal("no chart under testdata/ has findings")
	}
	rate := float64(exact) / float64(total)
	t.Logf("%d of %d chart findings (%.1f%%) point at the exact template text that wrote the field", exact, total, 100*rate)
	for _, m := range misses {
		t.Logf("not exact: %s", m)
	}
	if rate < 0.98 {
		t.Errorf("%.1f%% of chart findings on the exact template line, want at least 98%%:\n%s", 100*rate, strings.Join(misses, "\n"))
	}
}

// misplaced says why a finding does not point at the template text that
// wrote its field, or "".
func misplaced(f analyzer.Finding, rendered []string) string {
	g := f.Generated
	if g == nil {
		return "left on the rendered output at " + f.Position.String()
	}
	if g.Line < 1 || g.Line > len(rendered) {
		return "rendered position " + g.String() + " is outside the stream"
	}
	got := textAt(rendered[g.Line-1], g.Column)
	data, err := os.ReadFile(f.Position.File)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(string(data), "\n")
	if f.Position.Line < 1 || f.Position.Line > len(lines) {
		return "template position " + f.Position.String() + " is outside the template"
	}
	wrote := textAt(lines[f.Position.Line-1], f.Position.Column)
	// The key (up to its colon) or the list item's dash that the rendered
	// position shows.
	token := got
	if i := strings.IndexAny(token, ": "); i > 0 {
		token = token[:i]
	}
	switch {
	case strings.HasPrefix(wrote, "{{"):
		return ""
	case token != "" && strings.HasPrefix(wrote, token):
		return ""
	}
	return "rendered " + g.String() + " shows " + quote(got) + ", but template " + f.Position.String() + " holds " + quote(wrote)
}

// textAt is a line from a 1-based character column on.
func textAt(line string, col int) string {
	r := []rune(strings.TrimRight(line, "\r"))
	if col < 1 || col > len(r)+1 {
		return ""
	}
	return string(r[col-1:])
}

func quote(s string) string { return "\"" + s + "\"" }

// chartsUnder are the charts beneath a directory, a subchart (a chart in
// another's charts/) not counted on its own: it renders with its parent.
func chartsUnder(t *testing.T, root string) []string {
	t.Helper()
	var charts []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if _, err := os.Stat(filepath.Join(path, "Chart.yaml")); err == nil {
			charts = append(charts, path)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return charts
}
