package analyzer

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKustomizeMatchesCLI builds every kustomization under testdata/ with
// the kustomize command named by TOKENLINT_KUSTOMIZE (.ci/run builds it
// from this module's graph, the release of the kustomize API tokenlint
// uses) and with tokenlint, and compares the two object by object: what
// tokenlint lints is what `kustomize build` prints, with the annotations
// tokenlint asks for to place findings removed. A kustomization tokenlint
// refuses before building (a remote base, a Helm chart) is not handed to
// the command, which would reach the network; one that the command cannot
// build either (a component alone) must fail in both.
func TestKustomizeMatchesCLI(t *testing.T) {
	bin := os.Getenv("TOKENLINT_KUSTOMIZE")
	if bin == "" {
		t.Skip("TOKENLINT_KUSTOMIZE names no kustomize command")
	}
	var dirs []string
	err := filepath.WalkDir("../testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && isKustomizationDir(p) {
			dirs = append(dirs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 5 {
		t.Fatalf("found %d kustomizations under testdata/: %v", len(dirs), dirs)
	}
	compared := 0
	for _, dir := range dirs {
		t.Run(filepath.ToSlash(strings.TrimPrefix(dir, "../testdata/")), func(t *testing.T) {
			ours := (&Loader{}).buildKustomization(dir)
			if p := ours.problem; p != nil && (strings.Contains(p.Message, "is remote") || strings.Contains(p.Message, "Helm chart")) {
				t.Logf("refused before building, not handed to kustomize: %s", p.Message)
				return
			}
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "build", dir)
			cmd.Stderr = &stderr
			theirs, err := cmd.Output()
			switch {
			case err != nil && ours.problem != nil:
				t.Logf("both fail: kustomize: %s; tokenlint: %s", strings.TrimSpace(stderr.String()), ours.problem.Message)
				return
			case err != nil:
				t.Fatalf("kustomize build fails (%v: %s), tokenlint builds it", err, stderr.String())
			case ours.problem != nil:
				t.Fatalf("kustomize builds it, tokenlint fails: %s", ours.problem.Message)
			}
			want, got := strings.Split(string(theirs), "\n---\n"), strings.Split(string(ours.stream), "\n---\n")
			for i := range max(len(want), len(got)) {
				switch {
				case i >= len(want):
					t.Errorf("object %d: tokenlint has one more:\n%s", i, got[i])
				case i >= len(got):
					t.Errorf("object %d: kustomize has one more:\n%s", i, want[i])
				case want[i] != got[i]:
					t.Errorf("object %d differs:\nkustomize:\n%s\ntokenlint:\n%s", i, want[i], got[i])
				}
			}
			if !bytes.Equal(theirs, ours.stream) && !t.Failed() {
				t.Errorf("the streams differ outside the objects:\nkustomize %q\ntokenlint %q", theirs, ours.stream)
			}
			compared++
		})
	}
	t.Logf("%d kustomizations built alike, object by object", compared)
}
