package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// loopChart is a chart from a pull request whose template never ends.
var loopChart = map[string]string{
	"charts/loop/Chart.yaml":  "apiVersion: v2\nname: loop\nversion: 0.1.0\n",
	"charts/loop/values.yaml": "replicas: 1\n",
	"charts/loop/templates/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-loop
data:
{{- range $i := until 100000 }}
{{- range $j := until 100000 }}
  k{{ $i }}-{{ $j }}: ""
{{- end }}
{{- end }}
`,
}

// A chart that renders without end is stopped at limits.helmRenderTimeout:
// an input error on the chart, the other files linted, the report written
// and exit code 2.
func TestHelmRenderTimeoutConfigured(t *testing.T) {
	files := map[string]string{
		".tokenlint.yaml": "limits:\n  helmRenderTimeout: 1s\n",
		"deploy/web.yaml": operatorDeployment,
	}
	for k, v := range loopChart {
		files[k] = v
	}
	repo := newRepoDir(t, files)
	code, rep, stderr := lintJSON(t, repo, ".")
	if code != ExitError {
		t.Errorf("exit %d, want 2: %s", code, stderr)
	}
	var loop, web bool
	for _, f := range rep.Findings {
		switch {
		case f.File == "charts/loop" && f.RuleID == "TL001" && strings.Contains(f.Message, "longer than the limit of 1s"):
			loop = true
		case f.File == "deploy/web.yaml" && f.RuleID == "TL101":
			web = true
		}
	}
	if !loop || !web || rep.Summary.InputErrors != 1 {
		t.Errorf("want the chart's time-out and the other file's finding, one input error: %+v", rep)
	}
}

func TestLimitsConfigured(t *testing.T) {
	repo := newRepoDir(t, map[string]string{
		".tokenlint.yaml": "limits:\n  maxFileSize: 512\n",
		"deploy/web.yaml": operatorDeployment,
		"deploy/ok.yaml":  cleanPod,
	})
	code, rep, _ := lintJSON(t, repo, "deploy")
	if code != ExitError || len(rep.Findings) != 1 || rep.Findings[0].File != "deploy/web.yaml" || !strings.Contains(rep.Findings[0].Message, "larger than the limit of 512 bytes (limits.maxFileSize)") {
		t.Errorf("exit %d, findings %+v; want the one file over 512 bytes refused", code, rep.Findings)
	}
	code, out, _ := runIn(t, repo, "config", "print")
	if code != 0 || !strings.Contains(out, "limits:\n  maxFileSize: 512\n") {
		t.Errorf("config print: exit %d:\n%s", code, out)
	}
	writeTree(t, repo, map[string]string{".tokenlint.yaml": "limits:\n  maxFileSize: lots\n  helmRenderTimeout: 0\n"})
	code, _, stderr := runIn(t, repo, "lint", "deploy")
	if code != ExitError || !strings.Contains(stderr, `.tokenlint.yaml:2:16: limits.maxFileSize: invalid size "lots"`) || !strings.Contains(stderr, `.tokenlint.yaml:3:22: limits.helmRenderTimeout: invalid duration "0"`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// A named pipe met while walking is an input error and never blocks; the
// other files are still linted.
func TestNamedPipeWalked(t *testing.T) {
	repo := newRepoDir(t, map[string]string{"deploy/web.yaml": operatorDeployment})
	if err := syscall.Mkfifo(filepath.Join(repo, "deploy", "pipe.yaml"), 0o644); err != nil {
		t.Skipf("cannot make a named pipe: %v", err)
	}
	code, rep, _ := lintJSON(t, repo, ".")
	if code != ExitError || rep.Summary.InputErrors != 1 {
		t.Errorf("exit %d, %d input errors; want 2 and 1", code, rep.Summary.InputErrors)
	}
	var pipe, web bool
	for _, f := range rep.Findings {
		switch {
		case f.File == "deploy/pipe.yaml" && f.RuleID == "TL001" && strings.Contains(f.Message, "not a regular file but a named pipe"):
			pipe = true
		case f.File == "deploy/web.yaml" && f.RuleID == "TL101":
			web = true
		}
	}
	if !pipe || !web {
		t.Errorf("want the pipe's input error and the other file's finding: %+v", rep.Findings)
	}
}

// Helm's own log lines (here: a Helm 2 hook it skips) stay off standard
// error unless --helm-log asks for them.
func TestHelmLog(t *testing.T) {
	repo := newRepoDir(t, map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: legacy\nversion: 1.0.0\n",
		"chart/templates/crd.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: legacy-crds
  annotations:
    helm.sh/hook: crd-install
`,
		"chart/templates/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: legacy\nautomountServiceAccountToken: false\n",
	})
	code, _, stderr := runIn(t, repo, "lint", "chart")
	if code != ExitOK || stderr != "" {
		t.Errorf("exit %d, standard error %q; want nothing from Helm", code, stderr)
	}
	code, _, stderr = runIn(t, repo, "lint", "--helm-log", "chart")
	if code != ExitOK || !strings.Contains(stderr, "skipping unknown hooks") {
		t.Errorf("--helm-log: exit %d, standard error %q", code, stderr)
	}
}

// --values, --policy and the configuration file are read only when they are
// regular files.
func TestSpecialFilesRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	repo := newRepoDir(t, map[string]string{"deploy/web.yaml": operatorDeployment})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "--config", "/dev/zero", "deploy"}, "/dev/zero: not a regular file but a character device"},
		{[]string{"lint", "--values", "/dev/zero", filepath.Join(repoRoot, "testdata", "charts", "agent")}, "/dev/zero: not a regular file but a character device"},
	} {
		code, out, stderr := runIn(t, repo, tc.args...)
		if code != ExitError || !strings.Contains(stderr+out, tc.want) {
			t.Errorf("%v: exit %d, %q %q", tc.args, code, out, stderr)
		}
	}
	zero := filepath.Join(repo, "zero.rego")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Skipf("cannot make a symbolic link: %v", err)
	}
	code, _, stderr := runIn(t, repo, "lint", "--policy", zero, "deploy")
	if code != ExitError || !strings.Contains(stderr, `not a regular file but a symbolic link to "/dev/zero", a character device`) {
		t.Errorf("--policy to /dev/zero: exit %d, %q", code, stderr)
	}
}
