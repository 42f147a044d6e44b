package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const examplePolicy = "testdata/policies/audience_allowlist"

func TestRulesCommand(t *testing.T) {
	code, out, _ := run(t, "", "rules")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, id := range []string{"TL001", "TL101", "TL201", "TL202", "TL203", "TL301"} {
		if !strings.Contains(out, id) {
			t.Errorf("rules does not list %s:\n%s", id, out)
		}
	}
	code, out, _ = run(t, "", "rules", "--format", "json", "--policy", examplePolicy)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rules []ruleJSON
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatal(err)
	}
	origins := map[string]string{}
	for _, r := range rules {
		origins[r.ID] = r.Origin
	}
	if origins["TL101"] != "go" || origins["TL201"] != "rego" || !strings.HasSuffix(origins["ACME001"], "audience_allowlist.rego") {
		t.Errorf("origins: %v", origins)
	}
	code, out, _ = run(t, "", "rules", "--format", "markdown")
	if code != 0 || !strings.Contains(out, "### TL201 legacy-token-secret") || !strings.Contains(out, "](#tl201-legacy-token-secret)") {
		t.Errorf("markdown (exit %d) lacks TL201's section or anchor:\n%s", code, out)
	}
	if code, _, errOut := run(t, "", "rules", "--format", "yaml"); code != ExitError || !strings.Contains(errOut, "unknown format") {
		t.Errorf("rules --format yaml: exit %d, %q", code, errOut)
	}
}

func TestExplainCommand(t *testing.T) {
	for _, key := range []string{"TL202", "tl202", "serviceaccount-token-secret-reference"} {
		code, out, _ := run(t, "", "explain", key)
		if code != 0 || !strings.HasPrefix(out, "TL202 serviceaccount-token-secret-reference (warning)") ||
			!strings.Contains(out, "Fix: Remove") || !strings.Contains(out, "Reported:\n\n    apiVersion: v1") || !strings.Contains(out, "Fixed:") {
			t.Errorf("explain %s: exit %d\n%s", key, code, out)
		}
	}
	code, out, _ := run(t, "", "explain", "--policy", examplePolicy, "ACME001")
	if code != 0 || !strings.Contains(out, "More: https://wiki.example.com/platform/tokens") || !strings.Contains(out, "Policy: ") {
		t.Errorf("explain of a user policy: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, "", "explain", "TL999"); code != ExitError || !strings.Contains(errOut, `no rule "TL999"`) {
		t.Errorf("explain TL999: exit %d, %q", code, errOut)
	}
}

func TestPolicyTestCommand(t *testing.T) {
	code, out, errOut := run(t, "", "policy", "test", examplePolicy)
	if code != 0 || !strings.Contains(out, "PASS: 4/4") {
		t.Fatalf("policy test of the example: exit %d\n%s%s", code, out, errOut)
	}

	// The repository's own policies/ are copies of the built-in ones: their
	// tests run against the built-in policies, which they must pass.
	code, out, errOut = run(t, "", "policy", "test", "policies")
	if code != 0 || !strings.Contains(out, "PASS: ") {
		t.Fatalf("policy test policies: exit %d\n%s%s", code, out, errOut)
	}

	src, err := os.ReadFile(filepath.Join(repoRoot, examplePolicy, "audience_allowlist.rego"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	broken := strings.Replace(string(src), `allowed := {"vault", "sts.amazonaws.com"}`, `allowed := {"vault", "sts.amazonaws.com", "https://partner.example.net"}`, 1)
	test, _ := os.ReadFile(filepath.Join(repoRoot, examplePolicy, "audience_allowlist_test.rego"))
	for name, text := range map[string]string{"audience_allowlist.rego": broken, "audience_allowlist_test.rego": string(test)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut = run(t, "", "policy", "test", dir)
	if code != ExitFindings || !strings.Contains(out, "test_unknown_audience_denied: FAIL") || !strings.Contains(errOut, "1 of 4 policy tests failed") {
		t.Errorf("a failing test: exit %d\n%s%s", code, out, errOut)
	}

	if code, _, errOut = run(t, "", "policy", "test", filepath.Join(repoRoot, "testdata", "rules")); code != ExitError || !strings.Contains(errOut, "no .rego files") {
		t.Errorf("no policies: exit %d, %q", code, errOut)
	}
}

func TestLintWithPolicy(t *testing.T) {
	code, out, _ := run(t, "", "lint", "--policy", examplePolicy, "--format", "json", examplePolicy+"/workloads.yaml")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	var rep struct {
		Findings []struct {
			RuleID, Slug, File, Path string
			Line, Column             int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("findings: %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if f.RuleID != "ACME001" || f.Slug != "acme-audience-allowlist" || f.Line != 29 || f.Column != 15 ||
		f.Path != "spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience" {
		t.Errorf("finding: %+v", f)
	}

	dir := t.TempDir()
	bad := "# METADATA\n# title: Broken\n# description: x\n# custom:\n#   id: X1\n#   slug: broken\n#   severity: warning\n#   kinds: [Pod]\npackage broken\n\ndeny contains x\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.rego"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, cleanPod, "lint", "--policy", dir, "-")
	if code != ExitError || !strings.Contains(errOut, filepath.Join(dir, "broken.rego")+":11:") || out != "" {
		t.Errorf("a policy that does not compile: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A policy that defines rules under a path tokenlint reserves is refused:
// without the refusal, package tokenlint's namespace switched TL202 off
// with no word. It is a policy that does not load: exit 2, nothing linted,
// the file and line named; the same run without it reports TL202.
func TestLintRefusesPolicyUnderReservedPath(t *testing.T) {
	manifests := "testdata/rules/tl202_serviceaccount_secrets"
	code, out, errOut := run(t, "", "lint", "--format", "json", manifests)
	if code != ExitFindings || !strings.Contains(out, `"ruleId": "TL202"`) {
		t.Fatalf("without the policy: exit %d, want TL202 reported:\n%s%s", code, out, errOut)
	}
	for name, src := range map[string]string{
		"namespace.rego:2": "# Every object is cluster-scoped now.\npackage tokenlint\n\nnamespace := \"nowhere\"\n",
		"inventory.rego:1": "package inventory\n\nnamespace := {}\n",
	} {
		name, line, _ := strings.Cut(name, ":")
		dir := t.TempDir()
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, "", "lint", "--policy", dir, "--format", "json", manifests)
		if code != ExitError || out != "" || !strings.Contains(errOut, file+":"+line+": ") ||
			!strings.Contains(errOut, "which is reserved") || !strings.Contains(errOut, "data.tokenlint, data.inventory, data.lib") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q: want exit 2 naming the file, its line and the reserved paths", name, code, out, errOut)
		}
	}
}

// A policy that never finishes, in a pull request's own configuration, on
// many objects: the limits the configuration sets stop it after its first
// time-out with one error, the built-in TL202 still reports, the report is
// written and the exit code is 2.
func TestLintStopsAPolicyThatKeepsTimingOut(t *testing.T) {
	dir := t.TempDir()
	var manifests strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&manifests, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: feature-flags-%d\n  namespace: shop\ndata:\n  checkout: enabled\n", i)
	}
	accounts, err := os.ReadFile(filepath.Join(repoRoot, "testdata/rules/tl202_serviceaccount_secrets/accounts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		".tokenlint.yaml":      "policies: [policies/]\nlimits:\n  policyTimeout: 1s\n  policyTimeouts: 1\n",
		"policies/flags.rego":  "# METADATA\n# title: Feature flags are reviewed\n# description: Every flag names its owner.\n# custom:\n#   id: SHOP001\n#   slug: feature-flag-owner\n#   severity: warning\n#   kinds: [ConfigMap]\npackage shop.flags\n\ndeny contains \"unreviewed\" if {\n\tsome a in numbers.range(1, 1000)\n\tsome b in numbers.range(1, 1000)\n\tsome c in numbers.range(1, 1000)\n\tsome d in numbers.range(1, 1000)\n\ta + b + c + d < 0\n}\n",
		"deploy/flags.yaml":    manifests.String(),
		"deploy/accounts.yaml": string(accounts),
	} {
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, "", "lint", "--config", filepath.Join(dir, ".tokenlint.yaml"), "--format", "json", filepath.Join(dir, "deploy"))
	var rep struct {
		Findings []struct{ RuleID, Message string }
		Errors   []struct{ Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("no report (exit %d): %v\n%s", code, err, errOut)
	}
	if code != ExitError {
		t.Errorf("exit %d, want 2", code)
	}
	var tl202, failed int
	for _, f := range rep.Findings {
		switch f.RuleID {
		case "TL202":
			tl202++
		case "SHOP001":
			failed++
		}
	}
	if tl202 == 0 || failed != 1 {
		t.Errorf("%d TL202 findings, %d SHOP001 findings: want TL202 and one failure of SHOP001", tl202, failed)
	}
	if len(rep.Errors) != 1 {
		t.Fatalf("errors %+v: want one", rep.Errors)
	}
	for _, want := range []string{filepath.Join(dir, "policies", "flags.rego"), "did not finish within 1s on 1 object,",
		"1000 of the 1000 objects it checks are left unchecked", "raise limits.policyTimeout (now 1s) or limits.policyTimeouts (now 1)"} {
		if !strings.Contains(rep.Errors[0].Message, want) {
			t.Errorf("error %q does not say %q", rep.Errors[0].Message, want)
		}
	}

	code, out, errOut = run(t, "", "config", "print", "--config", filepath.Join(dir, ".tokenlint.yaml"))
	if code != 0 || !strings.Contains(out, "limits:\n  policyTimeout: 1s\n  policyTimeouts: 1\n") {
		t.Errorf("config print: exit %d\n%s%s", code, out, errOut)
	}
}
