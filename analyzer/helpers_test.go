package analyzer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadString loads YAML or JSON text given as standard input.
func loadString(t testing.TB, l *Loader, text string) *Input {
	t.Helper()
	l.Stdin = strings.NewReader(text)
	return l.Load([]string{"-"})
}

// mustObject loads text and returns its only object, failing on problems.
func mustObject(t testing.TB, text string) *Object {
	t.Helper()
	in := loadString(t, &Loader{}, text)
	if len(in.Problems) > 0 {
		t.Fatalf("unexpected problems: %+v", in.Problems)
	}
	if len(in.Objects) != 1 {
		t.Fatalf("got %d objects, want 1", len(in.Objects))
	}
	return in.Objects[0]
}

// writeFiles creates files (relative path to content) under a new temporary
// directory and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// podWithToken is a Pod named name whose one projected token source is
// written as tokenFields (each line indented under serviceAccountToken).
func podWithToken(name, tokenFields string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: app
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
` + tokenFields
}
