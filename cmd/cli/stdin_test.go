package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestStdinFilename: standard input named with --stdin-filename is reported
// as that file in every format, with the fingerprints linting the file itself
// gives (so a baseline written from the file matches), and its suppression
// comments work.
func TestStdinFilename(t *testing.T) {
	const name = "testdata/examples/payments.yaml"
	data, err := os.ReadFile(repoRoot + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(repoRoot)
	_, fromFile, _ := lintJSON(t, repoRoot, name)
	var out, errb strings.Builder
	code := Run([]string{"lint", "--format", "json", "--stdin-filename", name, "-"}, Streams{In: strings.NewReader(string(data)), Out: &out, Err: &errb})
	var fromStdin jsonReport
	if err := json.Unmarshal([]byte(out.String()), &fromStdin); err != nil {
		t.Fatalf("exit %d, %s: %v", code, errb.String(), err)
	}
	if len(fromStdin.Findings) == 0 || len(fromStdin.Findings) != len(fromFile.Findings) {
		t.Fatalf("%d findings from standard input, %d from the file", len(fromStdin.Findings), len(fromFile.Findings))
	}
	for i, f := range fromStdin.Findings {
		g := fromFile.Findings[i]
		if f.File != name || f.Line != g.Line || f.RuleID != g.RuleID || f.Fingerprint != g.Fingerprint {
			t.Errorf("finding %d from standard input: %s:%d %s %s; from the file: %s:%d %s %s", i, f.File, f.Line, f.RuleID, f.Fingerprint, g.File, g.Line, g.RuleID, g.Fingerprint)
		}
	}

	// A name that does not exist, and a suppression comment on standard
	// input: it matches the named file.
	suppressed := strings.Replace(warningPod, "      - serviceAccountToken:\n", "      - serviceAccountToken: # tokenlint:ignore TL101 -- the recipient checks nothing\n", 1)
	suppressed += "      - serviceAccountToken:\n          path: other\n"
	wants := map[string][]string{
		"text":   {"chart.yaml:16:9: warning TL101", "1 suppressed"},
		"json":   {`"file": "chart.yaml"`, `"suppressed": true`},
		"sarif":  {`"uri": "chart.yaml"`, `"kind": "inSource"`},
		"github": {"::warning file=chart.yaml,line=16,"},
	}
	for format, want := range wants {
		code, out, errOut := run(t, suppressed, "lint", "--format", format, "--stdin-filename", "chart.yaml", "-")
		if code != ExitFindings {
			t.Errorf("%s: exit %d, want 1 (one finding suppressed, one not): %s", format, code, errOut)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in:\n%s", format, w, out)
			}
		}
		if strings.Contains(out, "<stdin>") {
			t.Errorf("%s: standard input still named <stdin>:\n%s", format, out)
		}
	}

	code, _, errOut := run(t, cleanPod, "lint", "--stdin-filename", "chart.yaml", "testdata/examples")
	if code != ExitError || !strings.Contains(errOut, "--stdin-filename") {
		t.Errorf("--stdin-filename without -: exit %d, %q", code, errOut)
	}
}
