package rules

import (
	"reflect"
	"strings"
	"testing"
)

// shellSummary renders parsed commands compactly: words joined by spaces,
// redirections as op+target, "|" before a piped command, "@l" per loop and
// "@f" per function body that holds it.
func shellSummary(cmds []shCmd) []string {
	var out []string
	for _, c := range cmds {
		var parts []string
		if c.piped {
			parts = append(parts, "|")
		}
		for _, w := range c.words {
			parts = append(parts, w.text)
		}
		for _, r := range c.redirs {
			parts = append(parts, r.op+r.target.text)
		}
		s := strings.Join(parts, " ")
		if c.loop > 0 || c.fn > 0 {
			s += " @" + strings.Repeat("l", c.loop) + strings.Repeat("f", c.fn)
		}
		out = append(out, s)
	}
	return out
}

func TestParseShell(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []string
	}{
		{`TOKEN=$(cat /t) exec app`, []string{`TOKEN=$(cat /t) exec app`}},
		{`a "b c" 'd $e' f\ g`, []string{`a b c d $e f g`}},
		{"one; two && three || four & five\nsix", []string{"one", "two", "three", "four", "five", "six"}},
		{`cat /t | tr -d '\n' | tee /x >/dev/null`, []string{"cat /t", "| tr -d \\n", "| tee /x >/dev/null"}},
		{`cat /t 2>/dev/null 1>/o &>/both`, []string{"cat /t 2>/dev/null >/o >/both"}},
		{`read -r X < /t`, []string{"read -r X </t"}},
		{`X="$(cat "/t")" # a comment`, []string{`X=$(cat "/t")`}},
		{"echo `cat /t`", []string{"echo `cat /t`"}},
		{`echo $((1 + 2)) ${HOME}`, []string{`echo $((1 + 2)) ${HOME}`}},
		{"line one \\\n  continued", []string{"line one continued"}},
		{"while true; do\n  a\ndone\nb", []string{"true @l", "a @l", "b"}},
		{"while T=$(cat /t); do a; done; b", []string{"T=$(cat /t) @l", "a @l", "b"}},
		{"until ! x; do while y\ndo z; done; done; for i in 1; do w; done", []string{"x @l", "y @ll", "z @ll", "for i in 1", "w @l"}},
		{"f() { T=$(cat /t); }; f", []string{"T=$(cat /t) @f", "f"}},
		{"f ()\n{\n  { a; }\n  while b; do c; done\n}\nd", []string{"a @f", "b @lf", "c @lf", "d"}},
		{"function g { a; }; function h() { b; }; c", []string{"a @f", "b @f", "c"}},
		{"{ grp; }; f() ( sub; (a) ); b", []string{"grp", "sub @f", "a @f", "b"}},
		{"for i in 1 2; do for j in 3; do x; done; y; done; z", []string{"for i in 1 2", "for j in 3 @l", "x @ll", "y @l", "z"}},
		{"if [ -f /t ]; then\n  T=$(cat /t)\nfi", []string{"[ -f /t ]", "T=$(cat /t)"}},
		{"cat <<EOF > /x\n$(cat /t)\nEOF\nafter", []string{"cat >/x", "after"}},
		{"( sub ) ; { grp; }", []string{"sub", "grp"}},
		{`unterminated "quote`, []string{"unterminated quote"}},
		{`x=$(cat /t`, []string{"x=$(cat /t"}},
	} {
		if got := shellSummary(parseShell(tt.script, 0)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseShell(%q) = %q; want %q", tt.script, got, tt.want)
		}
	}
}

func TestParseShellSubstitutions(t *testing.T) {
	script := "A=1\nB=\"x $(cat /t | base64) `head -c 3 /u`\""
	cmds := parseShell(script, 0)
	if len(cmds) != 2 {
		t.Fatalf("got %d commands, want 2", len(cmds))
	}
	w := cmds[1].words[0]
	if w.pos != 4 {
		t.Errorf("word position = %d, want 4", w.pos)
	}
	var bodies []string
	for _, s := range w.subs {
		bodies = append(bodies, s.body)
		if script[s.pos:s.pos+len(s.body)] != s.body {
			t.Errorf("substitution %q at %d does not point at its text", s.body, s.pos)
		}
	}
	if want := []string{"cat /t | base64", "head -c 3 /u"}; !reflect.DeepEqual(bodies, want) {
		t.Errorf("substitutions = %q, want %q", bodies, want)
	}
}

func TestSubPathSelects(t *testing.T) {
	for _, tt := range []struct {
		sub   string
		expr  bool
		token string
		want  bool
	}{
		{"token", false, "token", true},
		{"/token/", false, "token", true},
		{"tokens", false, "tokens/vault", true},
		{"tok", false, "token", false},
		{"ca.crt", false, "token", false},
		{".", false, "token", true},
		{"$(POD)", true, "token", true},
		{"$(POD)/ca.crt", true, "token", false},
		{"t-$(N)", true, "t-1/token", true},
		{"$(POD)", false, "token", false}, // subPath does not expand
	} {
		if got := subPathSelects(tt.sub, tt.expr, tt.token); got != tt.want {
			t.Errorf("subPathSelects(%q, %v, %q) = %v, want %v", tt.sub, tt.expr, tt.token, got, tt.want)
		}
	}
}

func TestCopyOperands(t *testing.T) {
	for _, tt := range []struct {
		name, args string
		ops        []string
		target     string
	}{
		{"cp", "/a /b", []string{"/a", "/b"}, ""},
		{"cp", "-r /a /b", []string{"/a", "/b"}, ""},
		{"cp", "-t /d /a /b", []string{"/a", "/b"}, "/d"},
		{"cp", "-prt/d /a", []string{"/a"}, "/d"},
		{"cp", "--target-directory=/d -- -a", []string{"-a"}, "/d"},
		{"cp", "--target /d /a", []string{"/a"}, "/d"},
		{"cp", "-S .bak /a /b", []string{"/a", "/b"}, ""},
		{"install", "-m 0600 -o root /a /b", []string{"/a", "/b"}, ""},
		{"install", "-Dm0600 -t /d /a", []string{"/a"}, "/d"},
		{"cp", "-t", nil, ""},
	} {
		var words []shWord
		for _, a := range strings.Fields(tt.args) {
			words = append(words, shWord{text: a})
		}
		ops, target := copyOperands(tt.name, words)
		if !reflect.DeepEqual(ops, tt.ops) || target != tt.target {
			t.Errorf("copyOperands(%q, %q) = %q, %q; want %q, %q", tt.name, tt.args, ops, target, tt.ops, tt.target)
		}
	}
}
