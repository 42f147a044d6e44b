package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's configuration reference")

const (
	readmeBegin = "<!-- config-reference:start -->\n"
	readmeEnd   = "<!-- config-reference:end -->\n"
)

// TestReadmeConfigReference fails when the README's table of keys differs
// from the key table; -update rewrites it.
func TestReadmeConfigReference(t *testing.T) {
	readme := filepath.Join("..", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	begin, end := strings.Index(text, readmeBegin), strings.Index(text, readmeEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md has no configuration reference between %q and %q", readmeBegin, readmeEnd)
	}
	want := "<!-- generated from config/keys.go by `go test ./config -run TestReadmeConfigReference -update`; do not edit -->\n" + referenceMarkdown()
	if got := text[begin+len(readmeBegin) : end]; got == want {
		return
	}
	if *update {
		text = text[:begin+len(readmeBegin)] + want + text[end:]
		if err := os.WriteFile(readme, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration reference is stale: run go test ./config -run TestReadmeConfigReference -update")
}
