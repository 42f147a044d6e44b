package analyzer

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestSplitDocuments(t *testing.T) {
	type doc struct {
		text       string
		lineOffset int
		source     string
	}
	tests := []struct {
		name string
		data string
		want []doc
	}{
		{"single", "a: 1\n", []doc{{"a: 1\n", 0, ""}}},
		{"separators", "a: 1\n---\nb: 2\n---\nc: 3", []doc{
			{"a: 1\n", 0, ""}, {"---\nb: 2\n", 1, ""}, {"---\nc: 3", 3, ""},
		}},
		{"leading separator and comments stay with their document", "---\n# about b\nb: 2\n", []doc{
			{"---\n# about b\nb: 2\n", 0, ""},
		}},
		{"empty and comment-only documents are dropped", "---\n---\n# nothing\n---\n\n---\na: 1\n---\n", []doc{
			{"---\n---\n# nothing\n---\n\n---\na: 1\n", 0, ""},
		}},
		{"end markers", "a: 1\n...\n# between\n...\n---\nb: 2\n...\n", []doc{
			{"a: 1\n", 0, ""}, {"---\nb: 2\n", 4, ""},
		}},
		{"content on the separator line", "--- {a: 1}\n--- # comment\nb: 2\n", []doc{
			{"--- {a: 1}\n", 0, ""}, {"--- # comment\nb: 2\n", 1, ""},
		}},
		{"not separators", "a: |\n  ---\nb: ----\n----\n", []doc{{"a: |\n  ---\nb: ----\n----\n", 0, ""}}},
		{"CRLF", "a: 1\r\n---\r\nb: 2\r\n...\r\n---\r\nc: 3\r\n", []doc{
			{"a: 1\r\n", 0, ""}, {"---\r\nb: 2\r\n", 1, ""}, {"---\r\nc: 3\r\n", 4, ""},
		}},
		{"BOM", "\xef\xbb\xbfa: 1\n---\nb: 2\n", []doc{{"a: 1\n", 0, ""}, {"---\nb: 2\n", 1, ""}}},
		{"helm sources", "---\n# Source: c/templates/a.yaml\na: 1\n---\n# Source: c/templates/b.yaml\nb: 2\n", []doc{
			{"---\n# Source: c/templates/a.yaml\na: 1\n", 0, "c/templates/a.yaml"},
			{"---\n# Source: c/templates/b.yaml\nb: 2\n", 3, "c/templates/b.yaml"},
		}},
		{"helm source of a comment-only document names nothing after it", "---\n# Source: c/templates/notes.yaml\n# only comments\n---\n# Source: c/templates/b.yaml\nb: 2\n---\nc: 3\n", []doc{
			{"---\n# Source: c/templates/notes.yaml\n# only comments\n---\n# Source: c/templates/b.yaml\nb: 2\n", 0, "c/templates/b.yaml"},
			{"---\nc: 3\n", 6, ""},
		}},
		{"JSON is one document", "\n  {\"a\": 1}\n---\n", []doc{{"\n  {\"a\": 1}\n---\n", 0, ""}}},
		{"JSON tabs become spaces", "[\n\t{\"a\": 1}\n]", []doc{{"[\n {\"a\": 1}\n]", 0, ""}}},
		{"empty", "", nil},
		{"only comments", "# a\n\n# b\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []doc
			for _, c := range splitDocuments("f.yaml", []byte(tt.data)) {
				if c.file != "f.yaml" {
					t.Errorf("chunk file %q", c.file)
				}
				got = append(got, doc{string(c.text), c.lineOffset, c.source})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("splitDocuments(%q)\n got %+v\nwant %+v", tt.data, got, tt.want)
			}
		})
	}
}

// TestSplitDocumentsLineOffsets checks, for many layouts, that the line of
// every document's first content line is its offset plus its line in the
// chunk.
func TestSplitDocumentsLineOffsets(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		switch i % 5 {
		case 0:
			b.WriteString("---\n")
		case 1:
			b.WriteString("# comment\n\n---   \n")
		case 2:
			b.WriteString("...\n---\n")
		case 3:
			b.WriteString("---\n---\n")
		case 4:
			b.WriteString("--- # x\n\n")
		}
		fmt.Fprintf(&b, "doc%d: %d\n", i, i)
	}
	data := b.String()
	lines := strings.Split(data, "\n")
	chunks := splitDocuments("f", []byte(data))
	if len(chunks) != 30 {
		t.Fatalf("got %d chunks, want 30", len(chunks))
	}
	for i, c := range chunks {
		want := fmt.Sprintf("doc%d: %d", i, i)
		chunkLines := strings.Split(string(c.text), "\n")
		at := slices.Index(chunkLines, want)
		if at < 0 {
			t.Fatalf("chunk %d does not hold %q: %q", i, want, c.text)
		}
		if got := lines[c.lineOffset+at]; got != want {
			t.Errorf("chunk %d: line %d of the file is %q, want %q", i, c.lineOffset+at+1, got, want)
		}
	}
}

func TestLoadNonexistentPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	in := (&Loader{}).Load([]string{missing})
	if len(in.Problems) != 1 || len(in.Objects) != 0 || in.Files != 0 {
		t.Fatalf("got %d problems, %d objects, %d files; want one problem", len(in.Problems), len(in.Objects), in.Files)
	}
	p := in.Problems[0]
	if p.Position.File != missing || !strings.Contains(p.Message, "cannot read") || !strings.Contains(p.Message, "no such file") {
		t.Errorf("problem %+v does not name the file and the reason", p)
	}
}

func TestLoadStdin(t *testing.T) {
	in := loadString(t, &Loader{}, podWithToken("from-stdin", "          path: t\n"))
	if len(in.Problems) != 0 || len(in.Objects) != 1 || in.Files != 1 {
		t.Fatalf("got %+v", in)
	}
	if o := in.Objects[0]; o.File != StdinName || o.Name != "from-stdin" || o.Kind != "Pod" || o.APIVersion != "v1" {
		t.Errorf("object %s %s %s from %q", o.APIVersion, o.Kind, o.Name, o.File)
	}

	in = (&Loader{}).Load([]string{"-"})
	if len(in.Problems) != 1 || in.Problems[0].Position.File != StdinName || !strings.Contains(in.Problems[0].Message, "standard input") {
		t.Errorf("without Stdin: %+v, want a problem about standard input", in.Problems)
	}
}

func TestLoadDirectory(t *testing.T) {
	pod := func(name string) string { return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n" }
	dir := writeFiles(t, map[string]string{
		"a.yaml":                pod("a"),
		"sub/b.yml":             pod("b"),
		"sub/deeper/c.json":     `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"}}`,
		"upper.YAML":            pod("upper"),
		".hidden-file.yaml":     pod("hidden-file"),
		"notes.txt":             pod("txt"),
		".git/config.yaml":      pod("git"),
		".hidden/d.yaml":        pod("hidden"),
		"vendor/e.yaml":         pod("vendor"),
		"sub/vendor/f.yaml":     pod("sub-vendor"),
		"sub/.cache/g.yaml":     pod("sub-hidden"),
		"vendored/h.yaml":       pod("vendored"),
		"charts/x/values.yaml":  "replicas: 1\n",
		"charts/x/.helmignore":  "*.tgz\n",
		"charts/x/empty.yaml":   "",
		"charts/x/comment.yaml": "# nothing here\n",
	})
	names := func(in *Input) []string {
		var out []string
		for _, o := range in.Objects {
			out = append(out, o.Name)
		}
		slices.Sort(out)
		return out
	}
	in := (&Loader{}).Load([]string{dir})
	if len(in.Problems) != 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	if got, want := names(in), []string{"a", "b", "c", "hidden-file", "upper", "vendored"}; !slices.Equal(got, want) {
		t.Errorf("walking the directory loaded %v, want %v", got, want)
	}
	// Every *.yaml, *.yml and *.json file walked is read, Kubernetes or not.
	if in.Files != 9 {
		t.Errorf("read %d files, want 9", in.Files)
	}

	// Named explicitly, hidden directories, vendor/ and other extensions are read.
	in = (&Loader{}).Load([]string{filepath.Join(dir, ".hidden"), filepath.Join(dir, "vendor"), filepath.Join(dir, "notes.txt"), filepath.Join(dir, "sub", ".cache", "g.yaml")})
	if got, want := names(in), []string{"hidden", "sub-hidden", "txt", "vendor"}; !slices.Equal(got, want) {
		t.Errorf("named paths loaded %v, want %v", got, want)
	}

	// A symbolic link to a directory, named explicitly, is walked.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(dir, "sub"), link); err != nil {
		t.Skipf("cannot make a symbolic link: %v", err)
	}
	in = (&Loader{}).Load([]string{link})
	if got, want := names(in), []string{"b", "c"}; !slices.Equal(got, want) {
		t.Errorf("walking a link to a directory loaded %v, want %v", got, want)
	}
	if len(in.Objects) > 0 && in.Objects[0].File != filepath.Join(link, "b.yml") {
		t.Errorf("file named %q, want it under the link", in.Objects[0].File)
	}

	// The walk also works from inside the directory, as "lint ." does.
	t.Chdir(filepath.Join(dir, "sub"))
	in = (&Loader{}).Load([]string{"."})
	if got, want := names(in), []string{"b", "c"}; !slices.Equal(got, want) {
		t.Errorf("walking . loaded %v, want %v", got, want)
	}
	for _, o := range in.Objects {
		if filepath.IsAbs(o.File) || strings.HasPrefix(o.File, "..") {
			t.Errorf("file %q is not relative to the working directory", o.File)
		}
	}
}

func TestLoadListsAndArrays(t *testing.T) {
	in := loadString(t, &Loader{}, `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
- not: an object
- apiVersion: v1
  kind: SecretList
  items:
  - {apiVersion: v1, kind: Secret, metadata: {name: three}}
---
- {apiVersion: v1, kind: ConfigMap, metadata: {name: four}}
- [{apiVersion: v1, kind: ConfigMap, metadata: {name: five}}]
---
apiVersion: v1
kind: List
metadata: {name: no-items}
---
apiVersion: example.com/v1
kind: Checklist
metadata: {name: not-a-list}
items: [a, b]
`)
	if len(in.Problems) != 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	var got []string
	for _, o := range in.Objects {
		p, _ := o.Locate("metadata.name")
		got = append(got, fmt.Sprintf("%s/%s@%d", o.Kind, o.Name, p.Line))
	}
	want := []string{"ConfigMap/one@6", "ConfigMap/two@7", "Secret/three@12", "ConfigMap/four@14", "ConfigMap/five@15", "List/no-items@19", "Checklist/not-a-list@23"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestIgnoredDocuments(t *testing.T) {
	in := loadString(t, &Loader{}, `# Helm values
image: {repository: x, tag: "1"}
---
name: ci
on: [push]
---
kind: Pod
---
apiVersion: v1
---
just a string
---
- 1
- 2
---
42
`)
	if len(in.Objects) != 0 || len(in.Problems) != 0 {
		t.Errorf("got %d objects and problems %+v, want nothing", len(in.Objects), in.Problems)
	}
}

func TestScalars(t *testing.T) {
	o := mustObject(t, `apiVersion: v1
kind: ConfigMap
values:
  plainYes: yes
  plainNo: no
  plainOn: On
  plainOff: OFF
  plainY: y
  plainN: N
  true12: true
  false12: False
  quotedNo: "no"
  singleQuotedYes: 'yes'
  taggedNo: !!str no
  quotedFalse: "false"
  quotedNumber: "300"
  decimal: 300
  negative: -42
  plus: +7
  underscores: 1_000
  hex: 0x1F
  octal12: 0o17
  octal11: 0644
  negOctal: -0644
  upperHex: 0X1f
  binary: 0b101
  minInt64: -9223372036854775808
  maxUint64: 18446744073709551615
  hexBeyondInt64: 0xFFFFFFFFFFFFFFFF
  nine: 09
  zero: 0
  maxInt64: 9223372036854775807
  beyondInt64: 9223372036854775808
  beyondUint64: 99999999999999999999
  negBeyond: -9223372036854775809
  float: 1.5
  exponent: 1e3
  null1: null
  null2: ~
  null3:
  timestamp: 2024-01-01
  version: 1.10.0
`)
	tests := map[string]any{
		"plainYes": true, "plainNo": false, "plainOn": true, "plainOff": false, "plainY": true, "plainN": false,
		"true12": true, "false12": false,
		"quotedNo": "no", "singleQuotedYes": "yes", "taggedNo": "no", "quotedFalse": "false", "quotedNumber": "300",
		"decimal": int64(300), "negative": int64(-42), "plus": int64(7), "underscores": int64(1000),
		"hex": int64(31), "octal12": int64(15), "octal11": int64(0o644), "zero": int64(0),
		"negOctal": int64(-0o644), "upperHex": int64(31), "binary": int64(5), "minInt64": int64(math.MinInt64),
		"maxUint64": float64(math.MaxUint64), "hexBeyondInt64": float64(math.MaxUint64), "nine": 9.0,
		"maxInt64": int64(math.MaxInt64), "beyondInt64": float64(9223372036854775808),
		"beyondUint64": 1e20, "negBeyond": float64(-9223372036854775809),
		"float": 1.5, "exponent": 1000.0,
		"null1": nil, "null2": nil, "null3": nil,
		"timestamp": "2024-01-01", "version": "1.10.0",
	}
	for key, want := range tests {
		got, ok := o.Lookup("values." + key)
		if !ok || got != want {
			t.Errorf("%s = %#v (%T), want %#v (%T)", key, got, got, want, want)
		}
	}
}

func TestAutomountYAML11(t *testing.T) {
	for text, want := range map[string]bool{"no": false, "off": false, "yes": true, "On": true, "false": false} {
		o := mustObject(t, "apiVersion: v1\nkind: Pod\nspec:\n  automountServiceAccountToken: "+text+"\n  containers: [{name: a, image: a}]\n")
		if len(o.Problems()) != 0 {
			t.Errorf("%s: problems %+v", text, o.Problems())
		}
		ps, ok := o.PodSpec()
		if !ok || ps.Spec.AutomountServiceAccountToken == nil || *ps.Spec.AutomountServiceAccountToken != want {
			t.Errorf("automountServiceAccountToken: %s is not %v", text, want)
		}
	}
	o := mustObject(t, "apiVersion: v1\nkind: Pod\nspec:\n  automountServiceAccountToken: \"false\"\n")
	if ps, _ := o.PodSpec(); ps.Spec.AutomountServiceAccountToken != nil {
		t.Errorf("a quoted \"false\" was taken as %v", *ps.Spec.AutomountServiceAccountToken)
	}
	if len(o.Problems()) != 1 || o.Problems()[0].Path != "spec.automountServiceAccountToken" || o.Problems()[0].Position.Line != 4 {
		t.Errorf("a quoted \"false\" gives problems %+v, want one at spec.automountServiceAccountToken, line 4", o.Problems())
	}
}

// problemAt is a problem expected at a line whose message matches a pattern.
type problemAt struct {
	line    int
	message string
}

func checkProblems(t *testing.T, got []Problem, want []problemAt) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d problems %+v, want %d", len(got), got, len(want))
		return
	}
	for i, w := range want {
		p := got[i]
		if p.Position.Line != w.line || !regexp.MustCompile(w.message).MatchString(p.Message) {
			t.Errorf("problem %d: %d: %q, want %d: /%s/", i, p.Position.Line, p.Message, w.line, w.message)
		}
		if p.Position.Column < 1 {
			t.Errorf("problem %d: column %d", i, p.Position.Column)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	in := loadString(t, &Loader{}, `apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: [unclosed
---
apiVersion: v1
kind: ConfigMap
metadata: {name: middle}
data:
  a: 1
   b: 2
---
apiVersion: v1
kind: ConfigMap
metadata: {name: dup}
data:
  a: 1
  b: 2
  a: 3
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unknown-anchor}
data: *nowhere
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
`)
	checkProblems(t, in.Problems, []problemAt{
		{8, `^invalid YAML: did not find expected ',' or '\]'$`},
		{15, `^invalid YAML: mapping values are not allowed`},
		{23, `^invalid YAML: mapping key "a" already defined at line 21$`},
		// The alias's own line, which the v3 parser's message does not name.
		{28, `^invalid YAML: unknown anchor 'nowhere'`},
	})
	var names []string
	for _, o := range in.Objects {
		names = append(names, o.Name)
	}
	if !slices.Equal(names, []string{"before", "after"}) {
		t.Errorf("objects %v, want before and after", names)
	}
}

func TestMergeKeyErrors(t *testing.T) {
	in := loadString(t, &Loader{}, `a: 1
---
apiVersion: v1
kind: ConfigMap
data:
  <<: [1, 2]
---
apiVersion: v1
kind: ConfigMap
data:
  <<: {a: 1, a: 2}
`)
	checkProblems(t, in.Problems, []problemAt{
		{6, `merge key "<<" must name a mapping`},
		{11, `mapping key "a" already defined at line 11`},
	})
}

func TestLimits(t *testing.T) {
	t.Run("billion laughs", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
		for i := 1; i < 12; i++ {
			fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		b.WriteString("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n")
		// The node budget, not the clock, bounds the work: the test
		// finishing at all (within go test's timeout) is the guard.
		in := loadString(t, &Loader{}, b.String())
		if len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, "alias expansion is bounded") || in.Problems[0].Position.Line < 1 {
			t.Fatalf("problems %+v, want one about alias expansion", in.Problems)
		}
		if len(in.Objects) != 1 || in.Objects[0].Name != "after" {
			t.Errorf("the document after the bomb was not loaded: %d objects", len(in.Objects))
		}
	})
	t.Run("merge key bomb", func(t *testing.T) {
		// Merging empty mappings expands to no values at all, but costs
		// 10^9 merges, and as much for Locate to look for a missing key.
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: merges}\nm0: &m0 {}\n")
		for i := 1; i < 10; i++ {
			fmt.Fprintf(&b, "m%d: &m%d {<<: [%s]}\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*m%d, ", i-1), 10), ", "))
		}
		b.WriteString("data:\n  <<: *m9\n")
		// The node budget, not the clock, bounds the work: the test
		// finishing at all (within go test's timeout) is the guard.
		in := loadString(t, &Loader{}, b.String())
		if len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, "alias expansion is bounded") {
			t.Fatalf("problems %+v, want one about alias expansion", in.Problems)
		}
		// Locate through merges finds keys and nearest ancestors.
		b.Reset()
		b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: merges}\nm0: &m0 {}\n")
		for i := 1; i < 4; i++ {
			fmt.Fprintf(&b, "m%d: &m%d {<<: [%s]}\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*m%d, ", i-1), 10), ", "))
		}
		b.WriteString("data:\n  <<: *m3\n")
		for i := 4; i < 20; i++ {
			fmt.Fprintf(&b, "  k%d: {<<: [*m3, *m3, *m3, *m3, *m3, *m3, *m3, *m3, *m3, *m3]}\n", i)
		}
		o := mustObject(t, b.String())
		for i := 4; i < 20; i++ {
			if pos, found := o.Locate(fmt.Sprintf("data.k%d.missing", i)); found != fmt.Sprintf("data.k%d", i) || pos.Line != i+6 {
				t.Errorf("Locate(data.k%d.missing) = %v, %q", i, pos, found)
			}
		}
	})
	t.Run("small node budget", func(t *testing.T) {
		l := &Loader{Limits: Limits{MaxDocumentBytes: 1 << 20, MaxNodes: 20, MaxDepth: 100}}
		in := loadString(t, l, "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: &x [1, 2, 3, 4, 5]\n  y: [*x, *x, *x]\n")
		// Reported where the budget ran out: in the anchored list, expanded
		// again by the aliases.
		checkProblems(t, in.Problems, []problemAt{{4, `more than 20 values`}})
		in = loadString(t, l, "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: [1, 2, 3]\n")
		checkProblems(t, in.Problems, nil)
	})
	t.Run("deep nesting", func(t *testing.T) {
		l := &Loader{Limits: Limits{MaxDocumentBytes: 1 << 20, MaxNodes: 1000, MaxDepth: 10}}
		deep := "apiVersion: v1\nkind: ConfigMap\ndata: " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n"
		checkProblems(t, loadString(t, l, deep).Problems, []problemAt{{3, `nests deeper than 10 levels`}})
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: ConfigMap\ndata:\n")
		for i := range 12 {
			fmt.Fprintf(&b, "%s  k%d:\n", strings.Repeat("  ", i), i)
		}
		// The mapping at depth 11 starts with k10, on line 14.
		checkProblems(t, loadString(t, l, b.String()).Problems, []problemAt{{14, `nests deeper than 10 levels`}})
		// Deep nesting under the default limits: an error, not a crash.
		deep = "a: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
		in := loadString(t, &Loader{}, deep)
		if len(in.Problems) != 1 || in.Problems[0].Position.Line != 1 {
			t.Errorf("problems %+v, want one at line 1", in.Problems)
		}
	})
	t.Run("document size", func(t *testing.T) {
		l := &Loader{Limits: Limits{MaxDocumentBytes: 100, MaxNodes: 1000, MaxDepth: 100}}
		big := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: " + strings.Repeat("x", 200) + "\n"
		small := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\n"
		in := loadString(t, l, small+"---\n"+big+"---\n"+small)
		checkProblems(t, in.Problems, []problemAt{{4, `larger than 100 bytes`}})
		if len(in.Objects) != 2 {
			t.Errorf("got %d objects, want the 2 small ones", len(in.Objects))
		}
	})
	t.Run("partial limits take defaults for the rest", func(t *testing.T) {
		l := &Loader{Limits: Limits{MaxDepth: 3}}
		in := loadString(t, l, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
		if len(in.Problems) != 0 || len(in.Objects) != 1 {
			t.Errorf("problems %+v, objects %d; want the object", in.Problems, len(in.Objects))
		}
		in = loadString(t, l, "apiVersion: v1\nkind: ConfigMap\ndata: {a: {b: {c: {d: 1}}}}\n")
		checkProblems(t, in.Problems, []problemAt{{3, `deeper than 3`}})
	})
}

func TestNamespaces(t *testing.T) {
	text := `apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: explicit}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: ignored}
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: ""}
`
	tests := []struct {
		loaderNamespace string
		want            []string
	}{
		{"", []string{"default", "explicit", "", "", "default"}},
		{"team", []string{"team", "explicit", "", "", "team"}},
	}
	for _, tt := range tests {
		in := loadString(t, &Loader{Namespace: tt.loaderNamespace}, text)
		var got []string
		for _, o := range in.Objects {
			got = append(got, o.Namespace)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Loader.Namespace %q: namespaces %q, want %q", tt.loaderNamespace, got, tt.want)
		}
	}
}

// TestHelmSource checks that objects of `helm template` output, and the
// findings about them, name their template.
func TestHelmSource(t *testing.T) {
	in := loadString(t, &Loader{}, `---
# Source: chart/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
---
# Source: chart/templates/NOTES-like.yaml
# renders to comments only
---
# Source: chart/templates/pod.yaml
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: pod}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-from-helm
`)
	want := map[string]string{"sa": "chart/templates/sa.yaml", "pod": "chart/templates/pod.yaml", "not-from-helm": ""}
	if len(in.Objects) != len(want) {
		t.Fatalf("got %d objects, want %d", len(in.Objects), len(want))
	}
	for _, o := range in.Objects {
		if o.Source != want[o.Name] {
			t.Errorf("%s: Source %q, want %q", o.Name, o.Source, want[o.Name])
		}
	}
	rule := &Rule{
		ID: "TST1", Slug: "test-rule", Title: "Test", Severity: SeverityNote,
		Description: "Reports every object.", Remediation: "Nothing.",
		Check: func(p *Pass) { p.Report("metadata.name", "seen") },
	}
	reg, err := NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(in, reg, DefaultSettings)
	if len(rep.Findings) != 3 {
		t.Fatalf("got %d findings, want 3", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.Source != want[f.Object.Name] {
			t.Errorf("finding about %s: Source %q, want %q", f.Object.Name, f.Source, want[f.Object.Name])
		}
	}
	if f := rep.Findings[1]; f.Object.Name != "pod" || f.Position.Line != 17 || f.Position.File != StdinName {
		t.Errorf("finding about the pod at %v, want line 17 of the rendered stream", f.Position)
	}
}

// noChanges is a revision against which nothing changed.
type noChanges struct{}

func (noChanges) Lines(string, int, int) bool { return false }
func (noChanges) Under(string) bool           { return false }

// TestLoadStdinNamed: standard input given a name carries it from loading
// on (objects, positions, directives), and, having no revision, always
// counts as changed.
func TestLoadStdinNamed(t *testing.T) {
	in := loadString(t, &Loader{StdinName: "deploy/app.yaml"}, podWithToken("named", "          path: t # tokenlint:ignore TST1 -- test\n"))
	if len(in.Objects) != 1 || in.Objects[0].File != "deploy/app.yaml" || in.Stdin != "deploy/app.yaml" {
		t.Fatalf("objects %v, Stdin %q: want one object of deploy/app.yaml", in.Objects, in.Stdin)
	}
	if len(in.Directives) != 1 || in.Directives[0].Position.File != "deploy/app.yaml" {
		t.Errorf("directives %+v, want one of deploy/app.yaml", in.Directives)
	}
	rule := &Rule{
		ID: "TST1", Slug: "test-rule", Title: "Test", Severity: SeverityNote,
		Description: "Reports every object.", Remediation: "Nothing.",
		Check: func(p *Pass) { p.Report("metadata.name", "seen") },
	}
	reg, err := NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	rep := RunWith(in, reg, Options{Settings: DefaultSettings, Changes: noChanges{}})
	if len(rep.Findings) == 0 || rep.Findings[0].Position.File != "deploy/app.yaml" {
		t.Errorf("findings %+v: want them on deploy/app.yaml, kept though the file did not change", rep.Findings)
	}
}

func TestScalarErrors(t *testing.T) {
	in := loadString(t, &Loader{}, `apiVersion: v1
kind: ConfigMap
data:
  a: !!int abc
---
apiVersion: v1
kind: ConfigMap
data:
  b: .inf
---
apiVersion: v1
kind: ConfigMap
data:
  c: .nan
---
apiVersion: v1
kind: ConfigMap
data:
  ? [complex, key]
  : value
`)
	checkProblems(t, in.Problems, []problemAt{
		{4, `"abc" is not an integer`},
		{9, `"\.inf" is not a number JSON can represent`},
		{14, `"\.nan" is not a number JSON can represent`},
		{19, `mapping key must be a scalar`},
	})
}

// TestHelmSourceFixture checks the Source of every object of the helm
// template fixture, whose findings the fixture test checks by line.
func TestHelmSourceFixture(t *testing.T) {
	file := filepath.Join("..", "testdata", "loader", "helm_template.yaml")
	in := (&Loader{}).Load([]string{file})
	if len(in.Problems) != 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	var got []string
	for _, o := range in.Objects {
		got = append(got, o.Kind+" "+o.Source)
	}
	want := []string{
		"ServiceAccount vault-agent/templates/serviceaccount.yaml",
		"Deployment vault-agent/templates/deployment.yaml",
		"Pod vault-agent/templates/tests/test-connection.yaml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("objects and sources %q, want %q", got, want)
	}
}
