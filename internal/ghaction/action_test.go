package ghaction

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the README's action reference and example workflow")

// root is the repository root: the action's own directory.
var root = filepath.Join("..", "..")

const exampleFile = ".github/examples/tokenlint-workflow.yml"

type step struct {
	ID              string            `yaml:"id"`
	Name            string            `yaml:"name"`
	If              string            `yaml:"if"`
	Uses            string            `yaml:"uses"`
	Run             string            `yaml:"run"`
	Shell           string            `yaml:"shell"`
	With            map[string]string `yaml:"with"`
	Env             map[string]string `yaml:"env"`
	ContinueOnError any               `yaml:"continue-on-error"`
}

type param struct {
	Name        string
	Description string  `yaml:"description"`
	Required    bool    `yaml:"required"`
	Default     *string `yaml:"default"`
	Value       string  `yaml:"value"`
}

type action struct {
	Name        string
	Description string
	Inputs      []param // in the file's order
	Outputs     []param
	Steps       []step
	Using       string
	text        string
	node        *yaml.Node
}

func readAction(t *testing.T) *action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	var raw struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		Runs        struct {
			Using string `yaml:"using"`
			Steps []step `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := doc.Decode(&raw); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	a := &action{Name: raw.Name, Description: raw.Description, Steps: raw.Runs.Steps, Using: raw.Runs.Using, text: string(data), node: &doc}
	a.Inputs = params(t, mapping(doc.Content[0], "inputs"))
	a.Outputs = params(t, mapping(doc.Content[0], "outputs"))
	return a
}

// mapping returns the value of key in the mapping node m, or nil.
func mapping(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func params(t *testing.T, m *yaml.Node) []param {
	t.Helper()
	if m == nil {
		return nil
	}
	var out []param
	for i := 0; i+1 < len(m.Content); i += 2 {
		var p param
		if err := m.Content[i+1].Decode(&p); err != nil {
			t.Fatalf("action.yml: %s: %v", m.Content[i].Value, err)
		}
		p.Name = m.Content[i].Value
		out = append(out, p)
	}
	return out
}

func (a *action) input(name string) *param {
	for i := range a.Inputs {
		if a.Inputs[i].Name == name {
			return &a.Inputs[i]
		}
	}
	return nil
}

func (a *action) step(name string) step {
	for _, s := range a.Steps {
		if s.Name == name {
			return s
		}
	}
	panic("action.yml has no step " + name)
}

var (
	expression = regexp.MustCompile(`\$\{\{(.*?)\}\}`)
	inputRef   = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepRef    = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.(outputs|outcome|conclusion)\b`)
	// A published action at a major version tag: owner/repo[/path]@vN.
	majorTag = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@v[0-9]+$`)
)

// TestActionShape checks what GitHub checks when it loads action.yml, and
// what it does not: a composite action whose steps run bash with every
// expression outside run: text (inputs reach scripts through env:, so no
// input can inject a command), references only to declared inputs and to
// steps that come earlier, published actions at major version tags, and
// bash scripts that parse.
func TestActionShape(t *testing.T) {
	a := readAction(t)
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs a name and a description")
	}
	if a.Using != "composite" {
		t.Errorf("runs.using is %q, want composite", a.Using)
	}
	for _, p := range a.Inputs {
		if p.Description == "" {
			t.Errorf("input %s has no description", p.Name)
		}
		if p.Required || p.Default == nil {
			t.Errorf("input %s: every input is optional, with a default", p.Name)
		}
		if !strings.Contains(a.text, "inputs."+p.Name+" ") {
			t.Errorf("input %s is never used", p.Name)
		}
	}
	for _, p := range a.Outputs {
		if p.Description == "" || p.Value == "" {
			t.Errorf("output %s needs a description and a value", p.Name)
		}
	}
	ids := map[string]bool{}
	allIDs := map[string]bool{}
	for _, s := range a.Steps {
		if s.ID != "" {
			allIDs[s.ID] = true
		}
	}
	check := func(where, text string, stepsSoFar map[string]bool) {
		for _, e := range expression.FindAllStringSubmatch(text, -1) {
			for _, m := range inputRef.FindAllStringSubmatch(e[1], -1) {
				if a.input(m[1]) == nil {
					t.Errorf("%s: ${{%s}} names input %q, which action.yml does not declare", where, e[1], m[1])
				}
			}
			for _, m := range stepRef.FindAllStringSubmatch(e[1], -1) {
				if !stepsSoFar[m[1]] {
					t.Errorf("%s: ${{%s}} names step %q, which does not come earlier", where, e[1], m[1])
				}
			}
		}
	}
	for i, s := range a.Steps {
		where := fmt.Sprintf("step %d (%s)", i+1, s.Name)
		if s.Name == "" {
			t.Errorf("%s has no name", where)
		}
		if (s.Run == "") == (s.Uses == "") {
			t.Errorf("%s: a step has either run or uses", where)
		}
		if s.Run != "" {
			if s.Shell != "bash" {
				t.Errorf("%s: shell is %q, want bash", where, s.Shell)
			}
			if strings.Contains(s.Run, "${{") {
				t.Errorf("%s: an expression in run: text is expanded into the script before bash reads it; pass it through env:", where)
			}
			if out, err := exec.Command("bash", "-n", "-c", s.Run).CombinedOutput(); err != nil {
				t.Errorf("%s: bash -n: %v\n%s", where, err, out)
			}
		}
		if s.Uses != "" && !majorTag.MatchString(s.Uses) {
			t.Errorf("%s: uses %q, want owner/repo@vN (a major version tag)", where, s.Uses)
		}
		fields := []string{s.If}
		for _, m := range []map[string]string{s.With, s.Env} {
			for _, v := range m {
				fields = append(fields, v)
			}
		}
		for _, f := range fields {
			check(where, f, ids)
		}
		if s.If != "" && !strings.HasPrefix(s.If, "${{") {
			t.Errorf("%s: write if: as ${{ ... }}, so no reader wonders what is an expression", where)
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
	}
	for _, p := range a.Outputs {
		check("output "+p.Name, p.Value, allIDs)
	}
	for _, f := range []string{"go.mod", "go.sum", "cmd/tokenlint/main.go"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the action builds from its own %s: %v", f, err)
		}
	}
}

// TestWorkflowsPin checks that every workflow, and the README's example,
// runs published actions at a major version tag, or this repository's own
// action (./ here, tokenlint/tokenlint in the example, which has no tag yet).
func TestWorkflowsPin(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	files = append(files, filepath.Join(root, exampleFile))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			Jobs map[string]struct {
				Steps []step `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for job, j := range wf.Jobs {
			for _, s := range j.Steps {
				switch {
				case s.Uses == "", s.Uses == "./", majorTag.MatchString(s.Uses):
				case strings.HasPrefix(s.Uses, "tokenlint/tokenlint@") && strings.HasSuffix(file, exampleFile):
				default:
					t.Errorf("%s: job %s uses %q, want owner/repo@vN (a major version tag)", file, job, s.Uses)
				}
			}
		}
	}
}

// readmeBlock returns the README and the span of the text between begin and
// end markers.
func readmeBlock(t *testing.T, begin, end string) (text string, from, to int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text = string(data)
	from, to = strings.Index(text, begin), strings.Index(text, end)
	if from < 0 || to < from {
		t.Fatalf("README.md has no %q ... %q", begin, end)
	}
	return text, from + len(begin), to
}

func checkReadme(t *testing.T, begin, end, want, what string) {
	t.Helper()
	text, from, to := readmeBlock(t, begin, end)
	if text[from:to] == want {
		return
	}
	if *update {
		if err := os.WriteFile(filepath.Join(root, "README.md"), []byte(text[:from]+want+text[to:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's %s is stale: run go test ./internal/ghaction -update\n--- README:\n%s\n--- want:\n%s", what, text[from:to], want)
}

// TestReadmeExample keeps the README's example workflow identical to
// .github/examples/tokenlint-workflow.yml, which actionlint checks in .ci/run.
func TestReadmeExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, exampleFile))
	if err != nil {
		t.Fatal(err)
	}
	checkReadme(t, "<!-- example-workflow:start -->\n", "<!-- example-workflow:end -->\n",
		"<!-- "+exampleFile+", kept identical by `go test ./internal/ghaction` and checked by actionlint -->\n```yaml\n"+string(data)+"```\n",
		"example workflow")
}

// TestReadmeActionReference keeps the README's tables of inputs and outputs
// those of action.yml.
func TestReadmeActionReference(t *testing.T) {
	a := readAction(t)
	var b strings.Builder
	b.WriteString("<!-- generated from action.yml by `go test ./internal/ghaction -update`; do not edit -->\n")
	b.WriteString("| input | default | meaning |\n|---|---|---|\n")
	for _, p := range a.Inputs {
		def := "empty"
		if *p.Default != "" {
			def = "`" + *p.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p.Name, def, p.Description)
	}
	b.WriteString("\n| output | meaning |\n|---|---|\n")
	for _, p := range a.Outputs {
		fmt.Fprintf(&b, "| `%s` | %s |\n", p.Name, p.Description)
	}
	checkReadme(t, "<!-- action-reference:start -->\n", "<!-- action-reference:end -->\n", b.String(), "action reference")
}

// runner runs the action's bash steps as the GitHub runner does (bash
// --noprofile --norc -eo pipefail, in the workspace, with the step's env:),
// against this repository as both the action and the workspace. It
// evaluates the expressions env: holds: ${{ inputs.X }} from the inputs
// given (else the defaults) and ${{ steps.ID.outputs.X }} from the outputs
// earlier steps set.
type runner struct {
	t       *testing.T
	a       *action
	temp    string // RUNNER_TEMP, where the build puts tokenlint
	inputs  map[string]string
	outputs map[string]map[string]string // by step id
}

var (
	inputExpr  = regexp.MustCompile(`^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$`)
	outputExpr = regexp.MustCompile(`^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$`)
)

// run runs the named step and returns its exit code, standard output and the
// outputs it set.
func (r *runner) run(name string) (code int, stdout string, outputs map[string]string) {
	t := r.t
	t.Helper()
	s := r.a.step(name)
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(t.TempDir(), "output")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "GITHUB_ACTION_PATH="+abs, "GITHUB_WORKSPACE="+abs,
		"RUNNER_TEMP="+r.temp, "GITHUB_OUTPUT="+outFile)
	for k, v := range s.Env {
		if m := inputExpr.FindStringSubmatch(v); m != nil {
			v = *r.a.input(m[1]).Default
			if given, ok := r.inputs[m[1]]; ok {
				v = given
			}
		} else if m := outputExpr.FindStringSubmatch(v); m != nil {
			v = r.outputs[m[1]][m[2]]
		} else if strings.Contains(v, "${{") {
			t.Fatalf("step %s: env %s=%s: the test evaluates only ${{ inputs.X }} and ${{ steps.ID.outputs.X }}", name, k, v)
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if errOut.Len() > 0 {
		t.Logf("step %s: standard error:\n%s", name, errOut.String())
	}
	outputs = map[string]string{}
	data, _ := os.ReadFile(outFile)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	if s.ID != "" {
		if r.outputs == nil {
			r.outputs = map[string]map[string]string{}
		}
		r.outputs[s.ID] = outputs
	}
	return code, out.String(), outputs
}

// TestActionSteps runs the action's build, lint and exit steps on the
// examples: the build, the arguments that inputs make, the exit code kept
// across the upload, annotations and SARIF from one run, and inputs that
// cannot inject a command.
func TestActionSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tokenlint")
	}
	a := readAction(t)
	r := &runner{t: t, a: a, temp: t.TempDir()}
	t.Setenv("RUNNER_OS", "Linux")
	t.Setenv("RUNNER_ARCH", "X64")
	code, _, key := r.run("Go cache key")
	if code != 0 || !regexp.MustCompile(`^tokenlint-action-Linux-X64-go[0-9.]+-[0-9a-f]{64}$`).MatchString(key["key"]) ||
		!strings.HasPrefix(key["key"], key["prefix"]) || key["gomodcache"] == "" || key["gocache"] == "" {
		t.Errorf("cache key step: exit %d, outputs %v", code, key)
	}
	// The build step compiles every dependency again (-trimpath changes
	// their cache keys): minutes, so only when .ci/run asks. Otherwise the
	// same package is built as go test already compiled it.
	if os.Getenv("TOKENLINT_ACTION_BUILD") != "" {
		if code, out, _ := r.run("Build tokenlint"); code != 0 {
			t.Fatalf("build exited %d\n%s", code, out)
		}
	} else {
		t.Log("TOKENLINT_ACTION_BUILD is not set: building without the build step's -trimpath")
		cmd := exec.Command("go", "build", "-o", filepath.Join(r.temp, "tokenlint"), "./cmd/tokenlint")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	dir := t.TempDir()
	// The last step, which its if: runs only on a nonzero exit code.
	exitStep := func(outputs map[string]string) int {
		if outputs["exit-code"] == "0" || outputs["exit-code"] == "" {
			return 0
		}
		code, _, _ := r.run("Exit with tokenlint's exit code")
		return code
	}
	sarifURIs := func(file string) []string {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(data, &log); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var uris []string
		for _, res := range log.Runs[0].Results {
			uris = append(uris, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
		return uris
	}

	t.Run("findings", func(t *testing.T) {
		r.t = t
		sarif := filepath.Join(dir, "sub", "findings.sarif")
		r.inputs = map[string]string{"paths": "testdata/examples", "sarif-file": sarif}
		code, stdout, outputs := r.run("Run tokenlint")
		if code != 0 {
			t.Fatalf("the lint step exited %d; it keeps tokenlint's exit code for the last step", code)
		}
		if outputs["exit-code"] != "1" || outputs["sarif-file"] != sarif || outputs["sarif-written"] != "true" {
			t.Errorf("outputs %v, want exit-code 1, sarif-file %s, sarif-written true", outputs, sarif)
		}
		if !strings.Contains(stdout, "::error file=testdata/examples/") {
			t.Errorf("no annotation on standard output, relative to the workspace:\n%s", stdout)
		}
		uris := sarifURIs(sarif)
		if len(uris) == 0 {
			t.Error("the SARIF log has no results")
		}
		for _, u := range uris {
			if !strings.HasPrefix(u, "testdata/examples/") {
				t.Errorf("SARIF result at %q, want a path relative to the workspace", u)
			}
		}
		if got := exitStep(outputs); got != 1 {
			t.Errorf("the last step exited %d, want 1", got)
		}
	})

	t.Run("fail-on never, config", func(t *testing.T) {
		r.t = t
		config := filepath.Join(dir, "tokenlint.yaml")
		if err := os.WriteFile(config, []byte("failOn: error\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		sarif := filepath.Join(dir, "never.sarif")
		r.inputs = map[string]string{"paths": "testdata/examples/payments.yaml\ntestdata/examples/ci-runner.yaml", "fail-on": "never", "config": config, "sarif-file": sarif}
		code, stdout, outputs := r.run("Run tokenlint")
		if code != 0 || outputs["exit-code"] != "0" {
			t.Errorf("exit %d, outputs %v; want exit-code 0", code, outputs)
		}
		if !strings.Contains(stdout, "--config "+config+" --fail-on never -- testdata/examples/payments.yaml testdata/examples/ci-runner.yaml") {
			t.Errorf("the step did not pass its inputs as arguments:\n%s", stdout)
		}
		files := map[string]bool{}
		for _, u := range sarifURIs(sarif) {
			files[u] = true
		}
		if !files["testdata/examples/payments.yaml"] || !files["testdata/examples/ci-runner.yaml"] || len(files) != 2 {
			t.Errorf("SARIF results in %v, want the two files named", files)
		}
		// failOn from the configuration, when the input is empty.
		r.inputs["fail-on"] = ""
		if _, _, outputs := r.run("Run tokenlint"); outputs["exit-code"] != "1" {
			t.Errorf("with failOn: error from the configuration, exit-code %s, want 1 (the examples have errors)", outputs["exit-code"])
		}
	})

	t.Run("no injection", func(t *testing.T) {
		r.t = t
		marker := filepath.Join(dir, "injected")
		sarif := filepath.Join(dir, "injection.sarif")
		r.inputs = map[string]string{
			"paths":      "testdata/examples/payments.yaml;touch${IFS}" + marker + " $(touch " + marker + ") `touch " + marker + "`",
			"args":       "--context=$(touch${IFS}" + marker + ") --namespace '$HOME'",
			"sarif-file": sarif,
		}
		code, _, outputs := r.run("Run tokenlint")
		if _, err := os.Stat(marker); err == nil {
			t.Fatal("an input ran a command")
		}
		if code != 0 || outputs["exit-code"] != "2" {
			t.Errorf("exit %d, outputs %v; want exit-code 2 (the paths do not exist)", code, outputs)
		}
	})

	t.Run("bad upload", func(t *testing.T) {
		r.t = t
		r.inputs = map[string]string{"upload": "yes", "sarif-file": filepath.Join(dir, "x.sarif")}
		code, stdout, _ := r.run("Run tokenlint")
		if code == 0 || !strings.Contains(stdout, "::error title=tokenlint::input upload") {
			t.Errorf("upload: yes: exit %d\n%s", code, stdout)
		}
	})
}

// TestActionlintAction lints the action's steps with actionlint, which reads
// no action.yml on its own: they become the one job of a reusable workflow
// whose inputs are the action's, so actionlint checks their expressions, the
// inputs they name and the inputs of the actions they use. .ci/run sets
// ACTIONLINT to the binary it installed.
func TestActionlintAction(t *testing.T) {
	bin := os.Getenv("ACTIONLINT")
	if bin == "" {
		t.Skip("ACTIONLINT names no actionlint binary")
	}
	a := readAction(t)
	inputs := map[string]any{}
	for _, p := range a.Inputs {
		inputs[p.Name] = map[string]any{"type": "string", "required": false, "default": *p.Default, "description": p.Description}
	}
	steps := mapping(mapping(a.node.Content[0], "runs"), "steps")
	wf := map[string]any{
		"name":        "action.yml as a workflow",
		"on":          map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"permissions": map[string]any{"contents": "read"},
		"jobs":        map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": steps}},
	}
	data, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "action-as-workflow.yml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-no-color", file)
	cmd.Dir = filepath.Dir(file)
	if out, err := cmd.CombinedOutput(); err != nil {
		lines := strings.Split(string(data), "\n")
		for i := range lines {
			lines[i] = fmt.Sprintf("%4d  %s", i+1, lines[i])
		}
		t.Errorf("actionlint on action.yml's steps: %v\n%s\n--- the workflow it read:\n%s", err, out, strings.Join(lines, "\n"))
	}
}
