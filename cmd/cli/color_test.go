package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestColor runs the CLI with --color and the environment, writing to a
// buffer (no terminal).
func TestColor(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want bool
	}{
		{"auto, no terminal", nil, nil, false},
		{"always", []string{"--color", "always"}, nil, true},
		{"always beats NO_COLOR", []string{"--color=always"}, map[string]string{"NO_COLOR": "1"}, true},
		{"never beats FORCE_COLOR", []string{"--color=never"}, map[string]string{"FORCE_COLOR": "1"}, false},
		{"FORCE_COLOR in auto", nil, map[string]string{"FORCE_COLOR": "1"}, true},
		{"FORCE_COLOR=true in auto", []string{"--color", "auto"}, map[string]string{"FORCE_COLOR": "true"}, true},
		{"FORCE_COLOR=0", nil, map[string]string{"FORCE_COLOR": "0"}, false},
		{"NO_COLOR beats FORCE_COLOR in auto", nil, map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "yes"}, false},
		{"empty NO_COLOR counts as unset", nil, map[string]string{"FORCE_COLOR": "1", "NO_COLOR": ""}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(repoRoot)
			var out, errb strings.Builder
			s := Streams{In: strings.NewReader(warningPod), Out: &out, Err: &errb, Getenv: func(k string) string { return tt.env[k] }}
			code := Run(append(append([]string{"lint"}, tt.args...), "-"), s)
			if code != ExitFindings {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if got := strings.Contains(out.String(), "\x1b[33mwarning\x1b[0m"); got != tt.want {
				t.Errorf("coloured %v, want %v:\n%q", got, tt.want, out.String())
			}
		})
	}

	// FORCE_COLOR is for logs: a text report written to a file stays plain
	// unless --color=always asks.
	file := filepath.Join(t.TempDir(), "report.txt")
	for _, always := range []bool{false, true} {
		args := []string{"lint", "--format", "text=" + file, "-"}
		if always {
			args = append(args, "--color=always")
		}
		Run(args, Streams{In: strings.NewReader(warningPod), Out: &strings.Builder{}, Err: &strings.Builder{}, Getenv: func(k string) string {
			return map[string]string{"FORCE_COLOR": "1"}[k]
		}})
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(data), "\x1b["); got != always {
			t.Errorf("--color=always %v: the file coloured %v", always, got)
		}
	}

	if code, _, errOut := run(t, warningPod, "lint", "--color", "sometimes", "-"); code != ExitError || !strings.Contains(errOut, "--color") {
		t.Errorf("--color sometimes: exit %d, %q", code, errOut)
	}
}
