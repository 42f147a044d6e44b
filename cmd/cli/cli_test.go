package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// repoRoot is the repository's root, found before any test changes directory.
var repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))

// run runs the real CLI in-process from the repository root.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errb bytes.Buffer
	code = Run(args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

const cleanPod = `apiVersion: v1
kind: Pod
metadata:
  name: clean
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
`

const warningPod = `apiVersion: v1
kind: Pod
metadata:
  name: warn
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
`

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"clean input", cleanPod, []string{"lint", "-"}, ExitOK},
		{"warning fails by default", warningPod, []string{"lint", "-"}, ExitFindings},
		{"warning below --fail-on error", warningPod, []string{"lint", "--fail-on", "error", "-"}, ExitOK},
		{"--fail-on never", warningPod, []string{"lint", "--fail-on=never", "-"}, ExitOK},
		{"--fail-on note", warningPod, []string{"lint", "--fail-on=note", "-"}, ExitFindings},
		{"error finding", "", []string{"lint", "testdata/examples/payments.yaml", "--fail-on", "error"}, ExitFindings},
		{"syntax error", "a: [\n", []string{"lint", "-"}, ExitError},
		{"type error", strings.Replace(cleanPod, "false", `"false"`, 1), []string{"lint", "-"}, ExitError},
		{"missing file", "", []string{"lint", "testdata/does-not-exist.yaml"}, ExitError},
		{"bad --fail-on", cleanPod, []string{"lint", "--fail-on", "sometimes", "-"}, ExitError},
		{"bad --format", cleanPod, []string{"lint", "--format", "xml", "-"}, ExitError},
		{"unknown flag", cleanPod, []string{"lint", "--frobnicate", "-"}, ExitError},
		{"unknown command", "", []string{"frobnicate"}, ExitError},
		{"bad --max-token-expiration", cleanPod, []string{"lint", "--max-token-expiration", "soon", "-"}, ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, out, errOut)
			}
		})
	}
}

func TestInputErrorStillWritesReport(t *testing.T) {
	input := "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: [\n---\n" + warningPod
	code, out, _ := run(t, input, "lint", "-")
	if code != ExitError {
		t.Fatalf("exit code %d, want %d", code, ExitError)
	}
	if !strings.Contains(out, "<stdin>:4:") || !strings.Contains(out, "TL001") {
		t.Errorf("the syntax error is not reported at its line:\n%s", out)
	}
	if !strings.Contains(out, "TL101") {
		t.Errorf("the valid document after the broken one was not linted:\n%s", out)
	}
}

func TestNoPathLintsWorkingDirectory(t *testing.T) {
	t.Chdir(filepath.Join(repoRoot, "testdata", "examples"))
	var out bytes.Buffer
	code := Run([]string{"lint"}, Streams{Out: &out, Err: &out})
	if code != ExitFindings || !strings.Contains(out.String(), "payments.yaml:37:13") {
		t.Errorf("exit %d, output:\n%s", code, out.String())
	}
}

func TestMaxTokenExpiration(t *testing.T) {
	pod := strings.Replace(warningPod, "path: token", "path: token\n          audience: vault\n          expirationSeconds: 7200", 1)
	if code, out, _ := run(t, pod, "lint", "-"); code != ExitOK {
		t.Fatalf("7200 seconds fails with the default maximum: %d\n%s", code, out)
	}
	for _, limit := range []string{"3600", "1h"} {
		code, out, _ := run(t, pod, "lint", "--max-token-expiration", limit, "-")
		if code != ExitFindings || !strings.Contains(out, "TL103") || !strings.Contains(out, "maximum of 3600") {
			t.Errorf("--max-token-expiration %s: exit %d\n%s", limit, code, out)
		}
	}
}

func TestNamespaceFlag(t *testing.T) {
	_, out, _ := run(t, warningPod, "lint", "--namespace", "payments", "-")
	if !strings.Contains(out, "[Pod payments/warn]") {
		t.Errorf("--namespace is not the namespace of objects that set none:\n%s", out)
	}
	_, out, _ = run(t, warningPod, "lint", "-")
	if !strings.Contains(out, "[Pod default/warn]") {
		t.Errorf("objects without a namespace are not in default:\n%s", out)
	}
}

func TestJSONToOutputFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.json")
	code, stdout, _ := run(t, warningPod, "lint", "--format", "json", "--output", file, "-")
	if code != ExitFindings {
		t.Errorf("exit code %d", code)
	}
	if stdout != "" {
		t.Errorf("--output still wrote to standard output: %q", stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tool     struct{ Name string }
		Findings []struct {
			RuleID string
			Line   int
			Column int
			Path   string
		}
		Summary struct{ Findings, Warnings int }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tool.Name != "tokenlint" || len(doc.Findings) != 1 || doc.Summary.Warnings != 1 {
		t.Fatalf("unexpected report: %s", data)
	}
	f := doc.Findings[0]
	if f.RuleID != "TL101" || f.Line != 14 || f.Column != 9 || f.Path != "spec.volumes[0].projected.sources[0].serviceAccountToken" {
		t.Errorf("finding %+v", f)
	}
}

func TestSeveralFormatsInOneRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.json")
	_, stdout, _ := run(t, warningPod, "lint", "--format", "text", "--format", "json="+file, "-")
	if !strings.Contains(stdout, "<stdin>:14:9: warning TL101") {
		t.Errorf("text output missing:\n%s", stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(data, []byte(`"ruleId": "TL101"`)) {
		t.Errorf("json output missing: %v\n%s", err, data)
	}
	if code, _, errOut := run(t, warningPod, "lint", "--format", "text", "--format", "json", "-"); code != ExitError || !strings.Contains(errOut, "NAME=FILE") {
		t.Errorf("two formats on standard output were accepted: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, warningPod, "lint", "--format", "json="+file, "--output", file+".txt", "-"); code != ExitError || !strings.Contains(errOut, "--output") {
		t.Errorf("an --output that no format writes to was accepted: %d %s", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "", "version")
	if code != ExitOK || !strings.HasPrefix(out, "tokenlint ") {
		t.Errorf("exit %d: %q", code, out)
	}
}

func TestNoColourWhenNotATerminal(t *testing.T) {
	_, out, _ := run(t, warningPod, "lint", "-")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour written to a buffer:\n%q", out)
	}
}

func TestHelmChart(t *testing.T) {
	code, out, _ := run(t, "", "lint", "testdata/charts/agent")
	if code != ExitFindings || !strings.Contains(out, "TL101") || !strings.Contains(out, "testdata/charts/agent/templates/daemonset.yaml:27:13: warning TL101 ") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "", "lint", "testdata/charts/agent", "--set", "token.audience=spire-server", "--release-name", "obs", "-n", "observability")
	if code != ExitOK || !strings.Contains(out, "2 objects") {
		t.Errorf("--set did not reach the chart: exit %d:\n%s", code, out)
	}
	// --set-file and --set-json as Helm takes them (Helm's --set-file
	// reads the file's text; several pairs in one flag, comma-separated).
	audience := filepath.Join(t.TempDir(), "audience")
	if err := os.WriteFile(audience, []byte("spire-server"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "", "lint", "testdata/charts/agent", "--set-file", "token.audience="+audience, "--set-json", "token.expirationSeconds=7200", "-a", "policy/v1beta1,monitoring.coreos.com/v1")
	if code != ExitOK {
		t.Errorf("--set-file did not reach the chart: exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "", "lint", "testdata/charts/agent", "--set-json", "token.expirationSeconds=[", "testdata/examples/payments.yaml")
	if code != ExitError || !strings.Contains(out, "failed parsing --set-json data") || !strings.Contains(out, "payments.yaml") {
		t.Errorf("bad --set-json: exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "", "lint", "testdata/charts/agent", "--values", "testdata/does-not-exist.yaml")
	if code != ExitError || !strings.Contains(out, "cannot read Helm values") {
		t.Errorf("a missing values file: exit %d:\n%s", code, out)
	}
}

func TestTuneGCHonoursEnvironment(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	TuneGC(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC in the environment was overridden: GC percent %d", got)
	}
}

// The collector lets a small heap grow to minHeapGoal, and a large one to
// twice what is live.
func TestGCPercent(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 900}, {4 << 20, 900}, {8 << 20, 400}, {16 << 20, 150}, {20 << 20, 100}, {40 << 20, 100}, {1 << 30, 100},
	} {
		if got := gcPercent(tt.live); got != tt.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}

// TuneGC tunes the collector after every collection, by what is live then.
func TestTuneGCFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	TuneGC(func(string) string { return "" })
	percent := func() int {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p
	}
	// wait collects and waits for the cleanup that tunes the collector.
	wait := func(want func(int) bool) int {
		for range 100 {
			runtime.GC()
			if p := percent(); want(p) {
				return p
			}
			time.Sleep(10 * time.Millisecond)
		}
		return percent()
	}
	live := make([][]byte, 96)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	if p := wait(func(p int) bool { return p == 100 }); p != 100 {
		t.Errorf("with 96 MiB live, GC percent %d, want 100", p)
	}
	runtime.KeepAlive(live)
	live = nil
	if p := wait(func(p int) bool { return p > 100 }); p <= 100 {
		t.Errorf("with little live, GC percent %d, want more than 100", p)
	}
}
