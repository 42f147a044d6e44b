package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestVersionNamesTheRevision builds tokenlint with `go build` from a git
// checkout of this repository and checks that --version and `version` name
// HEAD and say whether the tree was modified. (That -ldflags -X sets the
// version is checked by .ci/run's GoReleaser snapshot build.)
//
// Go records the revision only when the module's directory holds a .git
// directory: not in a `git worktree` (where .git is a file) nor with
// GOFLAGS=-buildvcs=false. So the build happens in a temporary clone at
// HEAD holding this working tree's files, which is what a fresh clone gives
// a user, with the same revision and the same modified state.
func TestVersionNamesTheRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tokenlint")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	top, err := gitOut(t, ".", "rev-parse", "--show-toplevel")
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	head, err := gitOut(t, top, "rev-parse", "HEAD")
	if err != nil {
		t.Skipf("no commit: %v", err)
	}
	status, err := gitOut(t, top, "status", "--porcelain")
	if err != nil {
		t.Fatal(err)
	}
	modified := status != ""
	files, err := gitOut(t, top, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		t.Fatal(err)
	}

	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	if _, err := gitOut(t, tmp, "clone", "--quiet", "--shared", "--no-checkout", top, src); err != nil {
		t.Fatal(err)
	}
	// Point the clone at HEAD (index too) without touching its empty tree,
	// then give it this working tree's files.
	if _, err := gitOut(t, src, "reset", "--quiet", head); err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(files, "\x00") {
		if name != "" {
			copyFile(t, filepath.Join(top, name), filepath.Join(src, name))
		}
	}

	short := head[:7]
	if modified {
		short += "-dirty"
	}
	bin := filepath.Join(tmp, "tokenlint")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// -buildvcs=true overrides a GOFLAGS=-buildvcs=false in the environment.
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/tokenlint")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`^tokenlint (\S+) \(commit ([0-9a-f]+(?:-dirty)?), (\S+), (go\S+)\)$`)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("tokenlint %v: %v", args, err)
		}
		m := line.FindStringSubmatch(strings.TrimSuffix(string(out), "\n"))
		if m == nil {
			t.Fatalf("tokenlint %v: %q", args, out)
		}
		// Go derives the module version from the checkout: a tag at HEAD,
		// or a pseudo-version naming the revision (+dirty when modified).
		if !regexp.MustCompile(`^v\d+\.\d+\.\d+\S*$`).MatchString(m[1]) {
			t.Errorf("tokenlint %v: version %q, want the module version Go derives from the checkout", args, m[1])
		}
		if m[2] != short {
			t.Errorf("tokenlint %v: commit %q, want %q (HEAD %s, modified %v)", args, m[2], short, head, modified)
		}
		if m[4] != runtime.Version() {
			t.Errorf("tokenlint %v: Go %q, want %q", args, m[4], runtime.Version())
		}
	}
}

func gitOut(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", &gitError{args, err, stderr.String()}
	}
	return strings.TrimRight(string(out), "\n"), nil
}

type gitError struct {
	args   []string
	err    error
	stderr string
}

func (e *gitError) Error() string {
	return "git " + strings.Join(e.args, " ") + ": " + e.err.Error() + ": " + strings.TrimSpace(e.stderr)
}

// copyFile copies a regular file with its mode; a file listed but deleted
// from the working tree is left out, as it is in the tree.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLinksNoClusterClient: tokenlint renders charts client-only, with
// Helm's chart, engine and release packages (analyzer/helm.go), so the
// build must not link Helm's action package, its Kubernetes client
// wrapper, its getters (registry and HTTP clients) or kubectl and
// cli-runtime, which are most of a binary that links them. (Helm's chart
// packages themselves import k8s.io/client-go's typed clientset, for its
// scheme and its version: that much stays.)
func TestLinksNoClusterClient(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not installed")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	banned := []string{"helm.sh/helm/v4/pkg/action", "helm.sh/helm/v4/pkg/kube", "helm.sh/helm/v4/pkg/getter",
		"helm.sh/helm/v4/pkg/registry", "k8s.io/kubectl/", "k8s.io/cli-runtime/"}
	for _, pkg := range strings.Fields(string(out)) {
		for _, b := range banned {
			if pkg == strings.TrimSuffix(b, "/") || strings.HasPrefix(pkg, strings.TrimSuffix(b, "/")+"/") {
				t.Errorf("tokenlint links %s", pkg)
			}
		}
	}
}
