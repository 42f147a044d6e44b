package rules

import (
	"reflect"
	"strings"
	"testing"
)

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
		ops, target := copyOperands(tt.name, strings.Fields(tt.args))
		if !reflect.DeepEqual(ops, tt.ops) || target != tt.target {
			t.Errorf("copyOperands(%q, %q) = %q, %q; want %q, %q", tt.name, tt.args, ops, target, tt.ops, tt.target)
		}
	}
}

func TestRunsLong(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   string // a part of the reason, or "" when nothing suggests it
	}{
		{"T=$(cat /t)\n/migrate up", ""},
		{"for i in 1 2 3; do /migrate up && break; done", ""},
		{"for ns in $(kubectl get ns -o name); do audit $ns; sleep 600; done", `loops with "sleep 600"`},
		{"while true; do sync; done", `loops with "while true"`},
		{"until false; do sync; done", `loops with "until false"`},
		{"while read -r l; do echo $l; done < /f", ""},
		{"while [ ! -f /done ]; do sleep 5; done", `loops with "sleep 5"`},
		{"/app &\nsleep 2h", `runs "sleep 2h"`},
		{"sleep 30", ""},
		{"sleep infinity", `runs "sleep infinity"`},
		{"kubectl logs -f job/x", `starts "kubectl logs -f job/x"`},
		{"tail -F /var/log/app.log", `starts "tail -F`},
		{"echo 'unterminated", ""},
	} {
		got := runsLong(tt.script, 3600)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("runsLong(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}
