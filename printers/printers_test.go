package printers_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/printers"
	"github.com/tokenlint/tokenlint/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// repoRoot is where file names in the golden files are relative to.
var repoRoot, _ = filepath.Abs("..")

// report lints the bundled examples, a broken file and a missing one, so the
// goldens show findings, Helm templates, and input errors.
func report(t *testing.T) (*analyzer.Report, *analyzer.Registry) {
	t.Helper()
	reg, err := analyzer.NewRegistry(rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{
		filepath.Join(repoRoot, "testdata", "examples"),
		filepath.Join(repoRoot, "testdata", "golden", "input", "broken.yaml"),
		filepath.Join(repoRoot, "testdata", "golden", "input", "missing.yaml"),
	}
	return analyzer.Run((&analyzer.Loader{}).Load(paths), reg, analyzer.DefaultSettings), reg
}

func render(t *testing.T, format string, opts printers.Options) []byte {
	t.Helper()
	rep, reg := report(t)
	opts.Registry, opts.BaseDir, opts.Version = reg, repoRoot, "test"
	p, err := printers.New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Print(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(repoRoot, "testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./printers -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./printers -update and review the diff\n--- got\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	golden(t, "examples.txt", render(t, "text", printers.Options{}))
}

func TestJSONGolden(t *testing.T) {
	got := render(t, "json", printers.Options{})
	golden(t, "examples.json", got)
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("not one JSON document: %v", err)
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	plain := render(t, "text", printers.Options{})
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("plain output holds ANSI escapes")
	}
	coloured := render(t, "text", printers.Options{Color: true})
	if !bytes.Contains(coloured, []byte("\x1b[31merror\x1b[0m")) {
		t.Errorf("coloured output does not paint errors red:\n%s", coloured)
	}
}

func TestTextIsSortedAndRelative(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(render(t, "text", printers.Options{}))), "\n")
	if len(lines) < 3 {
		t.Fatalf("too few lines:\n%s", strings.Join(lines, "\n"))
	}
	prevFile, prevLine := "", 0
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "testdata/") {
			t.Errorf("file name is not relative to the base directory: %s", l)
		}
		parts := strings.SplitN(l, ":", 3)
		file, line := parts[0], 0
		if len(parts) == 3 {
			line, _ = strconv.Atoi(parts[1])
		}
		if file < prevFile || file == prevFile && line < prevLine {
			t.Errorf("not sorted by file and line: %s after %s:%d", l, prevFile, prevLine)
		}
		prevFile, prevLine = file, line
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := printers.New("xml", printers.Options{}); err == nil {
		t.Error("an unknown format was accepted")
	}
}
