package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

// Tests of what a team needs to adopt tokenlint on a real repository: a
// configuration file, baselines, --new-from-rev and --context, run through
// the real CLI in throwaway repositories.

// runIn runs the CLI in-process with dir as the working directory.
func runIn(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code = Run(args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// writeTree writes files (slash paths relative to dir) and returns dir.
func writeTree(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newRepoDir is a directory that looks like a repository root to
// configuration discovery (it holds .git).
func newRepoDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return writeTree(t, dir, files)
}

type jsonReport struct {
	Findings []struct {
		RuleID            string `json:"ruleId"`
		Severity          string `json:"severity"`
		Message           string `json:"message"`
		File              string `json:"file"`
		Line              int    `json:"line"`
		Fingerprint       string `json:"fingerprint"`
		Suppressed        bool   `json:"suppressed"`
		SuppressionKind   string `json:"suppressionKind"`
		SuppressionReason string `json:"suppressionReason"`
		Suppression       *struct {
			Via  string `json:"via"`
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"suppression"`
	} `json:"findings"`
	Summary struct {
		Findings, Suppressed, BaselineFixed, Unchanged, InputErrors int
	} `json:"summary"`
}

func lintJSON(t *testing.T, dir string, args ...string) (int, jsonReport, string) {
	t.Helper()
	code, out, errs := runIn(t, dir, append([]string{"lint", "--format", "json"}, args...)...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, stderr %q: the JSON report does not parse: %v\n%s", code, errs, err, out)
	}
	return code, rep, errs
}

// unsuppressed lists "file:line RULE" of the findings that count.
func (r jsonReport) unsuppressed() []string {
	var out []string
	for _, f := range r.Findings {
		if !f.Suppressed {
			out = append(out, f.File+":"+itoa(f.Line)+" "+f.RuleID)
		}
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// A team's operator workload: it calls the API (TL301 is right, and
// accepted) and asks for a Vault token without an audience.
const operatorDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: tenant-operator
  namespace: platform
  labels:
    app.kubernetes.io/name: tenant-operator
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: tenant-operator
  template:
    metadata:
      labels:
        app.kubernetes.io/name: tenant-operator
    spec:
      serviceAccountName: tenant-operator
      containers:
      - name: manager
        image: ghcr.io/acme/tenant-operator:0.9.1
        args: ["--leader-elect", "--metrics-bind-address=:8080"]
        volumeMounts:
        - name: vault-token
          mountPath: /var/run/secrets/vault
      volumes:
      - name: vault-token
        projected:
          sources:
          - serviceAccountToken:
              path: token
              expirationSeconds: 7200
`

func TestConfigurationFile(t *testing.T) {
	repo := newRepoDir(t, map[string]string{
		".tokenlint.yaml": `# platform team defaults
disable: [automounted-token]
severity:
  TL101: error
exclude: ["third_party/**"]
failOn: error
`,
		"deploy/operator.yaml":            operatorDeployment,
		"third_party/upstream/chart.yaml": operatorDeployment,
	})
	// Found from a subdirectory, up to the repository root.
	code, rep, stderr := lintJSON(t, filepath.Join(repo, "deploy"), ".", "../third_party")
	if got := strings.Join(rep.unsuppressed(), ","); got != "operator.yaml:30 TL101" {
		t.Errorf("findings %q, want only TL101 on operator.yaml (TL301 disabled, third_party excluded, the config not linted)", got)
	}
	if len(rep.Findings) == 1 && rep.Findings[0].Severity != "error" {
		t.Errorf("TL101 has severity %q, want the override error", rep.Findings[0].Severity)
	}
	if code != ExitFindings {
		t.Errorf("exit %d (%s), want 1: an error finding with failOn: error", code, stderr)
	}

	// Flags override the file.
	code, rep, _ = lintJSON(t, repo, "--enable", "TL301", "--fail-on", "never", "deploy")
	if got := strings.Join(rep.unsuppressed(), ","); got != "deploy/operator.yaml:2 TL301,deploy/operator.yaml:30 TL101" {
		t.Errorf("with --enable TL301: findings %q", got)
	}
	if code != ExitOK {
		t.Errorf("--fail-on never: exit %d, want 0", code)
	}
	// --no-config reads none.
	_, rep, _ = lintJSON(t, repo, "--no-config", "deploy")
	if len(rep.Findings) != 2 || rep.Findings[1].Severity != "warning" {
		t.Errorf("--no-config: %+v, want TL301 and TL101 at its default severity", rep.Findings)
	}
}

func TestConfigurationErrors(t *testing.T) {
	tests := []struct {
		name, config string
		want         []string // regular expressions, each matching one line of stderr
	}{
		{"unknown key with a suggestion", "disabel: [TL301]\n", []string{`\.tokenlint\.yaml:1:1: .*unknown key "disabel".*did you mean "disable"`}},
		{"unknown rule with a suggestion", "disable:\n  - TL301\n  - automount-token\n", []string{`\.tokenlint\.yaml:3:5: .*unknown rule "automount-token".*did you mean "automounted-token"`}},
		{"wrong type", "exclude: third_party/**\n", []string{`\.tokenlint\.yaml:1:10: .*list`}},
		{"bad severity and duration, both reported", "severity: {TL101: fatal}\nsettings:\n  maxTokenExpiration: forever\n",
			[]string{`\.tokenlint\.yaml:1:19: .*"fatal"`, `\.tokenlint\.yaml:3:23: .*"forever"`}},
		{"rule both disabled and enabled", "disable: [TL301]\nenable: [automounted-token]\n", []string{`\.tokenlint\.yaml:2:10: .*both`}},
		{"invalid YAML", "disable: [TL301\n", []string{`\.tokenlint\.yaml:\d+:\d+: `}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			repo := newRepoDir(t, map[string]string{".tokenlint.yaml": tc.config, "pod.yaml": cleanPod})
			code, out, stderr := runIn(t, repo, "lint", "pod.yaml")
			if code != ExitError {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("a configuration error lints nothing, but wrote %q", out)
			}
			for _, w := range tc.want {
				if !regexp.MustCompile(`(?m)` + w).MatchString(stderr) {
					t.Errorf("stderr %q has no line matching %q", stderr, w)
				}
			}
		})
	}
}

func TestConfigCommands(t *testing.T) {
	repo := newRepoDir(t, map[string]string{"pod.yaml": cleanPod})
	code, schemaText, stderr := runIn(t, repo, "config", "schema")
	if code != 0 {
		t.Fatalf("config schema: exit %d: %s", code, stderr)
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(strings.NewReader(schemaText))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("config.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("config.schema.json")
	if err != nil {
		t.Fatal(err)
	}

	if code, _, stderr := runIn(t, repo, "config", "init"); code != 0 {
		t.Fatalf("config init: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runIn(t, repo, "config", "init"); code != ExitError || !strings.Contains(stderr, "--force") {
		t.Errorf("config init over an existing file: exit %d, %q; want 2 and a hint at --force", code, stderr)
	}
	initText, err := os.ReadFile(filepath.Join(repo, ".tokenlint.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# yaml-language-server: $schema=", "TL101", "automounted-token", "unused-suppression"} {
		if !bytes.Contains(initText, []byte(want)) {
			t.Errorf("config init's file lacks %q", want)
		}
	}
	// The file config init wrote is what the next run reads.
	if code, out, stderr := runIn(t, repo, "lint", "pod.yaml"); code != 0 {
		t.Errorf("lint with config init's file: exit %d: %s%s", code, out, stderr)
	}

	// config print: the file with the flags merged over it, which loads
	// again and validates against the schema.
	writeTree(t, repo, map[string]string{".tokenlint.yaml": "disable: [TL301]\nnamespace: apps\ncontext: [rbac/]\n", "rbac/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"})
	code, printed, stderr := runIn(t, repo, "config", "print", "--fail-on", "error", "--disable", "TL103", "--namespace", "payments")
	if code != 0 {
		t.Fatalf("config print: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"TL301", "TL103", "failOn: error", "namespace: payments", "rbac/"} {
		if !strings.Contains(printed, want) {
			t.Errorf("config print lacks %q:\n%s", want, printed)
		}
	}
	if strings.Contains(printed, "namespace: apps") {
		t.Errorf("config print kept the file's namespace under --namespace:\n%s", printed)
	}
	printedFile := filepath.Join(repo, "printed.yaml")
	writeTree(t, repo, map[string]string{"printed.yaml": printed})
	if code, _, stderr := runIn(t, repo, "config", "print", "--config", printedFile); code != 0 {
		t.Errorf("config print's output does not load as a configuration: %s", stderr)
	}
	var asJSON any
	if err := yaml.Unmarshal([]byte(printed), &asJSON); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(asJSON); err != nil {
		t.Errorf("config print's output does not validate against config schema: %v", err)
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	repo := newRepoDir(t, map[string]string{"deploy/operator.yaml": operatorDeployment})
	baseline := filepath.Join(repo, ".tokenlint-baseline.json")
	// Writing a baseline accepts what it records: exit 0.
	code, _, stderr := runIn(t, repo, "lint", "--write-baseline", baseline, "deploy")
	if code != 0 {
		t.Fatalf("--write-baseline: exit %d: %s", code, stderr)
	}
	var written struct {
		FingerprintVersion string `json:"fingerprintVersion"`
		Findings           []struct{ Fingerprint, RuleID string }
	}
	data, _ := os.ReadFile(baseline)
	if err := json.Unmarshal(data, &written); err != nil || len(written.Findings) != 2 {
		t.Fatalf("baseline %s: %v, %d entries, want 2", data, err, len(written.Findings))
	}

	// Ten lines above the findings move them; the baseline still holds them.
	moved := "# owned by team platform\n" + strings.Repeat("# (history)\n", 9) + operatorDeployment
	writeTree(t, repo, map[string]string{"deploy/operator.yaml": moved})
	code, rep, stderr := lintJSON(t, repo, "--baseline", baseline, "deploy")
	if code != 0 || len(rep.unsuppressed()) != 0 || rep.Summary.Suppressed != 2 {
		t.Errorf("after moving 10 lines: exit %d (%s), unsuppressed %v, suppressed %d; want 0, none, 2", code, stderr, rep.unsuppressed(), rep.Summary.Suppressed)
	}
	for _, f := range rep.Findings {
		if f.Line < 12 || f.SuppressionKind != "external" || f.Suppression == nil || f.Suppression.Via != "baseline" {
			t.Errorf("%s at line %d: suppression %q %+v, want external via baseline", f.RuleID, f.Line, f.SuppressionKind, f.Suppression)
		}
	}

	// Fixing one finding and adding another: the new one is reported, the
	// fixed entry counted, the other entry still suppresses TL301.
	fixed := strings.Replace(moved, "              expirationSeconds: 7200\n",
		"              expirationSeconds: 7200\n              audience: vault\n          - serviceAccountToken:\n              path: sts-token\n", 1)
	writeTree(t, repo, map[string]string{"deploy/operator.yaml": fixed})
	code, out, _ := runIn(t, repo, "lint", "--baseline", baseline, "deploy")
	if code != ExitFindings || strings.Contains(out, "TL301") || !strings.Contains(out, `projected token "sts-token"`) {
		t.Errorf("after a fix and a new finding: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "1 entry of the baseline fixed") {
		t.Errorf("the summary does not count the fixed baseline entry:\n%s", out)
	}

	// Fingerprints name files from the repository root: the baseline
	// matches when tokenlint runs in a subdirectory too.
	writeTree(t, repo, map[string]string{"deploy/operator.yaml": operatorDeployment})
	if code, out, stderr := runIn(t, filepath.Join(repo, "deploy"), "lint", "--baseline", baseline, "."); code != 0 {
		t.Errorf("--baseline from a subdirectory: exit %d\n%s%s", code, out, stderr)
	}

	// A JSON report and a SARIF log serve as baselines too.
	writeTree(t, repo, map[string]string{"deploy/operator.yaml": operatorDeployment})
	for _, format := range []string{"json", "sarif"} {
		report := filepath.Join(repo, "report."+format)
		runIn(t, repo, "lint", "--format", format+"="+report, "deploy")
		writeTree(t, repo, map[string]string{"deploy/operator.yaml": moved})
		if code, out, stderr := runIn(t, repo, "lint", "--baseline", report, "deploy"); code != 0 {
			t.Errorf("--baseline %s report: exit %d\n%s%s", format, code, out, stderr)
		}
		writeTree(t, repo, map[string]string{"deploy/operator.yaml": operatorDeployment})
	}
	// Not a baseline: a clear error, exit 2.
	writeTree(t, repo, map[string]string{"notes.json": `{"hello": "world"}`})
	if code, _, stderr := runIn(t, repo, "lint", "--baseline", "notes.json", "deploy"); code != ExitError || !strings.Contains(stderr, "not a tokenlint baseline") {
		t.Errorf("--baseline notes.json: exit %d, %q", code, stderr)
	}
}

func TestContext(t *testing.T) {
	repo := newRepoDir(t, map[string]string{
		"deploy/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.27
`,
		"rbac/serviceaccounts.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
automountServiceAccountToken: false
---
# Reported if linted, never as context.
apiVersion: v1
kind: Secret
metadata:
  name: web-token
  namespace: shop
  annotations:
    kubernetes.io/service-account.name: web
type: kubernetes.io/service-account-token
`,
		"broken/half.yaml": "apiVersion: v1\nkind: [\n",
	})
	// The staged file alone: the ServiceAccount is not in the input.
	code, rep, _ := lintJSON(t, repo, "deploy/web.yaml")
	if len(rep.Findings) != 1 || rep.Findings[0].RuleID != "TL301" || !strings.Contains(rep.Findings[0].Message, "not in the input") {
		t.Fatalf("without context: %+v, want one TL301 saying the ServiceAccount is not in the input", rep.Findings)
	}
	// With the whole repository as context: resolved, and nothing reported
	// on the context's own objects or input errors.
	code, rep, stderr := lintJSON(t, repo, "--context", ".", "deploy/web.yaml")
	if code != 0 || len(rep.Findings) != 0 || rep.Summary.InputErrors != 0 {
		t.Errorf("with --context .: exit %d (%s), findings %+v", code, stderr, rep.Findings)
	}
	// context: in the configuration does the same, and an object in both
	// sets counts once, as linted.
	writeTree(t, repo, map[string]string{".tokenlint.yaml": "context: [rbac]\n"})
	code, rep, _ = lintJSON(t, repo, "deploy/web.yaml", "rbac/serviceaccounts.yaml")
	if got := strings.Join(rep.unsuppressed(), ","); code != ExitFindings || got != "rbac/serviceaccounts.yaml:16 TL201" {
		t.Errorf("context in the configuration, rbac also linted: exit %d, findings %q", code, got)
	}
}

func TestNonDefaultRule(t *testing.T) {
	repo := newRepoDir(t, map[string]string{
		"policies/pinned.rego": `# METADATA
# title: Projected token audience is not pinned to the cluster's issuer
# description: An opt-in check for teams that want every audience spelt as a URL.
# custom:
#   id: ACME900
#   slug: audience-not-a-url
#   severity: note
#   kinds: [Pod]
#   enabled: false
package acme.audience_url

import data.lib.kubernetes

deny contains {"msg": "audience is not a URL", "path": sprintf("%s.audience", [t.path])} if {
	some t in kubernetes.projected_tokens
	not startswith(object.get(t.token, "audience", ""), "https://")
}
`,
		"pod.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: t
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
`,
	})
	_, rep, stderr := lintJSON(t, repo, "--policy", "policies", "pod.yaml")
	if len(rep.Findings) != 0 {
		t.Errorf("an opt-in policy ran without being enabled: %+v %s", rep.Findings, stderr)
	}
	writeTree(t, repo, map[string]string{".tokenlint.yaml": "enable: [audience-not-a-url]\npolicies: [policies]\n"})
	_, rep, stderr = lintJSON(t, repo, "pod.yaml")
	if len(rep.Findings) != 1 || rep.Findings[0].RuleID != "ACME900" {
		t.Errorf("enabled in the configuration: %+v %s, want ACME900", rep.Findings, stderr)
	}
}

func TestNewFromRev(t *testing.T) {
	r := newRepo(t)
	// Two workloads with findings, committed: the debt the team has.
	r.write("deploy/operator.yaml", operatorDeployment)
	r.write("deploy/web.yaml", strings.ReplaceAll(operatorDeployment, "tenant-operator", "web"))
	r.git("add", ".")
	r.git("commit", "-q", "-m", "existing manifests")

	// The change: a new line inside web's object (so its object changed,
	// though not its findings' lines), and a new file.
	r.write("deploy/web.yaml", strings.Replace(strings.ReplaceAll(operatorDeployment, "tenant-operator", "web"),
		"  replicas: 2\n", "  replicas: 3\n  revisionHistoryLimit: 5\n", 1))
	r.write("deploy/batch.yaml", strings.ReplaceAll(operatorDeployment, "tenant-operator", "batch"))

	code, rep, stderr := lintJSON(t, r.dir, "--new-from-rev", "HEAD", "deploy")
	var files []string
	for _, f := range rep.Findings {
		files = append(files, f.File+" "+f.RuleID)
	}
	want := "deploy/batch.yaml TL301,deploy/batch.yaml TL101,deploy/web.yaml TL301,deploy/web.yaml TL101"
	if got := strings.Join(files, ","); got != want || code != ExitFindings {
		t.Errorf("--new-from-rev HEAD: exit %d (%s), findings %q, want %q (nothing of the unchanged operator.yaml)", code, stderr, got, want)
	}
	if rep.Summary.Unchanged != 2 {
		t.Errorf("summary.unchanged = %d, want 2 (operator.yaml's findings)", rep.Summary.Unchanged)
	}
	// Once committed, nothing is new since HEAD.
	r.git("add", ".")
	r.git("commit", "-q", "-m", "the change")
	if code, out, stderr := runIn(t, r.dir, "lint", "--new-from-rev", "HEAD", "deploy"); code != 0 {
		t.Errorf("after committing: exit %d\n%s%s", code, out, stderr)
	}
	// An unknown revision, or a directory outside any work tree: exit 2.
	if code, _, stderr := runIn(t, r.dir, "lint", "--new-from-rev", "no-such-branch", "deploy"); code != ExitError || !strings.Contains(stderr, `unknown revision "no-such-branch"`) {
		t.Errorf("unknown revision: exit %d, %q", code, stderr)
	}
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"pod.yaml": cleanPod})
	if code, _, stderr := runIn(t, outside, "lint", "--new-from-rev", "HEAD", "pod.yaml"); code != ExitError || !strings.Contains(stderr, "not inside a git work tree") {
		t.Errorf("outside a work tree: exit %d, %q", code, stderr)
	}
}

// TestAdoptionEdgeCases covers what users of pre-commit hooks, monorepos and
// CI scripts run into.
func TestAdoptionEdgeCases(t *testing.T) {
	serviceAccount := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tenant-operator\n  namespace: platform\nautomountServiceAccountToken: false\n"
	repo := newRepoDir(t, map[string]string{
		".tokenlint.yaml":              "exclude: [\"third_party/**\", \"**/*_test.yaml\"]\n",
		"deploy/operator.yaml":         operatorDeployment,
		"deploy/operator_test.yaml":    operatorDeployment,
		"third_party/platform/sa.yaml": serviceAccount,
	})
	t.Run("a file named twice is linted once", func(t *testing.T) {
		_, rep, _ := lintJSON(t, repo, "deploy", "deploy/operator.yaml", "./deploy/operator.yaml")
		if len(rep.Findings) != 2 {
			t.Errorf("%d findings, want the 2 of operator.yaml once: %v", len(rep.Findings), rep.unsuppressed())
		}
	})
	t.Run("excluded files still serve as context", func(t *testing.T) {
		_, rep, _ := lintJSON(t, repo, "--context", "third_party", "deploy/operator.yaml")
		if got := strings.Join(rep.unsuppressed(), ","); got != "deploy/operator.yaml:30 TL101" {
			t.Errorf("findings %q: the excluded ServiceAccount should decide TL301", got)
		}
	})
	t.Run("a missing context path is an error", func(t *testing.T) {
		if code, _, stderr := runIn(t, repo, "lint", "--context", "no-such-dir", "deploy"); code != ExitError || !strings.Contains(stderr, `context "no-such-dir"`) {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
	t.Run("an excluded file named on the command line is said to be excluded", func(t *testing.T) {
		code, _, stderr := runIn(t, repo, "lint", "deploy/operator_test.yaml")
		if code != 0 || !strings.Contains(stderr, "deploy/operator_test.yaml is excluded") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("a variable added in front keeps the baseline", func(t *testing.T) {
		dir := newRepoDir(t, map[string]string{"ci.yaml": mustRead(t, filepath.Join(repoRoot, "testdata", "examples", "ci-runner.yaml"))})
		baseline := filepath.Join(dir, "baseline.json")
		// --baseline and --write-baseline of one file that does not exist
		// yet start it, so a refresh script needs no first run.
		if code, out, stderr := runIn(t, dir, "lint", "--baseline", baseline, "--write-baseline", baseline, "ci.yaml"); code != 0 || !strings.Contains(out, "problems") {
			t.Fatalf("exit %d: the text report is still written\n%s%s", code, out, stderr)
		}
		text := mustRead(t, filepath.Join(dir, "ci.yaml"))
		edited := strings.Replace(text, "        env:\n", "        env:\n        - name: LOG_LEVEL\n          value: debug\n", 1)
		edited = strings.Replace(edited, "      containers:\n", "      containers:\n      - name: git-sync\n        image: registry.k8s.io/git-sync/git-sync:v4.4.0\n", 1)
		if edited == text {
			t.Fatal("the example changed: the test edits nothing")
		}
		writeTree(t, dir, map[string]string{"ci.yaml": edited})
		_, rep, _ := lintJSON(t, dir, "--baseline", baseline, "ci.yaml")
		if got := rep.unsuppressed(); len(got) != 0 {
			t.Errorf("a container and a variable in front made baselined findings new: %v", got)
		}
	})
	t.Run("--write-baseline with --new-from-rev is refused", func(t *testing.T) {
		if code, _, stderr := runIn(t, repo, "lint", "--new-from-rev", "HEAD", "--write-baseline", "b.json", "deploy"); code != ExitError || !strings.Contains(stderr, "cannot be used together") {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
	t.Run("fixed entries count only what the run looked at", func(t *testing.T) {
		baseline := filepath.Join(repo, "all.json")
		runIn(t, repo, "lint", "--no-config", "--write-baseline", baseline, ".")
		code, out, _ := runIn(t, filepath.Join(repo, "deploy"), "lint", "--no-config", "--baseline", baseline, "--disable", "TL301", "operator.yaml")
		if code != 0 || !strings.Contains(out, "0 entries of the baseline fixed") {
			t.Errorf("exit %d: entries of other files and disabled rules counted as fixed:\n%s", code, out)
		}
	})
	t.Run("config init does not write beside .tokenlint.yml", func(t *testing.T) {
		dir := newRepoDir(t, map[string]string{".tokenlint.yml": "disable: [TL301]\n"})
		if code, _, stderr := runIn(t, dir, "config", "init"); code != ExitError || !strings.Contains(stderr, ".tokenlint.yml exists") {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
