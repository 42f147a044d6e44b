package analyzer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzKustomize builds an overlay whose kustomization and patch are the
// fuzzer's over a fixed base, and lints it. Whatever they hold, the build
// ends (an input error or objects), nothing panics, and every placed finding
// points at a line of a file of the overlay or its base.
func FuzzKustomize(f *testing.F) {
	seeds := []struct{ kustomization, patch string }{
		{"resources:\n- ../base\nnamePrefix: staging-\npatches:\n- path: patch.yaml\n",
			"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n"},
		{"resources:\n- ../base\npatches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n",
			"- op: replace\n  path: /spec/template/spec/volumes/0/projected/sources/0/serviceAccountToken/expirationSeconds\n  value: 300\n"},
		{"resources:\n- ../base\npatchesJson6902:\n- target: {group: apps, version: v1, kind: Deployment, name: web}\n  path: patch.yaml\n",
			"[{\"op\": \"add\", \"path\": \"/spec/template/spec/volumes/-\", \"value\": {\"name\": \"t\", \"projected\": {\"sources\": [{\"serviceAccountToken\": {\"path\": \"t\"}}]}}}]"},
		{"resources:\n- ../base\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      replicas: 3\n", ""},
		{"resources:\n- ../base\npatchesStrategicMerge:\n- patch.yaml\nnamespace: shop\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1]\n",
			"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      volumes:\n      - name: vault-token\n        projected:\n          sources:\n          - serviceAccountToken: {path: token, expirationSeconds: 99}\n"},
		{"resources:\n- github.com/acme/repo//base?ref=v1\n", ""},
		{"resources: [../base\n", "{"},
		{"components:\n- ../base\n", "- op: remove\n  path: /spec\n"},
	}
	for _, s := range seeds {
		f.Add(s.kustomization, s.patch)
	}
	base := map[string]string{
		"base/kustomization.yaml": "resources:\n- deployment.yaml\n- sa.yaml\n",
		"base/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		"base/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: web:1
      volumes:
      - name: vault-token
        projected:
          sources:
          - serviceAccountToken:
              path: token
              audience: vault
`,
	}
	reg, err := NewRegistry(tokenFields)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kustomization, patch string) {
		if len(kustomization) > 4096 || len(patch) > 4096 {
			return
		}
		files := map[string]string{"overlay/kustomization.yaml": kustomization, "overlay/patch.yaml": patch}
		for k, v := range base {
			files[k] = v
		}
		dir := writeFiles(t, files)
		l := &Loader{Limits: Limits{MaxFileBytes: 64 << 10, MaxRenderBytes: 1 << 20, RenderTimeout: 5 * time.Second}}
		in := l.Load([]string{filepath.Join(dir, "overlay")})
		for _, p := range in.Problems {
			if p.Position.File == "" {
				t.Errorf("problem without a file: %s", p.Message)
			}
		}
		rep := RunWith(in, reg, Options{Settings: DefaultSettings})
		for _, f := range rep.Findings {
			if f.Generated == nil {
				continue
			}
			if !strings.HasPrefix(f.Position.File, dir) {
				t.Fatalf("placed outside the overlay and its base: %v", f.Position)
			}
			data, err := os.ReadFile(f.Position.File)
			if err != nil {
				t.Fatalf("placed in %v: %v", f.Position, err)
			}
			if n := strings.Count(string(data), "\n") + 1; f.Position.Line < 1 || f.Position.Line > n || f.Position.Column < 1 {
				t.Fatalf("placed at %v, beyond the file's %d lines", f.Position, n)
			}
		}
	})
}
