package cli

import (
	"strings"
	"testing"
)

// TestNoObjects: a run that finds no Kubernetes object says so on standard
// error; standard input or a directory (named, or the working directory)
// that yields none is an input problem, exit code 2, naming it, so a gate
// pointed at the wrong place fails. A file that holds none is not (a hook
// hands over every staged YAML file). Objects loaded as --context do not
// count.
func TestNoObjects(t *testing.T) {
	values := "replicaCount: 2\nimage:\n  tag: 1.0\n"
	dir := writeTree(t, t.TempDir(), map[string]string{
		"values/values.yaml":          values,
		"values/ci.yml":               "on: push\njobs: {}\n",
		"empty/README.md":             "no manifests here\n",
		"mixed/pod.yaml":              cleanPod,
		"mixed/values.yaml":           values,
		"context/serviceaccount.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
	})
	const note = "tokenlint: no Kubernetes objects found in the input"
	tests := []struct {
		name     string
		dir      string
		stdin    string
		args     []string
		want     int
		stdout   string // in the text report, with the path it names
		noObject bool   // the note on standard error
	}{
		{"empty standard input", dir, "", []string{"-"}, ExitError, "<stdin>: error TL001 standard input holds no Kubernetes object", true},
		{"comments only on standard input", dir, "# nothing\n---\n", []string{"-"}, ExitError, "<stdin>: error TL001", true},
		{"named standard input", dir, "", []string{"--stdin-filename", "chart.yaml", "-"}, ExitError, "chart.yaml: error TL001 standard input", true},
		{"directory of values", dir, "", []string{"values"}, ExitError, "values: error TL001 no Kubernetes object in the directory's 2 YAML and JSON files", true},
		{"directory without YAML", dir, "", []string{"empty"}, ExitError, "empty: error TL001 the directory holds no *.yaml", true},
		{"working directory", dir + "/values", "", nil, ExitError, ".: error TL001 no Kubernetes object", true},
		{"file of values", dir, "", []string{"values/values.yaml"}, ExitOK, "no problems in 0 objects, 1 file", true},
		{"file of values beside a manifest", dir, "", []string{"values/values.yaml", "mixed/pod.yaml"}, ExitOK, "no problems in 1 object, 2 files", false},
		{"directory with one manifest", dir, "", []string{"mixed"}, ExitOK, "no problems in 1 object, 2 files", false},
		{"objects only as context, directory", dir, "", []string{"--context", "context", "values"}, ExitError, "values: error TL001", true},
		{"objects only as context, file", dir, "", []string{"--context", "context", "values/values.yaml"}, ExitOK, "0 objects", true},
		{"missing path", dir, "", []string{"valuse"}, ExitError, "valuse: error TL001 cannot read", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(tt.dir)
			var out, errb strings.Builder
			code := Run(append([]string{"lint", "--no-config"}, tt.args...), Streams{In: strings.NewReader(tt.stdin), Out: &out, Err: &errb})
			if code != tt.want || !strings.Contains(out.String(), tt.stdout) {
				t.Errorf("exit %d, want %d; want %q in:\n%s", code, tt.want, tt.stdout, out.String())
			}
			if got := strings.Contains(errb.String(), note); got != tt.noObject {
				t.Errorf("note on standard error %v, want %v: %q", got, tt.noObject, errb.String())
			}
		})
	}
}
