package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
)

// A streamed run (Loader.Open: objects parsed as they are checked, facts
// kept of the kinds the rules read) and a run of a loaded input (every
// object held) give the same report on every input under testdata: each
// fixture, chart, kustomization and example, with the whole catalog.
func TestStreamedRunsMatchLoadedRuns(t *testing.T) {
	reg, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, dir := range []string{"rules", "loader", "charts", "kustomize", "examples", "policies"} {
		entries, err := os.ReadDir(filepath.Join("..", "..", "testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			inputs = append(inputs, filepath.Join("..", "..", "testdata", dir, e.Name()))
		}
	}
	opts := analyzer.Options{Settings: analyzer.DefaultSettings, Root: "."}
	for _, in := range inputs {
		loader := &analyzer.Loader{RequireObjects: true}
		streamed := report(analyzer.RunWith(loader.Open([]string{in}), reg, opts))
		loaded := report(analyzer.RunWith(loader.Load([]string{in}), reg, opts))
		if streamed != loaded {
			t.Errorf("%s: the streamed run reports\n%s\nthe loaded run\n%s", in, streamed, loaded)
		}
	}
	if len(inputs) < 50 {
		t.Errorf("only %d inputs under testdata", len(inputs))
	}
}

// report is a report's findings, problems and counts, one a line.
func report(rep *analyzer.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "finding %s %s %s %s %v %+v\n", f.Position, f.Rule.ID, f.Fingerprint, f.Message, f.Suppression, f.Related)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "problem %s %s\n", p.Position, p.Message)
	}
	fmt.Fprintf(&b, "%d files, %d objects\n", rep.Files, rep.Objects)
	return b.String()
}
