package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// complete runs cobra's hidden __complete command in-process, as the shell
// scripts of `tokenlint completion` do, and returns the completions without
// their descriptions.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := run(t, "", append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if code != ExitOK {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || strings.HasPrefix(line, ":") {
			continue // the directive
		}
		name, _, _ := strings.Cut(line, "\t")
		got = append(got, name)
	}
	return got
}

// commands lists every command that is not hidden, the root's included.
func commands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		if !sub.Hidden {
			out = append(out, commands(sub)...)
		}
	}
	return out
}

func TestCompletion(t *testing.T) {
	root := NewRoot(Streams{})
	if c, _, err := root.Find([]string{"completion", "bash"}); err != nil || c.Name() != "bash" {
		t.Fatalf("no completion command: %v", err)
	}
	code, script, _ := run(t, "", "completion", "bash")
	if code != ExitOK || !strings.Contains(script, cobra.ShellCompRequestCmd) {
		t.Errorf("completion bash: exit %d, a script that does not ask __complete", code)
	}

	// Every command, and every flag of every command.
	for _, c := range commands(root) {
		path := strings.Fields(c.CommandPath())[1:]
		if c.HasAvailableSubCommands() {
			got := complete(t, append(path, "")...)
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() && !slices.Contains(got, sub.Name()) {
					t.Errorf("%q completes %v, without command %s", c.CommandPath(), got, sub.Name())
				}
			}
		}
		got := complete(t, append(path, "--")...)
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && !slices.Contains(got, "--"+f.Name) {
				t.Errorf("%q completes %v, without --%s", c.CommandPath(), got, f.Name)
			}
		})
	}

	// Values.
	tests := []struct {
		args []string
		want []string // all of these
		not  []string // none of these
	}{
		{[]string{"explain", ""}, []string{"TL001", "TL301", "automounted-token", "invalid-manifest"}, nil},
		{[]string{"explain", "tl30"}, []string{"TL301", "TL302"}, []string{"TL101"}},
		{[]string{"explain", "auto"}, []string{"automounted-token"}, []string{"TL301"}},
		{[]string{"explain", "TL301", ""}, nil, []string{"TL302"}},
		{[]string{"lint", "--enable", ""}, []string{"TL101", "token-not-reloaded"}, nil},
		{[]string{"lint", "--disable", "TL101,TL3"}, []string{"TL101,TL301", "TL101,TL302"}, []string{"TL301"}},
		{[]string{"config", "print", "--disable", "legacy"}, []string{"legacy-token-secret", "legacy-token-secret-consumed"}, nil},
		{[]string{"lint", "--format", ""}, []string{"text", "json", "sarif", "github"}, nil},
		{[]string{"lint", "-f", "sa"}, []string{"sarif"}, []string{"json"}},
		{[]string{"lint", "--fail-on", ""}, []string{"error", "warning", "note", "never"}, nil},
		{[]string{"lint", "--color", ""}, []string{"auto", "always", "never"}, nil},
		{[]string{"rules", "--format", ""}, []string{"text", "markdown", "json"}, nil},
		{[]string{"lint", "--policy", "testdata/policies", "--enable", ""}, []string{"TL101", "ACME001"}, nil},
		{[]string{"explain", "--policy", "testdata/policies", "acme"}, []string{"acme-audience-allowlist"}, nil},
	}
	for _, tt := range tests {
		got := complete(t, tt.args...)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("__complete %q: %v, without %s", tt.args, got, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("__complete %q: %v, with %s", tt.args, got, n)
			}
		}
	}
}

// TestHelp: every command's help shows bool flags as cobra always has,
// "-h, --help", without the "[=true|false]" pflag 1.1 adds, and a command
// missing its argument says which.
func TestHelp(t *testing.T) {
	for _, c := range commands(NewRoot(Streams{})) {
		args := append(strings.Fields(c.CommandPath())[1:], "--help")
		code, out, _ := run(t, "", args...)
		if code != ExitOK || !strings.Contains(out, "-h, --help ") || strings.Contains(out, "[=true|false]") {
			t.Errorf("%q: exit %d:\n%s", args, code, out)
		}
	}
	code, out, _ := run(t, "", "lint", "--help")
	for _, flag := range []string{"      --no-config ", "      --show-suppressed ", "      --color string", "      --stdin-filename string"} {
		if code != ExitOK || !strings.Contains(out, flag) {
			t.Errorf("lint --help lacks %q:\n%s", flag, out)
		}
	}
	// Bool flags still take =false.
	if code, out, _ := run(t, warningPod, "lint", "--show-suppressed=false", "--no-config=true", "-"); code != ExitFindings || !strings.Contains(out, "TL101") {
		t.Errorf("--show-suppressed=false --no-config=true: exit %d:\n%s", code, out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"explain"}, "explain needs a rule ID or slug, such as TL301"},
		{[]string{"explain", "TL101", "TL102"}, "explain takes one rule ID or slug"},
		{[]string{"policy", "test"}, "policy test needs a PATH"},
	} {
		code, _, errOut := run(t, "", tt.args...)
		if code != ExitError || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d, %q; want %q", tt.args, code, errOut, tt.want)
		}
	}
}
