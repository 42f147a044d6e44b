package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// The hook pre-commit runs: what it selects and the command it runs. The
// .ci/run script runs it through pre-commit itself.
func TestPreCommitHook(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Language      string   `yaml:"language"`
		Entry         string   `yaml:"entry"`
		Files         string   `yaml:"files"`
		PassFilenames bool     `yaml:"pass_filenames"`
		RequireSerial bool     `yaml:"require_serial"`
		Types         []string `yaml:"types"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "tokenlint" {
		t.Fatalf("want one hook, tokenlint: %+v", hooks)
	}
	h := hooks[0]
	// `go install ./...` names the binary after its package's directory.
	bin := strings.Fields(h.Entry)[0]
	if _, err := os.Stat(filepath.Join(repoRoot, "cmd", bin, "main.go")); err != nil || h.Language != "golang" {
		t.Errorf("entry %q: go install does not build %q (%v)", h.Entry, bin, err)
	}
	if !strings.Contains(h.Entry, "--context .") || !h.PassFilenames || !h.RequireSerial {
		t.Errorf("the hook must lint the files it is given in one process with the repository as context: %+v", h)
	}
	// The pattern uses only syntax Python's re and Go's regexp share.
	re := regexp.MustCompile(h.Files)
	for _, f := range []string{"deploy/web.yaml", "web.yml", "list.json", "Deploy.YAML", "charts/agent/templates/_helpers.tpl", "templates/x.tpl", "charts/agent/Chart.yaml"} {
		if !re.MatchString(f) {
			t.Errorf("the hook does not select %s", f)
		}
	}
	for _, f := range []string{"README.md", "main.go", "yaml", "docs/page.tpl", "templates/NOTES.txt"} {
		if re.MatchString(f) {
			t.Errorf("the hook selects %s", f)
		}
	}
	if !slices.Equal(h.Types, []string{"file"}) {
		t.Errorf("types %v: pre-commit ANDs them with files, so a narrower type drops .tpl files", h.Types)
	}
}

// pre-commit names a chart's changed files one by one: they mean the chart,
// rendered once, with no template read as YAML.
func TestLintChartFiles(t *testing.T) {
	code, rep, stderr := lintJSON(t, repoRoot, "--context", ".",
		"testdata/charts/agent/templates/daemonset.yaml", "testdata/charts/agent/values.yaml", "testdata/charts/agent/templates/_helpers.tpl")
	got := rep.unsuppressed()
	if code != ExitFindings || !slices.Equal(got, []string{"testdata/charts/agent/templates/daemonset.yaml:27 TL101"}) {
		t.Fatalf("exit %d (%s), findings %q; want the chart's one TL101, once", code, stderr, got)
	}
}

// The README's local hook selects the same files and runs the same command
// as the published one.
func TestReadmeLocalHook(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\nrepos:\n- repo: local\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the README has no local hook block")
	}
	var local struct {
		Hooks []map[string]any `yaml:"hooks"`
	}
	if err := yaml.Unmarshal([]byte(block), &local); err != nil || len(local.Hooks) != 1 {
		t.Fatalf("the README's local hook does not parse: %v\n%s", err, block)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []map[string]any
	if err := yaml.Unmarshal(data, &hooks); err != nil || len(hooks) != 1 {
		t.Fatal(err)
	}
	for _, key := range []string{"id", "entry", "files", "require_serial"} {
		if local.Hooks[0][key] != hooks[0][key] {
			t.Errorf("%s: README %v, .pre-commit-hooks.yaml %v", key, local.Hooks[0][key], hooks[0][key])
		}
	}
}
