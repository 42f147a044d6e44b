package policies

import (
	"testing"
)

// TestPolicyPathsQuoteKeys runs a policy that reports annotation keys by the
// library's join_path: each finding lands on its own key, even one holding
// brackets, dots and quotes, and shows the path as Go rules write it.
func TestPolicyPathsQuoteKeys(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("ConfigMap", `package test.annotations

import data.lib.kubernetes

deny contains {"msg": sprintf("annotation %q is not allowed", [key]), "path": kubernetes.join_path("metadata.annotations", key)} if {
	some key, _ in input.metadata.annotations
	startswith(key, "x")
}

deny contains {"msg": "written by hand", "path": `+"`"+`metadata.labels["app.kubernetes.io/name"]`+"`"+`} if input.metadata.labels

deny contains {"msg": "old form", "path": "metadata.labels[team.example.com/owner]"} if input.metadata.labels
`)})
	rep := lint(t, dir, `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app.kubernetes.io/name: billing
    team.example.com/owner: payments
  annotations:
    x: "1"
    x]y.z: "2"
    "x\"quoted": "3"
    x.y: "4"
    "x]": "5"
data:
  k: v
`)
	want := map[int]string{
		6:  "metadata.labels[app.kubernetes.io/name]",
		7:  "metadata.labels[team.example.com/owner]",
		9:  "metadata.annotations.x",
		10: `metadata.annotations["x]y.z"]`,
		11: `metadata.annotations["x\"quoted"]`,
		12: "metadata.annotations[x.y]",
		13: `metadata.annotations["x]"]`,
	}
	got := findings(rep, "T100")
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for _, f := range got {
		if f.Path != want[f.Position.Line] || f.Position.Column != 5 {
			t.Errorf("%q at %d:%d with path %q, want path %q there, at column 5", f.Message, f.Position.Line, f.Position.Column, f.Path, want[f.Position.Line])
		}
	}
	if len(rep.Problems) != 0 {
		t.Errorf("unexpected problems: %+v", rep.Problems)
	}
}
