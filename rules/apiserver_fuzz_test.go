package rules_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/rules"
)

// FuzzAPIServerConfiguration runs the control-plane rules over arbitrary
// kube-apiserver scripts and kind patches, the two forms read from inside
// a string: whatever they hold, the rules must not fail, and a finding
// stays within the manifest.
func FuzzAPIServerConfiguration(f *testing.F) {
	for _, seed := range []string{
		"exec kube-apiserver --service-account-issuer=kubernetes.default.svc",
		"kube-apiserver --version\nexec kube-apiserver \"$@\"",
		"X=1; exec env A=$X timeout 5 hyperkube apiserver --api-audiences=vault,",
		"kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    service-account-issuer: http://x",
		"kind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: api-audiences\n    value: [",
		"kind: ClusterConfiguration\napiServer: {extraArgs: 5}",
		"kube-apiserver --service-account-issuer",
		"`",
	} {
		f.Add(seed)
	}
	reg, err := analyzer.NewRegistry(rules.IssuerNotHTTPS, rules.TokenFlagsMissing, rules.AudienceSharedWithTokens,
		rules.ThirdPartyAudience, rules.MaxExpirationTooLong, rules.ExtendedTokenExpiration)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := strconv.Quote(text)
		manifest := `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.4
    command: ["/bin/sh", "-c", ` + q + `, "--", "--api-audiences=vault"]
  volumes:
  - name: t
    projected: {sources: [{serviceAccountToken: {path: token, audience: vault}}]}
---
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches: [` + q + `]
nodes: [{role: control-plane, kubeadmConfigPatches: [` + q + `]}]
`
		for _, f := range lint(t, reg, manifest) {
			if strings.HasPrefix(f.Message, "rule failed") {
				t.Fatalf("%s failed: %s", f.Rule.ID, f.Message)
			}
			if f.Position.Line < 1 || f.Position.Line > 20 {
				t.Fatalf("finding outside the manifest: %+v", f)
			}
		}
	})
}
