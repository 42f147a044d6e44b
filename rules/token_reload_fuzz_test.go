package rules_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/rules"
)

// FuzzTokenNotReloadedScript runs TL302 over arbitrary scripts in a pod
// that mounts a token: whatever the script, the rule must not fail. The
// seeds are scripts the parser recovers from or rejects.
func FuzzTokenNotReloadedScript(f *testing.F) {
	for _, seed := range []string{
		"T=$(cat /var/run/secrets/vault/token",
		"sh <<'EOF'\nEOF",
		"cat <<EOF",
		"f() { f; }; f",
		"a && && b; T=$(cat /var/run/secrets/vault/token)",
		"case $(cat /var/run/secrets/vault/token) in esac esac ) ;; fi done",
		"bash <<A\nsh <<B\nT=$(cat /var/run/secrets/vault/token)\nB\nA",
		"echo \"unterminated $(cat /var/run/secrets/vault/token",
		"`",
		"$((",
		"exec su-exec",
		"cat /var/run/secrets/vault/token | ",
	} {
		f.Add(seed)
	}
	reg, err := analyzer.NewRegistry(rules.TokenNotReloaded)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, script string) {
		manifest := `apiVersion: v1
kind: Pod
metadata: {name: fuzz, namespace: apps}
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: app
    command: ["sh", "-c", ` + strconv.Quote(script) + `]
    volumeMounts: [{name: t, mountPath: /var/run/secrets/vault}]
  volumes:
  - name: t
    projected: {sources: [{serviceAccountToken: {path: token, audience: vault}}]}
`
		for _, f := range lint(t, reg, manifest) {
			if strings.HasPrefix(f.Message, "rule failed") {
				t.Fatalf("%s failed: %s", f.Rule.ID, f.Message)
			}
		}
	})
}
