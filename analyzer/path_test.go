package analyzer

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		path string
		want []segment
	}{
		{"", nil},
		{"spec", []segment{{key: "spec"}}},
		{"spec.volumes[0].projected.sources[12]", []segment{
			{key: "spec"}, {key: "volumes"}, {index: 0, isIdx: true}, {key: "projected"}, {key: "sources"}, {index: 12, isIdx: true},
		}},
		{"metadata.annotations[kubernetes.io/service-account.name]", []segment{
			{key: "metadata"}, {key: "annotations"}, {key: "kubernetes.io/service-account.name"},
		}},
		{"[a.b][0][c]", []segment{{key: "a.b"}, {index: 0, isIdx: true}, {key: "c"}}},
		// A numeric key written without brackets stays a key.
		{"data.0", []segment{{key: "data"}, {key: "0"}}},
		{"items[-1]", []segment{{key: "items"}, {index: -1, isIdx: true}}},
		// Lenient: doubled dots are skipped, an unterminated bracket ends the path.
		{"a..b", []segment{{key: "a"}, {key: "b"}}},
		{"a[0", []segment{{key: "a"}}},
		{"a.[b.c", []segment{{key: "a"}}},
		// Quoted keys: any key, with Go and JSON escapes.
		{`metadata.annotations["x]y.z"]`, []segment{{key: "metadata"}, {key: "annotations"}, {key: "x]y.z"}}},
		{`data["a\nb"]["say \"hi\""][""]`, []segment{{key: "data"}, {key: "a\nb"}, {key: `say "hi"`}, {key: ""}}},
		{`labels["app"].x`, []segment{{key: "labels"}, {key: "app"}, {key: "x"}}},
		{`a["0"][0]`, []segment{{key: "a"}, {key: "0"}, {index: 0, isIdx: true}}},
		{`a["\u2028\x00"]`, []segment{{key: "a"}, {key: "\u2028\x00"}}},
		// JSON's own escapes, as json.marshal in a policy or a person writes them.
		{`a["k8s.io\/x"]["\ud83d\ude00"]`, []segment{{key: "a"}, {key: "k8s.io/x"}, {key: "\U0001F600"}}},
		// A bracket whose quotes do not make a string keeps the old form.
		{`a["b.c]`, []segment{{key: "a"}, {key: `"b.c`}}},
		{`a["b"c].d`, []segment{{key: "a"}, {key: `"b"c`}, {key: "d"}}},
		{`a["b\q"]`, []segment{{key: "a"}, {key: `"b\q"`}}},
		{`a["unterminated`, []segment{{key: "a"}}},
	}
	for _, tt := range tests {
		if got := parsePath(tt.path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePath(%q) = %+v, want %+v", tt.path, got, tt.want)
		}
	}
}

func TestJoinPathAndIndexPath(t *testing.T) {
	tests := []struct{ got, want string }{
		{JoinPath("", "spec"), "spec"},
		{JoinPath("spec", "volumes"), "spec.volumes"},
		{IndexPath("spec.volumes", 3), "spec.volumes[3]"},
		{JoinPath(IndexPath("spec.volumes", 3), "name"), "spec.volumes[3].name"},
		{JoinPath("metadata.annotations", "kubernetes.io/service-account.name"), "metadata.annotations[kubernetes.io/service-account.name]"},
		{JoinPath("", "a.b"), "[a.b]"},
		{IndexPath("", 0), "[0]"},
		// Keys that brackets alone cannot hold are quoted.
		{JoinPath("metadata.annotations", "x]y.z"), `metadata.annotations["x]y.z"]`},
		{JoinPath("data", "a[0]"), `data["a[0]"]`},
		{JoinPath("data", `say "hi"`), `data["say \"hi\""]`},
		{JoinPath("data", `C:\temp`), `data["C:\\temp"]`},
		{JoinPath("labels", ""), `labels[""]`},
		{JoinPath("", "a\nb"), `["a\nb"]`},
		{JoinPath("x", "\u2028"), `x["\u2028"]`},
		{JoinPath("x", "\u202eevil"), `x["\u202eevil"]`},
		{JoinPath("x", "\x1b[2J"), `x["\x1b[2J"]`},
		// Printable Unicode and other punctuation stay bare.
		{JoinPath("labels", "équipe"), "labels.équipe"},
		{JoinPath("labels", "app/name"), "labels.app/name"},
		{JoinPath("labels", "it's"), "labels.it's"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestPathRoundTrip builds paths from segments with JoinPath and IndexPath and
// checks that parsePath gives the same segments back.
func TestPathRoundTrip(t *testing.T) {
	cases := [][]segment{
		{{key: "spec"}, {key: "template"}, {key: "spec"}, {key: "volumes"}, {index: 0, isIdx: true}, {key: "projected"}},
		{{key: "metadata"}, {key: "annotations"}, {key: "tokenlint.io/ignore"}},
		{{key: "a.b.c"}, {index: 7, isIdx: true}, {key: "d"}},
		{{index: 2, isIdx: true}, {index: 5, isIdx: true}},
		{{key: "data"}, {key: "app.properties"}, {key: "x"}},
		{{key: "weird[key"}, {key: "k8s.io/a[b"}},
		{{key: "eks.amazonaws.com/role-arn"}},
		{{key: "0"}, {key: "1"}},
		{{key: "metadata"}, {key: "annotations"}, {key: "x]y.z"}},
		{{key: ""}, {key: ""}, {index: 0, isIdx: true}},
		{{key: "]"}, {key: "["}, {key: "."}, {key: `"`}, {key: `\`}, {key: `"]`}},
		{{key: "1.5"}, {key: "-1"}, {key: "[0]"}, {key: "007"}},
		{{key: "line\nbreak"}, {key: "\u2028\u0085\u202e"}, {key: "\xff\xfe"}},
		{{index: -1, isIdx: true}, {key: `["a"]`}},
	}
	for _, segs := range cases {
		p := ""
		for _, s := range segs {
			if s.isIdx {
				p = IndexPath(p, s.index)
			} else {
				p = JoinPath(p, s.key)
			}
		}
		if got := parsePath(p); !reflect.DeepEqual(got, segs) {
			t.Errorf("path %q parses to %+v, want %+v", p, got, segs)
		}
	}
}

// TestOldPathsParseTheSame holds paths as tokenlint wrote them before keys
// were quoted, in reports and baselines: each still names the same field.
func TestOldPathsParseTheSame(t *testing.T) {
	k := func(s string) segment { return segment{key: s} }
	i := func(n int) segment { return segment{index: n, isIdx: true} }
	tests := []struct {
		path string
		want []segment
	}{
		{"spec.template.spec.volumes[0].projected.sources[1].serviceAccountToken.audience",
			[]segment{k("spec"), k("template"), k("spec"), k("volumes"), i(0), k("projected"), k("sources"), i(1), k("serviceAccountToken"), k("audience")}},
		{"spec.template.metadata.annotations[vault.hashicorp.com/agent-inject]",
			[]segment{k("spec"), k("template"), k("metadata"), k("annotations"), k("vault.hashicorp.com/agent-inject")}},
		{"metadata.annotations[tokenlint.io/ignore]", []segment{k("metadata"), k("annotations"), k("tokenlint.io/ignore")}},
		{"spec.jobTemplate.spec.template.spec.containers[1].command[2]",
			[]segment{k("spec"), k("jobTemplate"), k("spec"), k("template"), k("spec"), k("containers"), i(1), k("command"), i(2)}},
		{"secrets[0]", []segment{k("secrets"), i(0)}},
		{"data[app.properties]", []segment{k("data"), k("app.properties")}},
		// Keys with brackets were bracketed as they were: up to the first "]".
		{"data[weird[key]", []segment{k("data"), k("weird[key")}},
	}
	for _, tt := range tests {
		if got := parsePath(tt.path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePath(%q) = %+v, want %+v", tt.path, got, tt.want)
		}
		// Only a key holding a bracket needs quoting now: tokenlint
		// still writes the others so.
		if got := canonicalPath(tt.path); got != tt.path && !strings.ContainsAny(tt.want[len(tt.want)-1].key, "[]") {
			t.Errorf("canonicalPath(%q) = %q, want it unchanged", tt.path, got)
		}
	}
}

func TestCanonicalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{`metadata.annotations["example.com/team"]`, "metadata.annotations[example.com/team]"},
		{`metadata.labels["app"]`, "metadata.labels.app"},
		{"spec..containers[0]", "spec.containers[0]"},
		{".spec", "spec"},
		{"spec.[a.b]", "spec[a.b]"},
		{`x["a\/b"]`, "x.a/b"},
		{`x["\u0041"]`, "x.A"},
		{`x["]"]`, `x["]"]`},
		{"a[0", "a"},
	}
	for _, tt := range tests {
		if got := canonicalPath(tt.in); got != tt.want {
			t.Errorf("canonicalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
