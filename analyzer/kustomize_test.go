package analyzer

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const shopKustomize = "../testdata/kustomize/shop"

// tokenFields is a test rule reporting the fields kustomize fixtures
// change: each projected token's expirationSeconds and audience, a pod
// spec's automountServiceAccountToken, a Secret's type and a whole
// ServiceAccount.
var tokenFields = &Rule{
	ID: "TST9", Slug: "token-fields", Title: "Token fields", Severity: SeverityNote,
	Description: "Reports token fields.", Remediation: "Nothing.",
	Check: func(p *Pass) {
		if p.Object.Kind == "Secret" {
			p.Report("type", "type")
		}
		if p.Object.Kind == "ServiceAccount" {
			p.Report("", "service account")
		}
		ps, ok := p.Object.PodSpec()
		if !ok {
			return
		}
		p.Report(ps.Path+".automountServiceAccountToken", "automount")
		for i, v := range ps.Spec.Volumes {
			if v.Projected == nil {
				continue
			}
			for j, s := range v.Projected.Sources {
				if s.ServiceAccountToken != nil {
					at := IndexPath(IndexPath(ps.Path+".volumes", i)+".projected.sources", j) + ".serviceAccountToken"
					p.Report(at+".expirationSeconds", "expiration of %s", v.Name)
					p.Report(at+".audience", "audience of %s", v.Name)
				}
			}
		}
	},
}

func runKustomize(t *testing.T, l *Loader, paths ...string) (*Input, *Report) {
	t.Helper()
	reg, err := NewRegistry(tokenFields)
	if err != nil {
		t.Fatal(err)
	}
	in := l.Load(paths)
	return in, RunWith(in, reg, Options{Settings: DefaultSettings})
}

// at is a finding's place as "file:line" relative to the fixture's root.
func at(root string, p Position) string {
	rel, err := filepath.Rel(root, p.File)
	if err != nil {
		rel = p.File
	}
	return filepath.ToSlash(rel) + ":" + strconv.Itoa(p.Line)
}

// lineOf is the 1-based line of the first line of a file holding text.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s holds no line with %q", file, text)
	return 0
}

// Walking a directory that holds a base, a component and two overlays
// builds the overlays only, and each finding lands where its field is
// written: the base resource, the strategic-merge patch of the staging
// overlay, the component's patch, the JSON 6902 op of production.
func TestKustomizeOverlaysPlaced(t *testing.T) {
	in, rep := runKustomize(t, &Loader{}, shopKustomize)
	if len(in.Problems) > 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	staging, production := filepath.Join(shopKustomize, "overlays/staging"), filepath.Join(shopKustomize, "overlays/production")
	files := map[string]int{}
	for _, o := range in.Objects {
		files[o.File]++
		if o.Placer == nil {
			t.Errorf("%s from %s has no placer", o.Ref(), o.File)
		}
		meta, _ := o.Raw["metadata"].(map[string]any)
		annotations, _ := meta["annotations"].(map[string]any)
		for k := range annotations {
			if strings.HasPrefix(k, "config.kubernetes.io/") || strings.HasPrefix(k, "alpha.config.kubernetes.io/") {
				t.Errorf("%s keeps kustomize's build annotation %s", o.Ref(), k)
			}
		}
	}
	// Each overlay: ServiceAccount, ConfigMap, Secret, Deployment; the
	// base and the component are not built on their own, and no file of
	// theirs is read as a manifest.
	if len(files) != 2 || files[staging] != 4 || files[production] != 4 {
		t.Fatalf("objects by file: %v, want 4 from each overlay and nothing else", files)
	}

	base := func(name, text string) string {
		f := filepath.Join(shopKustomize, "base", name)
		return at(shopKustomize, Position{File: f, Line: lineOf(t, f, text)})
	}
	file := func(name, text string) string {
		f := filepath.Join(shopKustomize, name)
		return at(shopKustomize, Position{File: f, Line: lineOf(t, f, text)})
	}
	type want struct{ ns, msg, place string }
	wants := []want{
		{"shop-staging", "automount", file("overlays/staging/automount-off.yaml", "automountServiceAccountToken: false")},
		{"shop-staging", "expiration of vault-token", base("deployment.yaml", "expirationSeconds: 3600")},
		{"shop-staging", "audience of vault-token", base("deployment.yaml", "audience: vault")},
		{"shop-staging", "expiration of metrics-token", file("components/monitoring/metrics-agent.yaml", "expirationSeconds: 7200")},
		// Missing: at the nearest field written, the component's.
		{"shop-staging", "audience of metrics-token", file("components/monitoring/metrics-agent.yaml", "- serviceAccountToken:")},
		{"shop-staging", "type", base("token-secret.yaml", "type:")},
		{"shop-staging", "service account", base("serviceaccount.yaml", "kind: ServiceAccount")},
		// No patch sets it in production: the pod spec of the base.
		{"shop-prod", "automount", base("deployment.yaml", "    spec:")},
		{"shop-prod", "expiration of vault-token", file("overlays/production/token-expiry.yaml", "path: /spec")},
		{"shop-prod", "audience of vault-token", base("deployment.yaml", "audience: vault")},
		{"shop-prod", "type", base("token-secret.yaml", "type:")},
		{"shop-prod", "service account", base("serviceaccount.yaml", "kind: ServiceAccount")},
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Object.Namespace+" "+f.Message+" "+at(shopKustomize, f.Position))
		if f.Generated == nil {
			t.Errorf("%s %s: not placed (at %v)", f.Object, f.Message, f.Position)
			continue
		}
		if f.Generated.File != staging && f.Generated.File != production {
			t.Errorf("%s %s: generated in %q, want the overlay's directory", f.Object, f.Message, f.Generated.File)
		}
		overlay := f.Generated.File
		if n := len(f.Related); n == 0 || f.Related[n-1].Position.File != filepath.Join(overlay, "kustomization.yaml") || !strings.Contains(f.Related[n-1].Message, "kustomization") {
			t.Errorf("%s %s: related %+v, want the overlay's kustomization last", f.Object, f.Message, f.Related)
		}
		inPatch := !strings.Contains(f.Position.File, "/base/")
		hasBase := len(f.Related) > 1 && strings.Contains(f.Related[0].Position.File, "/base/deployment.yaml")
		if inPatch && f.Message != "audience of metrics-token" && f.Message != "expiration of metrics-token" && !hasBase {
			t.Errorf("%s %s in a patch: related %+v, want the base resource too", f.Object, f.Message, f.Related)
		}
	}
	// The generated position is the line `kustomize build` prints the
	// field on.
	stream := strings.Split(string((&Loader{}).buildKustomization(production).stream), "\n")
	for _, f := range rep.Findings {
		if f.Object.Namespace == "shop-prod" && f.Message == "expiration of vault-token" && f.Generated != nil {
			if g := f.Generated; g.Line < 1 || g.Line > len(stream) || strings.TrimSpace(stream[g.Line-1]) != "expirationSeconds: 300" || g.Column != 15 {
				t.Errorf("generated at %v, want the line of expirationSeconds: 300 in the built stream", g)
			}
		}
	}
	// The staging Deployment's automount is written in the patch only;
	// "4 + 4" findings per overlay from the Deployment, Secret and
	// ServiceAccount.
	for _, w := range wants {
		line := w.ns + " " + w.msg + " " + w.place
		if !slices.Contains(got, line) {
			t.Errorf("missing %q", line)
		}
	}
	if len(got) != len(wants) {
		t.Errorf("%d findings, want %d:\n%s", len(got), len(wants), strings.Join(got, "\n"))
	}
}

// The generated position is in the stream kustomize builds, named after
// the overlay, so fingerprints (taken there) do not move when a base file's
// lines do.
func TestKustomizeFingerprintsStable(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, shopKustomize, dir)
	fingerprints := func() map[string]string {
		_, rep := runKustomize(t, &Loader{}, dir)
		out := map[string]string{}
		for _, f := range rep.Findings {
			out[f.Object.String()+" "+f.Message] = f.Fingerprint
		}
		return out
	}
	before := fingerprints()
	dep := filepath.Join(dir, "base", "deployment.yaml")
	data, err := os.ReadFile(dep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dep, append([]byte("# The shop's storefront.\n# Owned by the web team.\n"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	after := fingerprints()
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("%d findings before, %d after", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: fingerprint %s became %s when base lines moved", k, v, after[k])
		}
	}
}

// A suppression comment on the line a finding is placed on, in a base or
// a patch file, suppresses it; one on a base line suppresses it in every
// overlay.
func TestKustomizeSuppressions(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, shopKustomize, dir)
	edit := func(name, old, new string) {
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s holds no %q", name, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("base/token-secret.yaml", "type: kubernetes.io/service-account-token", "type: kubernetes.io/service-account-token # tokenlint:ignore TST9 -- the reporting job's token, removed in Q3")
	edit("overlays/production/token-expiry.yaml", "  path: /spec", "  # tokenlint:ignore TST9 -- Vault's short lease\n  path: /spec")
	_, rep := runKustomize(t, &Loader{}, dir)
	suppressed := map[string]int{}
	for _, f := range rep.Findings {
		if f.Rule == UnusedSuppression || f.Rule == InvalidSuppression {
			t.Errorf("%s at %v: %s", f.Rule.ID, f.Position, f.Message)
		}
		if f.Suppression != nil {
			suppressed[f.Message]++
		}
	}
	if suppressed["type"] != 2 || suppressed["expiration of vault-token"] != 1 || len(suppressed) != 2 {
		t.Errorf("suppressed %v, want the Secret's type in both overlays and production's expiration", suppressed)
	}
}

// A base named alone is built as itself; named with an overlay that uses
// it, only through the overlay. A file of a kustomization means it.
func TestKustomizeNamed(t *testing.T) {
	basePath := filepath.Join(shopKustomize, "base")
	in, _ := runKustomize(t, &Loader{}, basePath)
	if len(in.Problems) > 0 || len(in.Objects) != 3 || in.Objects[0].File != basePath {
		t.Fatalf("the base alone: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
	staging := filepath.Join(shopKustomize, "overlays", "staging")
	in, _ = runKustomize(t, &Loader{RequireObjects: true}, basePath, staging)
	if len(in.Problems) > 0 || len(in.Objects) != 4 {
		t.Fatalf("the base and an overlay: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
	for _, o := range in.Objects {
		if o.File != staging {
			t.Errorf("%s from %s, want the overlay only", o.Ref(), o.File)
		}
	}
	// A kustomization that builds nothing is a problem when objects are
	// required, as a chart that renders nothing is.
	empty := writeFiles(t, map[string]string{"kustomization.yaml": "resources: []\n"})
	in, _ = runKustomize(t, &Loader{RequireObjects: true}, empty)
	if len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, "builds no Kubernetes object") {
		t.Errorf("an empty kustomization: problems %+v", in.Problems)
	}
	// As pre-commit names changed files: a patch means its overlay, a
	// base file its base.
	in, _ = runKustomize(t, &Loader{}, filepath.Join(staging, "automount-off.yaml"), filepath.Join(staging, "kustomization.yaml"))
	if len(in.Problems) > 0 || len(in.Objects) != 4 || in.Objects[0].File != staging {
		t.Fatalf("a patch named: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
}

// Everything kustomize would fetch, and everything a hostile kustomization
// can point at, is an input error at the line that asks for it, and the
// other files of the run are still linted.
func TestKustomizeHostile(t *testing.T) {
	sa := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n"
	kust := func(body string) string {
		return "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + body
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte(sa), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		files map[string]string
		setup func(dir string)
		limit int64
		file  string // the problem's file, relative to the kustomization
		line  int
		msg   string
	}{
		{name: "remote base", files: map[string]string{"kustomization.yaml": kust("resources:\n- sa.yaml\n- github.com/acme/manifests//base?ref=v1\n"), "sa.yaml": sa},
			file: "kustomization.yaml", line: 5, msg: "is remote"},
		{name: "https resource", files: map[string]string{"kustomization.yaml": kust("resources:\n- https://raw.example.com/deploy.yaml\n")},
			file: "kustomization.yaml", line: 4, msg: "reads no network"},
		{name: "git:: base", files: map[string]string{"kustomization.yaml": kust("resources:\n- git::https://example.com/repo.git//base\n")},
			file: "kustomization.yaml", line: 4, msg: "is remote"},
		{name: "remote patch", files: map[string]string{"kustomization.yaml": kust("resources:\n- sa.yaml\npatches:\n- path: https://example.com/patch.yaml\n"), "sa.yaml": sa},
			file: "kustomization.yaml", line: 6, msg: "is remote"},
		{name: "remote in a base", files: map[string]string{"kustomization.yaml": kust("resources:\n- base\n"), "base/kustomization.yaml": kust("resources:\n- ssh://git@example.com/repo.git\n")},
			file: "base/kustomization.yaml", line: 4, msg: "is remote"},
		{name: "helm chart", files: map[string]string{"kustomization.yaml": kust("helmCharts:\n- name: redis\n  repo: https://charts.example.com\n")},
			file: "kustomization.yaml", line: 3, msg: "lint the chart directly"},
		{name: "cycle", files: map[string]string{"a/kustomization.yaml": kust("resources:\n- ../b\n"), "b/kustomization.yaml": kust("resources:\n- ../a\n")},
			file: "a/kustomization.yaml", line: 4, msg: "cycle"},
		{name: "missing resource", files: map[string]string{"kustomization.yaml": kust("resources:\n- sa.yaml\n- deployment.yaml\n"), "sa.yaml": sa},
			file: "kustomization.yaml", line: 5, msg: "deployment.yaml"},
		{name: "huge resource", files: map[string]string{"kustomization.yaml": kust("resources:\n- big.yaml\n"), "big.yaml": sa + "  annotations:\n    note: " + strings.Repeat("x", 4096) + "\n"},
			limit: 2048, file: "big.yaml", line: 1, msg: "larger than the limit"},
		{name: "device", files: map[string]string{"kustomization.yaml": kust("resources:\n- zero.yaml\n")},
			setup: func(dir string) { symlink(t, "/dev/zero", filepath.Join(dir, "zero.yaml")) },
			file:  "kustomization.yaml", line: 4, msg: "not in or below"},
		{name: "symlink out of the root", files: map[string]string{"kustomization.yaml": kust("resources:\n- secret.yaml\n")},
			setup: func(dir string) { symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "secret.yaml")) },
			file:  "kustomization.yaml", line: 4, msg: "secret.yaml"},
		{name: "malformed", files: map[string]string{"kustomization.yaml": kust("resources: [sa.yaml\n"), "sa.yaml": sa},
			file: "kustomization.yaml", line: 1, msg: "cannot build kustomization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, c.files)
			if c.setup != nil {
				c.setup(dir)
			}
			root := dir
			if _, ok := c.files["a/kustomization.yaml"]; ok {
				root = filepath.Join(dir, "a")
				c.file = strings.TrimPrefix(c.file, "a/")
			}
			other := writeFiles(t, map[string]string{"sa.yaml": sa})
			l := &Loader{Limits: Limits{MaxFileBytes: c.limit}}
			in, _ := runKustomize(t, l, root, filepath.Join(other, "sa.yaml"))
			if len(in.Problems) != 1 {
				t.Fatalf("problems %+v, want one", in.Problems)
			}
			p := in.Problems[0]
			if p.Position.File != filepath.Join(root, c.file) || p.Position.Line != c.line || !strings.Contains(p.Message, c.msg) {
				t.Errorf("problem %s: %s, want %s:%d holding %q", p.Position, p.Message, filepath.Join(root, c.file), c.line, c.msg)
			}
			if len(in.Objects) != 1 || in.Objects[0].File != filepath.Join(other, "sa.yaml") {
				t.Errorf("%d objects, want the other file's ServiceAccount still linted", len(in.Objects))
			}
		})
	}
}

// A diamond of bases shared along many paths multiplies what kustomize
// reads and builds; the build stops at a bound (the number of files read,
// or the time limit, set low here so the test is short) with an input
// error.
func TestKustomizeDiamondBounded(t *testing.T) {
	files := map[string]string{"l0/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
		"l0/kustomization.yaml": "resources:\n- sa.yaml\n"}
	const levels = 16 // 2^16 paths to the bottom
	for i := 1; i <= levels; i++ {
		for _, side := range []string{"a", "b"} {
			files[strconv.Itoa(i)+side+"/kustomization.yaml"] = "namePrefix: " + side + "-\nresources:\n- ../" + below(i) + "a\n- ../" + below(i) + "b\n"
		}
	}
	// The bottom pair of level 1 both name l0.
	files["1a/kustomization.yaml"] = "namePrefix: a-\nresources:\n- ../l0\n"
	files["1b/kustomization.yaml"] = "namePrefix: b-\nresources:\n- ../l0\n"
	files["top/kustomization.yaml"] = "resources:\n- ../" + strconv.Itoa(levels) + "a\n- ../" + strconv.Itoa(levels) + "b\n"
	dir := writeFiles(t, files)
	in, _ := runKustomize(t, &Loader{Limits: Limits{RenderTimeout: time.Second}}, filepath.Join(dir, "top"))
	if len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, "more than") && !strings.Contains(in.Problems[0].Message, "longer than") {
		t.Fatalf("problems %+v, want the build stopped at a bound", in.Problems)
	}
	if want := filepath.Join(dir, "top", "kustomization.yaml"); in.Problems[0].Position.File != want {
		t.Errorf("problem at %v, want %s", in.Problems[0].Position, want)
	}
}

func below(i int) string { return strconv.Itoa(i - 1) }

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}

// isRemote knows every address kustomize's parser would fetch, and takes
// local paths, however they look, for local ones.
func TestIsRemote(t *testing.T) {
	for p, want := range map[string]bool{
		"github.com/acme/manifests//base?ref=v1.2.0":     true,
		"GitHub.com:acme/manifests.git":                  true,
		"https://github.com/acme/manifests//base":        true,
		"HTTPS://example.com/deploy.yaml":                true,
		"ssh://git@example.com/acme/repo.git//base":      true,
		"git@gitlab.example.com:acme/repo.git//overlay":  true,
		"deploy-bot@git.example.com:acme/repo.git":       true,
		"git::https://example.com/repo.git//base?ref=v1": true,
		"file:///srv/git/repo.git//base":                 true,
		"../../base":                                     false,
		"deployment.yaml":                                false,
		"gitlab.com/acme/repo":/* kustomize: no scheme */ false,
		"app.v2/base":       false,
		"config/app@2.yaml": false,
	} {
		if got := isRemote(p); got != want {
			t.Errorf("isRemote(%q) = %v, want %v", p, got, want)
		}
	}
}

// An object a generator made is placed on the generator's entry in its
// kustomization (a Secret's type on the entry's type, an annotation on its
// options); a comment above the entry covers the findings about the whole
// object. A field no annotation traces to a file (set by a replacement)
// lands on the kustomization that built it and says it points at the built
// output.
func TestKustomizeGeneratedAndUntraced(t *testing.T) {
	dir := t.TempDir()
	kustomization := `namespace: ci
resources:
- agent.yaml
secretGenerator:
- name: ci-settings
  literals:
  - region=eu-west-1
# tokenlint:ignore TST8 -- the pipeline's token, rotated by the release job
- name: ci-token
  type: kubernetes.io/service-account-token # tokenlint:ignore TST9 -- the same
  options:
    disableNameSuffixHash: true
    annotations:
      kubernetes.io/service-account.name: ci
configMapGenerator:
- name: token-lifetime
  literals:
  - seconds=7200
replacements:
- source:
    kind: ConfigMap
    name: token-lifetime
    fieldPath: data.seconds
  targets:
  - select:
      kind: Pod
    fieldPaths:
    - spec.volumes.0.projected.sources.0.serviceAccountToken.expirationSeconds
    options:
      create: true
`
	agent := `apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  automountServiceAccountToken: false
  containers:
  - name: agent
    image: registry.example.com/agent:1.0
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
`
	for name, text := range map[string]string{"kustomization.yaml": kustomization, "agent.yaml": agent} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wholeSecret := &Rule{
		ID: "TST8", Slug: "whole-secret", Title: "Secrets", Severity: SeverityNote,
		Description: "Reports Secrets as a whole.", Remediation: "Nothing.",
		Check: func(p *Pass) {
			if p.Object.Kind == "Secret" && p.Object.Name == "ci-token" {
				p.Report("", "secret")
			}
		},
	}
	reg, err := NewRegistry(tokenFields, wholeSecret)
	if err != nil {
		t.Fatal(err)
	}
	in := (&Loader{}).Load([]string{dir})
	if len(in.Problems) > 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	rep := RunWith(in, reg, Options{Settings: DefaultSettings})
	kfile := filepath.Join(dir, "kustomization.yaml")
	got := map[string]string{}
	for _, f := range rep.Findings {
		where := at(dir, f.Position)
		if f.Suppression != nil {
			where += " suppressed"
		}
		name := f.Object.Name
		if strings.HasPrefix(name, "ci-settings-") {
			name = "ci-settings" // without its content hash
		}
		got[name+": "+f.Message] = where
		if f.Message == "expiration of token" {
			if len(f.Related) != 2 || !strings.Contains(f.Related[0].Message, "points at the built output") || f.Related[0].Position.File != dir {
				t.Errorf("the replaced expiration's related places %+v, want the built output first", f.Related)
			}
		}
	}
	want := map[string]string{
		"ci-token: type":   "kustomization.yaml:10 suppressed",
		"ci-token: secret": "kustomization.yaml:9 suppressed",
		// A Secret without a type: its entry's name.
		"ci-settings: type":          "kustomization.yaml:5",
		"agent: automount":           at(dir, Position{File: filepath.Join(dir, "agent.yaml"), Line: 6}),
		"agent: audience of token":   at(dir, Position{File: filepath.Join(dir, "agent.yaml"), Line: 16}),
		"agent: expiration of token": at(dir, Position{File: kfile, Line: 1}),
	}
	for msg, w := range want {
		if got[msg] != w {
			t.Errorf("%q at %q, want %q (all: %v)", msg, got[msg], w, got)
		}
	}
	for _, f := range rep.Findings {
		if f.Rule == UnusedSuppression || f.Rule == InvalidSuppression {
			t.Errorf("%s at %v: %s", f.Rule.ID, f.Position, f.Message)
		}
	}
}
