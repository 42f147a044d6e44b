package printers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/printers"
	"github.com/tokenlint/tokenlint/rules"
)

// gitlabSchema is a GitLab Code Quality report as GitLab documents it; see
// its $comment for where it comes from.
var gitlabSchema = filepath.Join(repoRoot, "testdata", "gitlab", "code-quality.schema.json")

type gitlabIssue struct {
	Type        string   `json:"type"`
	CheckName   string   `json:"check_name"`
	Description string   `json:"description"`
	Categories  []string `json:"categories"`
	Content     struct {
		Body string `json:"body"`
	} `json:"content"`
	Location struct {
		Path  string `json:"path"`
		Lines struct {
			Begin, End int
		} `json:"lines"`
	} `json:"location"`
	Severity    string `json:"severity"`
	Fingerprint string `json:"fingerprint"`
}

// validateGitLab checks a report against the schema, and what the schema
// cannot say: no byte order mark (GitLab's parser rejects one) and a
// fingerprint no other issue has (GitLab keeps one issue a fingerprint).
func validateGitLab(t *testing.T, doc []byte) []gitlabIssue {
	t.Helper()
	if err := gitlabErrors(doc); err != nil {
		t.Fatalf("the report does not validate against %s: %v\n%s", gitlabSchema, err, doc)
	}
	if !bytes.HasPrefix(doc, []byte("[")) {
		t.Errorf("the report does not start with '[': %q", doc[:min(len(doc), 10)])
	}
	var issues []gitlabIssue
	if err := json.Unmarshal(doc, &issues); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, is := range issues {
		if j, dup := seen[is.Fingerprint]; dup {
			t.Errorf("issues %d and %d share the fingerprint %s", j, i, is.Fingerprint)
		}
		seen[is.Fingerprint] = i
	}
	return issues
}

func gitlabErrors(doc []byte) error {
	f, err := os.Open(gitlabSchema)
	if err != nil {
		return err
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(gitlabSchema, schemaDoc); err != nil {
		return err
	}
	schema, err := c.Compile(gitlabSchema)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return schema.Validate(inst)
}

func TestGitLabGolden(t *testing.T) {
	rep, _ := report(t)
	got := render(t, "gitlab", printers.Options{SARIFRoot: repoRoot})
	golden(t, "examples.gitlab", got)
	issues := validateGitLab(t, got)
	if len(issues) != len(rep.Findings) {
		t.Fatalf("%d issues for %d findings", len(issues), len(rep.Findings))
	}
	want := map[analyzer.Severity]string{analyzer.SeverityError: "critical", analyzer.SeverityWarning: "major", analyzer.SeverityNote: "minor"}
	for i, is := range issues {
		f := rep.Findings[i]
		if is.Severity != want[f.Severity] || is.Fingerprint != f.Fingerprint || is.CheckName != f.Rule.ID+" "+f.Rule.Slug {
			t.Errorf("issue %d: severity %s, fingerprint %s, check %s; want %s, %s, %s %s", i, is.Severity, is.Fingerprint, is.CheckName, want[f.Severity], f.Fingerprint, f.Rule.ID, f.Rule.Slug)
		}
		if !strings.HasPrefix(is.Location.Path, "testdata/") {
			t.Errorf("issue %d: path %q is not relative to the repository root", i, is.Location.Path)
		}
		if line := f.Position.Line; line > 0 && is.Location.Lines.Begin != line || line == 0 && is.Location.Lines.Begin != 1 {
			t.Errorf("issue %d: begins on line %d, finding on %d", i, is.Location.Lines.Begin, line)
		}
		if !strings.HasPrefix(is.Description, f.Message) || !strings.Contains(is.Content.Body, f.Rule.Remediation) {
			t.Errorf("issue %d: description %q, body %q", i, is.Description, is.Content.Body)
		}
	}
}

// TestGitLabSchemaCatchesErrors proves the schema check can fail.
func TestGitLabSchemaCatchesErrors(t *testing.T) {
	good := render(t, "gitlab", printers.Options{SARIFRoot: repoRoot})
	for _, c := range []struct{ old, new string }{
		{`"severity": "major"`, `"severity": "warning"`},
		{`"begin": 10`, `"begin": 0`},
		{`"fingerprint": "`, `"fingerprint": 1, "x": "`},
	} {
		bad := bytes.Replace(good, []byte(c.old), []byte(c.new), 1)
		if bytes.Equal(bad, good) {
			t.Fatalf("no %s to break", c.old)
		}
		if err := gitlabErrors(bad); err == nil {
			t.Errorf("a report with %s passed the schema check", c.new)
		}
	}
}

// TestGitLabPathsHostileNamesAndCharts checks paths relative to the
// repository root, descriptions kept on one line whatever a manifest holds
// (line breaks and control characters escaped, as in the text format), and
// chart findings placed on their template's line.
func TestGitLabPathsHostileNamesAndCharts(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "deploy")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(sub, "app.yaml")
	writeFile(t, file, strings.Replace(movingManifest, "name: app\n", "name: \"evil\\nline\\u001b[31m\\u0000`x`\"\n", 1))
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{file}), reg, analyzer.DefaultSettings)
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	issues := validateGitLab(t, print(t, "gitlab", printers.Options{Registry: reg, BaseDir: sub, SARIFRoot: root}, rep))
	for _, is := range issues {
		if is.Location.Path != "deploy/app.yaml" {
			t.Errorf("path %q, want deploy/app.yaml", is.Location.Path)
		}
		if strings.IndexFunc(is.Description, unicode.IsControl) >= 0 || !strings.Contains(is.Description, "Pod shop/evil\\nline\\x1b[31m\\x00`x`]") {
			t.Errorf("description %q is not one line of the object's name", is.Description)
		}
	}

	chart := filepath.Join(repoRoot, "testdata", "charts", "agent")
	rep = analyzer.Run((&analyzer.Loader{}).Load([]string{chart}), reg, analyzer.DefaultSettings)
	issues = validateGitLab(t, print(t, "gitlab", printers.Options{Registry: reg, BaseDir: repoRoot}, rep))
	if len(issues) == 0 {
		t.Fatal("the chart has no findings")
	}
	for _, is := range issues {
		if is.Location.Path != "testdata/charts/agent/templates/daemonset.yaml" || is.Location.Lines.Begin != 27 {
			t.Errorf("a chart finding at %+v: %s; want the template's line 27, where serviceAccountToken is written", is.Location, is.Description)
		}
	}
}

func TestGitLabEmptyReport(t *testing.T) {
	got := print(t, "gitlab", printers.Options{}, &analyzer.Report{})
	if string(got) != "[]\n" {
		t.Errorf("an empty report is %q, want []", got)
	}
	validateGitLab(t, got)
}

func ExampleNames() {
	fmt.Println(strings.Join(printers.Names(), " "))
	// Output: text json sarif github gitlab junit
}

// TestReadmeCISnippets checks that the README's GitLab CI job and Jenkins
// step read the files their tokenlint command writes.
func TestReadmeCISnippets(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// block is the fenced block whose first line starts with first.
	block := func(lang, first string) string {
		_, rest, ok := strings.Cut(string(readme), "```"+lang+"\n"+first)
		if !ok {
			t.Fatalf("the README has no %s block starting %q", lang, first)
		}
		body, _, _ := strings.Cut(first+rest, "\n```\n")
		return body
	}
	var job map[string]struct {
		Script    []string
		Artifacts struct {
			When    string
			Reports struct{ Codequality, Junit string }
		}
	}
	if err := yaml.Unmarshal([]byte(block("yaml", "# .gitlab-ci.yml")), &job); err != nil {
		t.Fatalf("the README's .gitlab-ci.yml: %v", err)
	}
	j := job["tokenlint"]
	script := strings.Join(j.Script, "\n")
	if r := j.Artifacts.Reports; r.Codequality == "" || r.Junit == "" || j.Artifacts.When != "always" ||
		!strings.Contains(script, "--format gitlab="+r.Codequality+" ") || !strings.Contains(script, "--format junit="+r.Junit+" ") {
		t.Errorf("the GitLab job writes %q but reports %+v (when %q)", script, r, j.Artifacts.When)
	}
	jenkins := block("groovy", "// Jenkinsfile")
	for _, f := range []string{"junit", "sarif"} {
		_, rest, ok := strings.Cut(jenkins, "--format "+f+"=")
		name, _, _ := strings.Cut(rest, " ")
		if !ok || name == "" || !strings.Contains(jenkins, "'"+name+"'") {
			t.Errorf("the Jenkinsfile writes %s to %q but does not read it back", f, name)
		}
	}
}
