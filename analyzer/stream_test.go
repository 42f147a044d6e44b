package analyzer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"weak"
)

// A streamed run keeps no object once it is checked: not in its findings,
// not in its index. Only the facts and the findings stay.
func TestStreamedRunReleasesObjects(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		var b strings.Builder
		for j := range 10 {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-%d-%d}\n", i, j)
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: pod-%d-%d, annotations: {tokenlint.io/ignore: \"TST2 -- fine\"}}\nspec:\n  serviceAccountName: sa-%d-%d\n  containers: [{name: c, image: x}]\n", i, j, i, (j+1)%10)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	accounts := &Fact[string]{Kind: "ServiceAccount", Export: func(o *Object) string { return o.Name }}
	var mu sync.Mutex
	var seen []weak.Pointer[Object]
	probe := &Rule{
		ID: "TST2", Slug: "probe", Title: "Probe", Severity: SeverityNote,
		Description: "Reports every pod whose ServiceAccount is in the run.", Remediation: "None.",
		Kinds: []string{"Pod"}, Facts: []Facts{accounts},
		Check: func(p *Pass) {
			mu.Lock()
			seen = append(seen, weak.Make(p.Object))
			mu.Unlock()
			ps, _ := p.Object.PodSpec()
			if name, ok := accounts.Get(p.Index, p.Object.Namespace, ps.Spec.ServiceAccountName); ok {
				p.Report(ps.Path+".serviceAccountName", "ServiceAccount %s is in the run", name)
			}
		},
	}
	reg, err := NewRegistry(probe)
	if err != nil {
		t.Fatal(err)
	}
	rep := RunWith((&Loader{}).Open([]string{dir}), reg, Options{Settings: DefaultSettings, Changes: allChanged{}})
	if len(rep.Findings) != 200 || rep.Objects != 400 {
		t.Fatalf("%d findings on %d objects, want 200 on 400", len(rep.Findings), rep.Objects)
	}
	for _, f := range rep.Findings {
		if f.Suppression == nil || !strings.HasPrefix(f.Message, "ServiceAccount sa-") {
			t.Fatalf("finding %+v: want it suppressed by its annotation, its ServiceAccount found", f)
		}
	}
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, w := range seen {
		if w.Value() != nil {
			alive++
		}
	}
	if len(seen) != 200 || alive > 0 {
		t.Errorf("%d of the %d pods checked are alive while the report is", alive, len(seen))
	}
	runtime.KeepAlive(rep)
}

// allChanged says every line changed.
type allChanged struct{}

func (allChanged) Lines(string, int, int) bool { return true }
func (allChanged) Under(string) bool           { return true }

func TestMayHold(t *testing.T) {
	kinds := [][]byte{[]byte("ServiceAccount"), []byte("Secret")}
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"kind: ServiceAccount\n", true},
		{`{"kind":"Secret"}`, true},
		{"kind: 'Secret'", true},
		{"- {kind: Secret, name: x}", true},
		{"kind: |-\n  Secret\n", true},
		{"automountServiceAccountToken: false\nsecretKeyRef: {}\n", false},
		{"kind: SecretProviderClass\n", false},
		{"kind: ExternalSecret\n", false},
		{"kind: Secret_x\n", false},
		{`{"kind":"\u0053ecret"}`, true},
		{`kind: "\x53ecret"`, true},
		{"kind: \"Sec\\\n  ret\"", true},
		{`command: ["sh", "-c", "echo \"hi\" \\ && true"]`, false},
		{"", false},
		// A root that names its kind plainly holds that kind only.
		{"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n- kind: ServiceAccount\n  name: x\n", false},
		{"apiVersion: v1\nkind: Secret # legacy\nmetadata:\n  name: x\n", true},
		{"apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a: \"\\u0053ecret\"\n", false},
		// A flow collection may hold a line at column 0 inside a value.
		{"[{apiVersion: v1,\nkind: Secret\n}, {apiVersion: v1, kind: ServiceAccount}]\n", true},
		{"\"kind\": Secret\na: [\nkind: Foo\n]\n", true},
		// A List's items, a kind folded over lines, a second kind line,
		// a tagged or quoted kind: the words decide.
		{"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret}\n", true},
		{"kind: Ser\n  viceAccount\n", false},
		{"kind: Pod\nkind: Secret\n", true},
		{"kind: !!str Secret\n", true},
		{"\"kind\": Secret\n", true},
	} {
		if got := mayHold([]byte(tt.text), kinds); got != tt.want {
			t.Errorf("mayHold(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if !mayHold([]byte("kind: Pod"), [][]byte{[]byte("Secret"), nil}) {
		t.Error("a fact of every kind does not take every document")
	}
}

// A fact that needs a word of the input (Fact.When) is kept only when a
// document holds it, by a pass of its own, and what it keeps is what a run
// that holds its objects keeps.
func TestFactWhen(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pod := write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: x\nspec:\n  containers: []\n")
	sa := write("sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n  namespace: x\n")
	trigger := write("trigger.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: x\ndata:\n  api-audiences: vault\n")
	var exported atomic.Int32
	pods := &Fact[string]{Kind: "Pod", When: []string{"api-audiences"}, Export: func(o *Object) string { exported.Add(1); return o.Name }}
	accounts := &Fact[string]{Kind: "ServiceAccount", Export: func(o *Object) string { return o.Name }}
	var seen atomic.Int32
	rule := &Rule{ID: "T1", Slug: "t", Title: "t", Severity: SeverityNote, Description: "d", Facts: []Facts{pods, accounts},
		Check: func(p *Pass) {
			if p.Object.Kind == "ConfigMap" {
				if _, ok := pods.Get(p.Index, "x", "a"); ok {
					seen.Add(1)
				}
			}
			if _, ok := accounts.Get(p.Index, "x", "s"); !ok {
				t.Error("the fact without words was not kept")
			}
		}}
	reg, err := NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	Run((&Loader{}).Open([]string{pod, sa}), reg, DefaultSettings)
	if n := exported.Load(); n != 0 {
		t.Errorf("without its word in the input, the fact was exported %d times", n)
	}
	Run((&Loader{}).Open([]string{pod, sa, trigger}), reg, DefaultSettings)
	if exported.Load() != 1 || seen.Load() != 1 {
		t.Errorf("with its word in the input, the fact was exported %d times and found %d times, want 1 and 1", exported.Load(), seen.Load())
	}
	seen.Store(0)
	Run((&Loader{}).Load([]string{pod, sa, trigger}), reg, DefaultSettings)
	if seen.Load() != 1 {
		t.Error("a run that holds its objects does not keep the fact")
	}
}

// A fact that names the word its objects mention parses only documents
// of its kind that may mention it; facts without one are unaffected.
func TestPrefilterMentions(t *testing.T) {
	audiences := &Fact[int]{Group: "*", Kind: "*", Mentions: "audience", Export: func(*Object) int { return 0 }}
	accounts := &Fact[int]{Kind: "ServiceAccount", Export: func(*Object) int { return 0 }}
	pf := newPrefilter([]Facts{audiences, accounts})
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"kind: Deployment\nspec: {}\n", false},
		{"kind: Deployment\nspec:\n  serviceAccountToken:\n    audience: vault\n", true},
		{"kind: Rollout\nspec:\n  x: {audience: vault}\n", true},
		// A longer name is not the word, a dashed one is; an escape may spell it.
		{"kind: Deployment\nmetadata:\n  annotations:\n    audience-owner: x\n", true},
		{"kind: Deployment\nspec:\n  allowedAudiences: [vault]\n", false},
		{"{\"kind\": \"Pod\", \"aud\\u0069ence\": 1}", true},
		// The fact without a word still takes its kind.
		{"kind: ServiceAccount\nmetadata: {name: x}\n", true},
	} {
		if got := pf.keeps([]byte(tt.text)); got != tt.want {
			t.Errorf("keeps(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	words := newPrefilter([]Facts{&Fact[int]{Kind: "Pod", Mentions: "kube-apiserver", Export: func(*Object) int { return 0 }}})
	if words.keeps([]byte("kind: Deployment\ncommand: [kube-apiserver]\n")) {
		t.Error("a worded fact of one kind takes a document of another")
	}
	if !words.keeps([]byte("kind: Pod\ncommand: [kube-apiserver]\n")) {
		t.Error("a worded fact misses a document of its kind that mentions its word")
	}
}

// A file a pass cannot read any more (deleted between the passes) is a
// problem of the input, and the run goes on.
func TestFileGoneBetweenPasses(t *testing.T) {
	dir := t.TempDir()
	gone := filepath.Join(dir, "a.yaml")
	for name, text := range map[string]string{
		gone:                         "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n",
		filepath.Join(dir, "b.yaml"): "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: x}]}\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	accounts := &Fact[bool]{Kind: "ServiceAccount", Export: func(o *Object) bool {
		// The first pass has read a.yaml: it goes before the second.
		os.Remove(gone)
		return true
	}}
	rule := &Rule{ID: "TST3", Slug: "probe", Title: "Probe", Severity: SeverityNote, Description: "d", Remediation: "r.",
		Facts: []Facts{accounts}, Check: func(p *Pass) { p.Report("", "checked") }}
	reg, err := NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run((&Loader{}).Open([]string{dir}), reg, DefaultSettings)
	var out bytes.Buffer
	for _, f := range rep.Findings {
		fmt.Fprintf(&out, "%s %s %s\n", filepath.Base(f.Position.File), f.Rule.ID, f.Message)
	}
	if want := "a.yaml TL001 cannot read: no such file or directory\nb.yaml TST3 checked\n"; out.String() != want || len(rep.Problems) != 1 {
		t.Errorf("got:\n%swant:\n%s(and one problem: %v)", out.String(), want, rep.Problems)
	}
}
