package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/internal/printable"
)

// hostilePolicy is a user policy whose METADATA and messages hold what a
// stranger's pull request could put there: ANSI and OSC sequences (clear the
// screen, set the title, hide text), CR, line breaks and a right-to-left
// override.
const hostilePolicy = `# METADATA
# title: "Audience check\e]0;owned\a\e[2J"
# description: "Finds tokens.\r\n\u202eevil\e[31m red\nSecond line."
# custom:
#   id: EVIL001
#   slug: evil-audience
#   severity: warning
#   kinds: [Pod]
#   remediation: "Set an \e[8maudience."
#   example: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"web\e[2J\"\n"
package evil.audience

deny contains msg if {
	msg := sprintf("pod %s\nforged.yaml:1:1: error TL201 forged", [input.metadata.name])
}
`

// A test whose file name clears the screen: policy test names it.
const hostilePolicyTest = `package evil.audience_test

test_fails if {
	1 == 2
}
`

const hostilePod = `apiVersion: v1
kind: Pod
metadata:
  name: "web\e[2J\e]8;;https://evil.example/\a"
  namespace: shop
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
`

// unsafe returns the first character of out that printable would have
// escaped, other than the line feeds (and, where allowed, tabs) tokenlint
// writes itself; "" when there is none.
func unsafe(out string, tabs bool) string {
	for _, r := range out {
		if r == '\n' || tabs && r == '\t' {
			continue
		}
		if !printable.Safe(r) {
			return string(r)
		}
	}
	return ""
}

// TestHostileTextIsEscaped runs every command that prints what policies,
// manifests, file names and the configuration say, and checks that standard
// output and standard error hold no control character (but the line feeds
// tokenlint writes), that each finding and each configuration problem is one
// line, and that what was escaped is still shown.
func TestHostileTextIsEscaped(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policies", "evil.rego")
	if err := os.MkdirAll(filepath.Dir(policy), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		policy: hostilePolicy,
		filepath.Join(dir, "policies", "evil\x1b[2J_test.rego"): hostilePolicyTest,
		filepath.Join(dir, "pod.yaml"):                          hostilePod,
		filepath.Join(dir, "bad.yaml"):                          "exclude: \"a\\nforged.yaml:1:1: error TL201 forged\\e[2J\"\nfailOn: \"never\\e[2J\"\n",
		filepath.Join(dir, "exclude.yaml"):                      "exclude: [\"vendored*\"]\n",
		filepath.Join(dir, "vendored\x1b[2J\n.yaml"):            hostilePod,
	} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	for _, c := range []struct {
		name string
		args []string
		code int
		// want are what the output shows, escaped.
		want []string
		// lines is how many lines standard output has; 0: any.
		lines int
	}{
		{"lint", []string{"lint", "--no-config", "--color", "always", "--policy", policy, filepath.Join(dir, "pod.yaml")}, ExitFindings,
			[]string{`pod web\x1b[2J\x1b]8;;https://evil.example/\x07\nforged.yaml:1:1: error TL201 forged [Pod shop/web\x1b[2J`}, 2},
		{"rules", []string{"rules", "--policy", policy}, ExitOK, []string{`Audience check\x1b]0;owned\x07\x1b[2J`}, 0},
		{"rules markdown", []string{"rules", "--format", "markdown", "--policy", policy}, ExitOK,
			[]string{`| [EVIL001](#evil001-evil-audience) | ` + "`evil-audience`" + ` | warning | Audience check\x1b]0;owned\x07\x1b[2J |`}, 0},
		{"explain", []string{"explain", "--policy", policy, "EVIL001"}, ExitOK,
			[]string{"Audience check\\x1b]0;owned\\x07\\x1b[2J\n", "Finds tokens.\n\\u202eevil\\x1b[31m red\nSecond line.\n", `Fix: Set an \x1b[8maudience.`, `name: "web\x1b[2J"`}, 0},
		{"policy test", []string{"policy", "test", "-v", filepath.Join(dir, "policies")}, ExitFindings, []string{`evil\x1b[2J_test.rego`}, 0},
		{"completion", []string{"__complete", "explain", "--policy", policy, "EVIL"}, ExitOK, []string{"EVIL001\tAudience check\\x1b]0;owned\\x07\\x1b[2J\n"}, 0},
		{"excluded", []string{"lint", "--config", filepath.Join(dir, "exclude.yaml"), filepath.Join(dir, "pod.yaml"), filepath.Join(dir, "vendored\x1b[2J\n.yaml")}, ExitOK, nil, 0},
		{"configuration", []string{"lint", "--config", filepath.Join(dir, "bad.yaml"), filepath.Join(dir, "pod.yaml")}, ExitError, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, "", c.args...)
			if code != c.code {
				t.Fatalf("exit code %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			plain := out
			if c.name == "lint" {
				for _, colour := range []string{"\x1b[0m", "\x1b[33m", "\x1b[1m"} {
					plain = strings.ReplaceAll(plain, colour, "")
				}
			}
			if bad := unsafe(plain, c.name == "completion"); bad != "" { // a tab ends a completion
				t.Errorf("standard output holds %q:\n%q", bad, out)
			}
			if bad := unsafe(errOut, false); bad != "" {
				t.Errorf("standard error holds %q:\n%q", bad, errOut)
			}
			if c.name == "excluded" && !strings.Contains(errOut, `vendored\x1b[2J\n.yaml is excluded`) {
				t.Errorf("standard error does not say the path is excluded, escaped:\n%s", errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(plain, w) {
					t.Errorf("the output lacks %q:\n%s", w, plain)
				}
			}
			if n := strings.Count(out, "\n"); c.lines > 0 && n != c.lines {
				t.Errorf("%d lines, want %d:\n%s", n, c.lines, out)
			}
		})
	}

	// Each problem of the configuration file is one line, whatever its
	// keys and values hold.
	_, _, errOut := run(t, "", "lint", "--config", filepath.Join(dir, "bad.yaml"), filepath.Join(dir, "pod.yaml"))
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != 3 || lines[0] != "tokenlint: invalid configuration:" ||
		!strings.HasSuffix(lines[1], `write [a\nforged.yaml:1:1: error TL201 forged\x1b[2J]`) ||
		!strings.Contains(lines[2], `unknown severity "never\x1b[2J"`) {
		t.Errorf("want the heading and one line for each of the two problems, escaped:\n%s", errOut)
	}
}
