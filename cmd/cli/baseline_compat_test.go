package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestBaselineFromBeforeQuotedPaths lints testdata/baseline with the
// baseline and JSON report that tokenlint wrote there before field paths
// quoted keys: no path of it changed meaning, so every finding keeps its
// path and fingerprint, and the old baseline suppresses all of them.
func TestBaselineFromBeforeQuotedPaths(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	type finding struct {
		RuleID      string `json:"ruleId"`
		Line        int    `json:"line"`
		Path        string `json:"path"`
		Fingerprint string `json:"fingerprint"`
		Suppressed  bool   `json:"suppressed"`
		Suppression *struct {
			Via string `json:"via"`
		} `json:"suppression"`
	}
	type report struct {
		Findings []finding `json:"findings"`
		Summary  struct {
			BaselineFixed int `json:"baselineFixed"`
		} `json:"summary"`
	}
	var old report
	data, err := os.ReadFile(filepath.Join(root, "testdata", "baseline", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &old); err != nil || len(old.Findings) < 10 {
		t.Fatalf("testdata/baseline/report.json: %v, %d findings", err, len(old.Findings))
	}

	code, out, stderr := runIn(t, root, "lint", "--no-config", "--format", "json",
		"--policy", "testdata/policies/audience_allowlist/audience_allowlist.rego",
		"--policy", "testdata/baseline/vault_agent_role.rego",
		"--baseline", "testdata/baseline/baseline.json", "testdata/baseline/manifests.yaml")
	if code != 0 {
		t.Fatalf("exit %d, want 0 with every finding in the baseline: %s\n%s", code, stderr, out)
	}
	var now report
	if err := json.Unmarshal([]byte(out), &now); err != nil {
		t.Fatal(err)
	}
	if len(now.Findings) != len(old.Findings) || now.Summary.BaselineFixed != 0 {
		t.Fatalf("%d findings and %d baseline entries fixed, want the %d findings of the old report and none fixed",
			len(now.Findings), now.Summary.BaselineFixed, len(old.Findings))
	}
	for i, f := range now.Findings {
		o := old.Findings[i]
		if f.RuleID != o.RuleID || f.Line != o.Line || f.Path != o.Path || f.Fingerprint != o.Fingerprint {
			t.Errorf("finding %d: %s line %d path %q fingerprint %s, the old report has %s line %d path %q fingerprint %s",
				i, f.RuleID, f.Line, f.Path, f.Fingerprint, o.RuleID, o.Line, o.Path, o.Fingerprint)
		}
		if !f.Suppressed || f.Suppression == nil || f.Suppression.Via != "baseline" {
			t.Errorf("%s at line %d is not suppressed by the old baseline", f.RuleID, f.Line)
		}
	}
}
