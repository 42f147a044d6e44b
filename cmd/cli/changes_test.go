package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testRepo is a throwaway git repository in a temporary directory.
type testRepo struct {
	t   *testing.T
	dir string
	env []string
}

// newRepo makes an empty repository on branch main. The machine's git
// configuration must not matter, neither to the git commands that build the
// repository nor to the ones changedSince runs, which inherit the process
// environment; so both see an empty home and no system configuration.
func newRepo(t *testing.T) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	home := t.TempDir()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"HOME":                    home,
		"XDG_CONFIG_HOME":         home,
		"GIT_CONFIG_NOSYSTEM":     "1",
		"GIT_CONFIG_GLOBAL":       filepath.Join(home, ".gitconfig"),
		"GIT_CEILING_DIRECTORIES": filepath.Dir(filepath.Dir(dir)),
	} {
		t.Setenv(k, v)
	}
	// Set by git when tests run from a hook; they would point git elsewhere.
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG_PARAMETERS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	r := &testRepo{t: t, dir: dir, env: append(os.Environ(),
		"HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com")}
	r.git("init", "-q")
	r.git("symbolic-ref", "HEAD", "refs/heads/main")
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// path is name, relative to the top level, as an absolute path.
func (r *testRepo) path(name string) string { return filepath.Join(r.dir, filepath.FromSlash(name)) }

func (r *testRepo) write(name, content string) {
	r.t.Helper()
	p := r.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(r.path(name)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) commit(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
}

func (r *testRepo) since(rev string) *changes {
	r.t.Helper()
	c, err := changedSince(r.dir, rev)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// numbered is n lines, "line 1" to "line n", with those in edit replaced.
func numbered(n int, edit map[int]string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if s, ok := edit[i]; ok {
			b.WriteString(s)
		} else {
			fmt.Fprintf(&b, "line %d\n", i)
		}
	}
	return b.String()
}

// wantLines checks, for each line from 1 to n of file, whether it counts as
// changed: exactly the lines in changed do.
func wantLines(t *testing.T, c *changes, file string, n int, changed ...int) {
	t.Helper()
	set := map[int]bool{}
	for _, l := range changed {
		set[l] = true
	}
	for l := 1; l <= n; l++ {
		if got := c.Lines(file, l, l); got != set[l] {
			t.Errorf("Lines(%q, %d, %d) = %v, want %v", file, l, l, got, set[l])
		}
	}
}

func TestChangedLines(t *testing.T) {
	r := newRepo(t)
	r.write("middle.yaml", numbered(10, nil))
	r.write("end.yaml", numbered(10, nil))
	r.write("deleted-line.yaml", numbered(10, nil))
	r.write("staged.yaml", numbered(10, nil))
	r.write("same.yaml", numbered(10, nil))
	r.write("headers.yaml", numbered(10, map[int]string{3: "-- a/same.yaml\n"}))
	r.commit("base")

	r.write("middle.yaml", numbered(10, map[int]string{5: "changed\n"}))
	r.write("end.yaml", numbered(11, nil))
	r.write("deleted-line.yaml", numbered(10, map[int]string{5: ""}))
	r.write("staged.yaml", numbered(10, map[int]string{2: "staged\n"}))
	r.git("add", "staged.yaml")
	// Hunk bodies that read like file headers ("--- a/same.yaml", "+++
	// b/same.yaml") must not move the later hunks to another file.
	r.write("headers.yaml", numbered(10, map[int]string{2: "++ b/same.yaml\n", 3: "", 8: "eight\n"}))
	c := r.since("HEAD")

	wantLines(t, c, r.path("middle.yaml"), 10, 5)
	wantLines(t, c, r.path("end.yaml"), 11, 11)
	// Line 5 is gone: its neighbours, now lines 4 and 5, count as changed.
	wantLines(t, c, r.path("deleted-line.yaml"), 9, 4, 5)
	wantLines(t, c, r.path("staged.yaml"), 10, 2)
	wantLines(t, c, r.path("same.yaml"), 10)
	wantLines(t, c, r.path("headers.yaml"), 9, 2, 7)

	// A range counts if any line in it changed.
	for _, tc := range []struct {
		first, last int
		want        bool
	}{{1, 4, false}, {1, 5, true}, {5, 9, true}, {6, 10, false}, {1, 10, true}, {5, 3, true}, {4, 3, false}} {
		if got := c.Lines(r.path("middle.yaml"), tc.first, tc.last); got != tc.want {
			t.Errorf("Lines(middle.yaml, %d, %d) = %v, want %v", tc.first, tc.last, got, tc.want)
		}
	}
}

func TestNewAndUntrackedFilesChangeOnEveryLine(t *testing.T) {
	r := newRepo(t)
	r.write(".gitignore", "ignored.yaml\n")
	r.write("old.yaml", numbered(3, nil))
	r.commit("base")
	r.write("committed.yaml", numbered(3, nil))
	r.write("empty.yaml", "")
	r.commit("new files")
	r.write("untracked/new.yaml", numbered(3, nil))
	r.write("ignored.yaml", numbered(3, nil))
	c := r.since("HEAD~1")

	for _, name := range []string{"committed.yaml", "empty.yaml", "untracked/new.yaml"} {
		for _, l := range []int{1, 3, 1000} {
			if !c.Lines(r.path(name), l, l) {
				t.Errorf("%s line %d does not count as changed", name, l)
			}
		}
	}
	wantLines(t, c, r.path("old.yaml"), 3)
	wantLines(t, c, r.path("ignored.yaml"), 3)
	wantLines(t, c, r.path("missing.yaml"), 3)
}

func TestRevisionNames(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", numbered(5, nil))
	r.commit("base")
	r.git("branch", "base")
	r.git("tag", "v1")
	hash := r.git("rev-parse", "HEAD")
	r.write("a.yaml", numbered(5, map[int]string{3: "three\n"}))
	r.write("b.yaml", numbered(2, nil))
	r.commit("change")

	for _, rev := range []string{"HEAD~1", "base", "v1", hash, hash[:10]} {
		t.Run(rev, func(t *testing.T) {
			c := r.since(rev)
			wantLines(t, c, r.path("a.yaml"), 5, 3)
			wantLines(t, c, r.path("b.yaml"), 2, 1, 2)
		})
	}
	// Since HEAD, nothing changed.
	wantLines(t, r.since("HEAD"), r.path("a.yaml"), 5)
}

func TestUnusualFileNames(t *testing.T) {
	r := newRepo(t)
	names := []string{
		"my déploiement.yaml", // a space and a non-ASCII letter
		`quote"d.yaml`,        // git C-quotes these
		"tab\there.yaml",
		"back\\slash.yaml",
		"x b/y b/z.yaml", // " b/" inside the name
	}
	for _, n := range names {
		r.write(n, numbered(4, nil))
	}
	r.commit("base")
	for _, n := range names {
		r.write(n, numbered(4, map[int]string{2: "two\n"}))
	}
	r.write("new dir/ü \"q\".yaml", numbered(2, nil))
	c := r.since("HEAD")
	for _, n := range names {
		wantLines(t, c, r.path(n), 4, 2)
	}
	wantLines(t, c, r.path("new dir/ü \"q\".yaml"), 2, 1, 2)
}

func TestBinaryFilesAndModeChanges(t *testing.T) {
	r := newRepo(t)
	r.write("chart/charts/dep-1.0.0.tgz", "\x00\x01binary\x00")
	r.write("odd b/blob.bin", "\x00\x01binary\x00")
	r.write("script/run.sh", numbered(3, nil))
	r.commit("base")
	r.write("chart/charts/dep-1.0.0.tgz", "\x00\x02other\x00")
	r.write("odd b/blob.bin", "\x00\x02other\x00")
	r.write("new.bin", "\x00new\x00")
	if err := os.Chmod(r.path("script/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := r.since("HEAD")

	for _, n := range []string{"chart/charts/dep-1.0.0.tgz", "odd b/blob.bin", "new.bin"} {
		if !c.Lines(r.path(n), 1, 1) {
			t.Errorf("binary %s does not count as changed", n)
		}
	}
	// A new subchart archive changes what the chart renders.
	if !c.Under(r.path("chart")) {
		t.Error("Under(chart) = false with its subchart archive changed")
	}
	wantLines(t, c, r.path("script/run.sh"), 3)
	if c.Under(r.path("script")) {
		t.Error("Under(script) = true with only a file mode changed")
	}
}

func TestUnderChartDirectory(t *testing.T) {
	r := newRepo(t)
	r.write("charts/app/Chart.yaml", "name: app\n")
	r.write("charts/app/templates/deploy.yaml", numbered(5, nil))
	r.write("charts/other/Chart.yaml", "name: other\n")
	r.write("charts/gone/Chart.yaml", "name: gone\n")
	r.write("charts/gone/templates/sa.yaml", numbered(5, nil))
	r.write("charts/application/Chart.yaml", "name: application\n")
	r.commit("base")
	r.write("charts/app/templates/deploy.yaml", numbered(5, map[int]string{4: "four\n"}))
	r.remove("charts/gone/templates/sa.yaml")
	c := r.since("HEAD")

	for dir, want := range map[string]bool{
		"charts/app":                       true,
		"charts/app/":                      true,
		"charts/app/templates/deploy.yaml": true, // "at" dir
		"charts/gone":                      true, // lost a template
		"charts/other":                     false,
		"charts/application":               false, // shares a prefix with charts/app only as a string
		"charts":                           true,
		"":                                 true,
	} {
		if got := c.Under(r.path(dir)); got != want {
			t.Errorf("Under(%q) = %v, want %v", dir, got, want)
		}
	}
	// The deleted file has no lines left to report on.
	if c.Lines(r.path("charts/gone/templates/sa.yaml"), 1, 5) {
		t.Error("a deleted file has changed lines")
	}
	// A directory above the work tree holds all of its changes.
	if !c.Under(filepath.Dir(r.dir)) {
		t.Error("Under(the work tree's parent) = false")
	}
	if c.Under(t.TempDir()) {
		t.Error("Under(a directory outside the work tree) = true")
	}
}

func TestPathsAsGivenOnTheCommandLine(t *testing.T) {
	r := newRepo(t)
	r.write("top.yaml", numbered(3, nil))
	r.write("sub/dir/deploy.yaml", numbered(3, nil))
	r.commit("base")
	r.write("top.yaml", numbered(3, map[int]string{1: "one\n"}))
	r.write("sub/dir/deploy.yaml", numbered(3, map[int]string{3: "three\n"}))

	// A subdirectory as dir finds the whole work tree.
	c, err := changedSince(r.path("sub/dir"), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, c, r.path("top.yaml"), 3, 1)

	// Paths relative to the working directory.
	t.Chdir(r.path("sub"))
	wantLines(t, c, filepath.Join("dir", "deploy.yaml"), 3, 3)
	wantLines(t, c, filepath.Join(".", "dir", "..", "dir", "deploy.yaml"), 3, 3)
	wantLines(t, c, filepath.Join("..", "top.yaml"), 3, 1)
	if !c.Under("dir") || !c.Under(".") {
		t.Error("Under a relative directory = false")
	}

	// The same files reached through a symbolic link.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(r.dir, link); err != nil {
		t.Skipf("cannot make a symbolic link: %v", err)
	}
	wantLines(t, c, filepath.Join(link, "sub", "dir", "deploy.yaml"), 3, 3)
	c, err = changedSince(filepath.Join(link, "sub"), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, c, r.path("top.yaml"), 3, 1)

	// A file outside the work tree never changed.
	outside := filepath.Join(t.TempDir(), "top.yaml")
	if err := os.WriteFile(outside, []byte(numbered(3, nil)), 0o644); err != nil {
		t.Fatal(err)
	}
	wantLines(t, c, outside, 3)
}

// TestConfigurationDoesNotMatter sets, in the repository, the options a user
// could have that change what git diff prints.
func TestConfigurationDoesNotMatter(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", numbered(10, nil))
	r.write("sub/old name.yaml", numbered(3, nil))
	r.write("b/c.yaml", numbered(3, nil)) // read as "c.yaml" if the b/ prefix were missing
	r.write("blob.bin", "\x00old\x00")
	r.commit("base")
	for _, kv := range [][2]string{
		{"diff.noprefix", "true"},
		{"diff.mnemonicPrefix", "true"},
		{"diff.relative", "true"},
		{"diff.interHunkContext", "10"},
		{"diff.context", "8"},
		{"diff.renames", "copies"},
		{"diff.external", "false"},
		{"diff.submodule", "diff"},
		{"color.ui", "always"},
		{"color.diff", "always"},
		{"core.pager", "false"},
		{"core.quotePath", "true"},
	} {
		r.git("config", kv[0], kv[1])
	}
	r.write("a.yaml", numbered(10, map[int]string{2: "two\n", 8: "eight\n"}))
	r.git("mv", "sub/old name.yaml", "sub/new ñame.yaml")
	r.write("b/c.yaml", numbered(3, map[int]string{2: "two\n"}))
	r.write("blob.bin", "\x00new\x00")

	c, err := changedSince(r.path("sub"), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, c, r.path("a.yaml"), 10, 2, 8)
	wantLines(t, c, r.path("b/c.yaml"), 3, 2)
	if !c.Lines(r.path("blob.bin"), 1, 1) {
		t.Error("the changed binary file does not count as changed")
	}
	// Without rename detection, a renamed file is new on every line.
	wantLines(t, c, r.path("sub/new ñame.yaml"), 3, 1, 2, 3)
}

func TestChangedSinceErrors(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", "a: 1\n")
	r.commit("base")

	for _, rev := range []string{"nope", "HEAD~5", "-p", "", "main:a.yaml"} {
		_, err := changedSince(r.dir, rev)
		if want := fmt.Sprintf("unknown revision %q", rev); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("changedSince(%q): error %v, want one saying %s", rev, err, want)
		}
	}

	plain := t.TempDir()
	_, err := changedSince(plain, "HEAD")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q is not inside a git work tree", plain)) {
		t.Errorf("outside a repository: error %v, want one saying it is not inside a git work tree", err)
	}
	_, err = changedSince(filepath.Join(r.dir, ".git"), "HEAD")
	if err == nil || !strings.Contains(err.Error(), "is not inside a git work tree") {
		t.Errorf("in the .git directory: error %v, want one saying it is not inside a git work tree", err)
	}
	if _, err := changedSince(filepath.Join(plain, "missing"), "HEAD"); err == nil {
		t.Error("no error for a directory that does not exist")
	}

	t.Setenv("PATH", t.TempDir())
	_, err = changedSince(r.dir, "HEAD")
	if err == nil || !strings.Contains(err.Error(), "needs git") {
		t.Errorf("without git on PATH: error %v, want one saying git is needed", err)
	}
}

func TestShallowCloneHint(t *testing.T) {
	r := newRepo(t)
	r.write("a.yaml", "a: 1\n")
	r.commit("one")
	r.write("a.yaml", "a: 2\n")
	r.commit("two")
	clone := filepath.Join(t.TempDir(), "clone")
	r.git("clone", "-q", "--depth=1", "file://"+r.dir, clone)
	_, err := changedSince(clone, "HEAD~1")
	if err == nil || !strings.Contains(err.Error(), `unknown revision "HEAD~1"`) || !strings.Contains(err.Error(), "shallow") {
		t.Errorf("error %v, want an unknown revision that mentions the shallow clone", err)
	}
}

func TestParseHunk(t *testing.T) {
	for _, tc := range []struct {
		line string
		want lineRange
	}{
		{"@@ -5 +5 @@", lineRange{5, 5}},
		{"@@ -5,2 +5,3 @@ spec:", lineRange{5, 7}},
		{"@@ -5 +4,0 @@", lineRange{4, 5}},
		{"@@ -1,2 +0,0 @@", lineRange{1, 1}},
		{"@@ -0,0 +1,4 @@", lineRange{1, 4}},
	} {
		if got, ok := parseHunk(tc.line); !ok || got != tc.want {
			t.Errorf("parseHunk(%q) = %v, %v; want %v", tc.line, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"@@ -1 @@", "@@ -1 +x @@", "@@ -1 +1,-2 @@"} {
		if _, ok := parseHunk(bad); ok {
			t.Errorf("parseHunk(%q) accepted a bad header", bad)
		}
	}
}
