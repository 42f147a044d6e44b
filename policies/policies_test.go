package policies

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"github.com/tokenlint/tokenlint/analyzer"
)

const header = `# METADATA
# title: Test policy
# description: A policy written by a test.
# custom:
#   id: T100
#   slug: test-policy
#   severity: warning
#   kinds: [%s]
`

// write puts files into a temporary directory and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func testPolicy(kinds, body string) string {
	return strings.Replace(header, "%s", kinds, 1) + body
}

// lint loads the policies in dir and lints the manifest with them.
func lint(t *testing.T, dir, manifest string) *analyzer.Report {
	t.Helper()
	return lintRegistry(t, registry(t, dir, DefaultLimits), manifest)
}

// registry is the catalog of the policies in dir, built in ones included.
func registry(t *testing.T, dir string, limits Limits) *analyzer.Registry {
	t.Helper()
	rules, err := LoadWith([]string{dir}, limits)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := analyzer.NewRegistry(rules...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func lintRegistry(t *testing.T, reg *analyzer.Registry, manifest string) *analyzer.Report {
	t.Helper()
	file := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return analyzer.Run((&analyzer.Loader{}).Open([]string{file}), reg, analyzer.DefaultSettings)
}

func findings(rep *analyzer.Report, id string) []analyzer.Finding {
	var out []analyzer.Finding
	for _, f := range rep.Findings {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

const twoSecrets = `apiVersion: v1
kind: Secret
metadata:
  name: a
  namespace: one
type: Opaque
---
apiVersion: v1
kind: Secret
metadata:
  name: b
type: Opaque
---
apiVersion: v1
kind: Namespace
metadata:
  name: one
`

func TestPolicyFindingsArePositionedAtTheirPath(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("Secret", `package test.p

deny contains {"msg": sprintf("secret %q is opaque", [input.metadata.name]), "path": "type"} if input.type == "Opaque"

deny contains "a string finding points at the object" if input.metadata.name == "b"
`)})
	rep := lint(t, dir, twoSecrets)
	got := findings(rep, "T100")
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3: %+v", len(got), got)
	}
	want := map[int]string{6: `secret "a" is opaque`, 9: "a string finding points at the object", 12: `secret "b" is opaque`}
	for _, f := range got {
		if want[f.Position.Line] != f.Message {
			t.Errorf("line %d: got %q, want %q", f.Position.Line, f.Message, want[f.Position.Line])
		}
		if f.Severity != analyzer.SeverityWarning || f.Rule.Origin != filepath.Join(dir, "p.rego") {
			t.Errorf("finding %+v: want the policy's severity and origin", f)
		}
	}
	if len(rep.Problems) != 0 {
		t.Errorf("unexpected problems: %+v", rep.Problems)
	}
}

func TestInventoryHoldsTheWholeRun(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("Namespace", `package test.p

deny contains msg if {
	some ns, secrets in data.inventory.namespace
	some name, _ in secrets.v1.Secret
	msg := sprintf("%s/%s", [ns, name])
}

deny contains msg if {
	some name, _ in data.inventory.cluster.v1.Namespace
	msg := sprintf("namespace %s", [name])
}

deny contains sprintf("my namespace is %q", [data.tokenlint.namespace])
`)})
	rep := lint(t, dir, twoSecrets)
	var msgs []string
	for _, f := range findings(rep, "T100") {
		msgs = append(msgs, f.Message)
	}
	want := []string{`default/b`, `my namespace is ""`, `namespace one`, `one/a`}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", msgs, want)
	}
}

// factKinds are the kinds of the inventory a rule reads, as the run keeps
// them.
func factKinds(r *analyzer.Rule) []string {
	var kinds []string
	for _, f := range r.Facts {
		_, k := f.KeptOf()
		kinds = append(kinds, k)
	}
	return kinds
}

// A policy reads the kinds of the inventory it declares; one that declares
// none reads all of it if it may read the inventory at all (directly, with
// a helper of lib.kubernetes, through a package of its own, or by a
// reference that cannot be resolved before it runs), and nothing otherwise.
func TestInventoryKinds(t *testing.T) {
	builtin, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range builtin {
		want := map[string]string{"TL201": "", "TL202": "Secret", "TL601": "ClusterRoleBinding,RoleBinding", "TL602": "ClusterRoleBinding", "TL603": "ClusterRoleBinding", "TL604": "", "TL605": "", "TL606": "", "TL608": "ClusterRoleBinding,RoleBinding"}[r.ID]
		if got := strings.Join(factKinds(r), ","); got != want {
			t.Errorf("%s reads %q of the inventory, want %q", r.ID, got, want)
		}
	}
	helper := "package test.helper\n\nsecrets := data.inventory.namespace.default.v1.Secret\n"
	for _, tt := range []struct {
		name, meta, body, want string
	}{
		{"direct", "", "deny contains \"x\" if count(data.inventory.namespace) > 0\n", "*"},
		{"lib helper", "", "import data.lib.kubernetes\n\ndeny contains \"x\" if kubernetes.secret(\"a\")\n", "*"},
		{"own helper", "", "deny contains \"x\" if count(data.test.helper.secrets) > 0\n", "*"},
		{"dynamic", "", "deny contains \"x\" if {\n\tsome k\n\tdata.lib[k]\n}\n", "*"},
		{"none", "", "deny contains \"x\" if input.type == \"Opaque\"\n", ""},
		{"lib without the inventory", "", "import data.lib.kubernetes\n\ndeny contains \"x\" if kubernetes.is_token_secret(input)\n", ""},
		{"declared", "#   inventory: [ConfigMap, Secret, ConfigMap]\n", "deny contains \"x\" if count(data.inventory.namespace) > 0\n", "ConfigMap,Secret"},
		{"declared none", "#   inventory: []\n", "deny contains \"x\" if count(data.inventory.namespace) > 0\n", ""},
		{"declared all", "#   inventory: [\"*\", Secret]\n", "deny contains \"x\"\n", "*"},
	} {
		src := testPolicy("Secret", "") + tt.meta + "package test.p\n\n" + tt.body
		dir := write(t, map[string]string{"p.rego": src, "helper.rego": helper})
		rules, err := Load([]string{dir})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, r := range rules {
			if got := strings.Join(factKinds(r), ","); r.ID == "T100" && got != tt.want {
				t.Errorf("%s: reads %q of the inventory, want %q", tt.name, got, tt.want)
			}
		}
	}
}

// The inventory holds the kinds a policy declares, and no others.
func TestInventoryHoldsTheDeclaredKinds(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("Namespace", "#   inventory: [Secret]\n"+`package test.p

deny contains msg if {
	some ns, objects in data.inventory.namespace
	some name, _ in objects.v1.Secret
	msg := sprintf("secret %s/%s", [ns, name])
}

deny contains msg if {
	some name, _ in data.inventory.cluster.v1.Namespace
	msg := sprintf("namespace %s", [name])
}
`)})
	var msgs []string
	for _, f := range findings(lint(t, dir, twoSecrets), "T100") {
		msgs = append(msgs, f.Message)
	}
	if want := []string{"secret default/b", "secret one/a"}; !slices.Equal(msgs, want) {
		t.Errorf("got %q, want %q", msgs, want)
	}
}

func TestPolicyRunsOnlyOnItsKinds(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("ConfigMap", "package test.p\n\ndeny contains \"always\"\n")})
	if got := findings(lint(t, dir, twoSecrets), "T100"); len(got) != 0 {
		t.Errorf("a ConfigMap policy reported on Secrets and Namespaces: %+v", got)
	}
	dir = write(t, map[string]string{"p.rego": testPolicy(`"*"`, "package test.p\n\ndeny contains \"always\"\n")})
	if got := findings(lint(t, dir, twoSecrets), "T100"); len(got) != 3 {
		t.Errorf(`kinds ["*"]: got %d findings, want one per object`, len(got))
	}
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string // a regexp the error must match
	}{
		{"unknown top-level key", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "# title:", "# titel: typo\n# title:", 1),
			`p\.rego:2: METADATA: unknown key "titel"`},
		{"unknown custom key", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "#   kinds:", "#   severty: error\n#   kinds:", 1),
			`p\.rego:8: METADATA: unknown key custom\.severty`},
		{"missing id", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "#   id: T100\n", "", 1),
			`p\.rego:\d+: METADATA: missing custom\.id`},
		{"bad severity", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "severity: warning", "severity: high", 1),
			`p\.rego:7: METADATA: custom\.severity must be error, warning or note`},
		{"title not a string", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "# title: Test policy", "# title: [Test, policy]", 1),
			`p\.rego:2:1: METADATA: title must be a string, got a list$`},
		{"METADATA a list", "# METADATA\n# - title: Test policy\npackage p\n\ndeny contains \"x\"\n", `p\.rego:2:1: METADATA must be a mapping, got a list$`},
		{"duplicate METADATA key", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "# description:", "# title: Again\n# description:", 1),
			`p\.rego:3:1: METADATA: invalid YAML: mapping key "title" already defined at line 2$`},
		{"METADATA not YAML", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "# custom:", "#   custom: [\n# custom:", 1),
			`p\.rego:\d+:1: METADATA: invalid YAML: `},
		{"empty kinds", testPolicy("", "package p\n\ndeny contains \"x\"\n"), `p\.rego:8: METADATA: custom\.kinds must be a non-empty list`},
		{"bad id", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "T100", "t-100", 1), `p\.rego:1: METADATA: rule t-100: ID "t-100"`},
		{"no metadata", "package p\n\ndeny contains \"x\"\n", `p\.rego:1: package p defines deny but has no METADATA block`},
		{"no deny", testPolicy("Pod", "package p\n\nallow := true\n"), `p\.rego:1: package p has METADATA but defines no deny rule`},
		{"syntax error", testPolicy("Pod", "package p\n\ndeny contains \"x\" if {\n"), `p\.rego:\d+:\d+: .*`},
		{"compile error", testPolicy("Pod", "package p\n\ndeny contains x if input.a == 1\n"), `p\.rego:11:\d+: .*var x is unsafe`},
		{"network built-in", testPolicy("Pod", "package p\n\ndeny contains r.body if r := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n"),
			`p\.rego:11:\d+: .*undefined function http\.send`},
		{"net built-in", testPolicy("Pod", "package p\n\ndeny contains \"x\" if net.lookup_ip_addr(\"example.com\")\n"), `undefined function net\.lookup_ip_addr`},
		{"environment built-in", testPolicy("Pod", "package p\n\ndeny contains opa.runtime().env.HOME\n"), `undefined function opa\.runtime`},
		{"kind typo", testPolicy("deployment", "package p\n\ndeny contains \"x\"\n"), `p\.rego:8: METADATA: custom\.kinds: "deployment" is not a kind`},
		{"built-in package", "package tokenlint.legacy_token_secret\n\ndeny contains \"hijack\"\n", `p\.rego:1: package tokenlint\.legacy_token_secret is under data\.tokenlint, which is reserved \(it is the package of the built-in policies/legacy_token_secret\.rego\)`},
		{"built-in library", "package lib.kubernetes\n\nis_token_secret(_) := true\n", `p\.rego:1: package lib\.kubernetes is under data\.lib, which is reserved \(it is the package of the built-in policies/lib/kubernetes\.rego\)`},
		{"clashing ID", strings.Replace(testPolicy("Pod", "package p\n\ndeny contains \"x\"\n"), "T100", "TL201", 1), ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, map[string]string{"p.rego": tc.src})
			rules, err := Load([]string{dir})
			if tc.want == "" {
				// An ID clash is the registry's to find: Load succeeds.
				if err != nil {
					t.Fatal(err)
				}
				if _, err := analyzer.NewRegistry(rules...); err == nil || !strings.Contains(err.Error(), `"TL201" is already used`) ||
					!strings.Contains(err.Error(), "(from "+filepath.Join(dir, "p.rego")+")") {
					t.Errorf("registry accepted a policy reusing TL201: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded, want an error matching %q", tc.want)
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error:\n%v\nwant it to match %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, "p.rego")) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestLoadPathErrors(t *testing.T) {
	if _, err := Load([]string{filepath.Join(t.TempDir(), "missing.rego")}); err == nil || !strings.Contains(err.Error(), "missing.rego") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load([]string{t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no .rego files") {
		t.Errorf("empty directory: %v", err)
	}
	dir := write(t, map[string]string{"p.yaml": "a: b\n"})
	if _, err := Load([]string{filepath.Join(dir, "p.yaml")}); err == nil || !strings.Contains(err.Error(), "not a .rego file") {
		t.Errorf("non-Rego file: %v", err)
	}
}

func TestRuntimeErrorsFailTheRun(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("Secret", `package test.p

name := input.metadata.name

name := "other" if input.type == "Opaque"

deny contains name
`)})
	rep := lint(t, dir, twoSecrets)
	if len(rep.Problems) != 2 {
		t.Fatalf("got %d problems, want one per object: %+v", len(rep.Problems), rep.Problems)
	}
	for _, p := range rep.Problems {
		if !strings.Contains(p.Message, "rule T100 failed on Secret") || !strings.Contains(p.Message, "p.rego:11") {
			t.Errorf("problem %q: want the rule, the object and the policy's file and line", p.Message)
		}
	}
	for _, f := range findings(rep, "T100") {
		if f.Severity != analyzer.SeverityError || !strings.HasPrefix(f.Message, "rule failed: ") {
			t.Errorf("finding %+v: want an error saying the rule failed", f)
		}
	}
}

func TestBadDenyValuesFail(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("Secret", "package test.p\n\ndeny contains {\"message\": \"typo\"} if input.metadata.name == \"a\"\n\ndeny contains 42 if input.metadata.name == \"b\"\n")})
	rep := lint(t, dir, twoSecrets)
	if len(rep.Problems) != 2 {
		t.Fatalf("got %d problems, want 2: %+v", len(rep.Problems), rep.Problems)
	}
	if !strings.Contains(rep.Problems[0].Message, `want a string or {"msg": string, "path": string}`) {
		t.Errorf("problem %q does not say what deny must hold", rep.Problems[0].Message)
	}
}

func TestBuiltinPoliciesLoad(t *testing.T) {
	rules, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
		if r.Origin != "rego" || r.Check == nil || len(r.Kinds) == 0 {
			t.Errorf("rule %s: origin %q, kinds %v: want a checked built-in policy with kinds", r.ID, r.Origin, r.Kinds)
		}
	}
	for _, id := range []string{"TL201", "TL202"} {
		if !ids[id] {
			t.Errorf("built-in policy %s is missing", id)
		}
	}
}

func TestLoadSkipsDuplicates(t *testing.T) {
	src := testPolicy("Secret", "package test.p\n\ndeny contains \"x\"\n")
	dir := write(t, map[string]string{"p.rego": src})
	// The same file twice, and a copy of a built-in policy (this
	// repository's own policies/ directory, given as --policy).
	builtinSrc, err := builtin.ReadFile("legacy_token_secret.rego")
	if err != nil {
		t.Fatal(err)
	}
	copyDir := write(t, map[string]string{"legacy_token_secret.rego": string(builtinSrc)})
	rules, err := Load([]string{dir, filepath.Join(dir, "p.rego"), copyDir})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rules {
		if r.ID == "T100" || r.ID == "TL201" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("got %d rules T100 and TL201, want each once", n)
	}
}

// A catalog keeps nothing of a run once its report is gone: the inventory
// its policies read lives with the run's index, not with the catalog, which
// a long-lived process (or a benchmark) uses again.
func TestInventoryDiesWithItsRun(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": testPolicy("Secret", `package test.p

deny contains msg if {
	some ns, objects in data.inventory.namespace
	some name, _ in objects.v1.Secret
	msg := sprintf("%s/%s", [ns, name])
}
`)})
	reg := registry(t, dir, DefaultLimits)
	file := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(file, []byte(twoSecrets), 0o644); err != nil {
		t.Fatal(err)
	}
	first := func() weak.Pointer[analyzer.Object] {
		in := (&analyzer.Loader{}).Load([]string{file})
		rep := analyzer.Run(in, reg, analyzer.DefaultSettings)
		if len(findings(rep, "T100")) == 0 {
			t.Fatal("the policy read no inventory")
		}
		return weak.Make(in.Objects[0])
	}()
	runtime.GC()
	runtime.GC() // collected twice: a weak pointer may clear a cycle late
	if first.Value() != nil {
		t.Error("the run's objects are still alive after its report is gone")
	}
	runtime.KeepAlive(reg)
}
