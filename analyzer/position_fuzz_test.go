package analyzer

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// TestLocateWideMapping locates every key of a mapping of thousands, the
// way a policy reporting each annotation does: each lands on its own line,
// through one index of the mapping built once, not by reading the mapping
// from the start for every key.
func TestLocateWideMapping(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n  annotations:\n")
	const n = 5000
	for i := range n {
		fmt.Fprintf(&b, "    team.example.com/owner-%04d: payments\n", i)
	}
	o := mustObject(t, b.String())
	for i := range n {
		path := JoinPath("metadata.annotations", fmt.Sprintf("team.example.com/owner-%04d", i))
		pos, found := o.Locate(path)
		if pos.Line != 6+i || pos.Column != 5 || found != path {
			t.Fatalf("%s at %d:%d (found %q), want %d:5", path, pos.Line, pos.Column, found, 6+i)
		}
	}
	if pos, found := o.Locate("metadata.annotations[team.example.com/missing]"); pos.Line != 5 || found != "metadata.annotations" {
		t.Errorf("a missing key at %d (found %q), want its mapping's line 5", pos.Line, found)
	}
	if len(o.keys.byNode) != 1 {
		t.Errorf("%d mappings indexed, want the one wide mapping, once", len(o.keys.byNode))
	}
}

// TestIndexedLookupKeepsMergeOrder checks that a large mapping's index
// answers as reading it in order does: the last explicit key wins, a merge
// after it overrides it, one before it does not, and in a list of merged
// mappings the earlier wins.
func TestIndexedLookupKeepsMergeOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("base: &base {a: base, b: base}\nother: &other {c: other, d: other}\nextra: &extra {c: extra, e: extra}\nwide:\n")
	b.WriteString("  <<: *base\n  a: own\n")
	for i := range keyIndexMin * 2 {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	b.WriteString("  d: own\n  <<: [*other, *extra]\n  b: own\n")
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader([]byte(b.String()))).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	_, wide := lookupKey(deref(&doc), "wide")
	ix := &keyIndex{}
	want := map[string]string{"a": "own", "b": "own", "c": "other", "d": "other", "e": "extra", "k7": "v", "missing": ""}
	for key, value := range want {
		k, v := lookupKeyMemo(wide, key, nil, ix)
		lk, lv := lookupKey(wide, key)
		if k != lk || v != lv {
			t.Errorf("%s: the index gives %v, reading in order %v", key, k, lk)
		}
		got := ""
		if v != nil {
			got = v.Value
		}
		if got != value {
			t.Errorf("%s = %q, want %q", key, got, value)
		}
	}
	if len(ix.byNode) != 1 {
		t.Errorf("%d mappings indexed, want 1", len(ix.byNode))
	}
}

// FuzzLocate loads arbitrary documents and locates arbitrary paths in
// them, paths of the document's own keys among them: Locate never panics,
// every position lies within the input's lines and columns, the found part
// of the path names an existing value and parses to a prefix of the path's
// segments, and a large mapping's index answers as reading it in order.
func FuzzLocate(f *testing.F) {
	for _, s := range []struct{ doc, path string }{
		{locateDoc, "spec.containers[1].image"},
		{locateDoc, "metadata.annotations[kubernetes.io/service-account.name]"},
		{locateDoc, "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    \"x]y.z\": 5\n", `metadata.annotations["x]y.z"]`},
		{"apiVersion: v1\nkind: ConfigMap\nbase: &b {a: 1}\ndata:\n  <<: *b\n  c: 2\n", "data.a"},
		{"apiVersion: v1\nkind: Pod\nspec: &s\n  x: *s\n", "spec.x.x.x.x.x.x.x.x.x.x"},
		{"apiVersion: v1\nkind: Pod\nspec:\n  script: |\n    one\n    two\n", "spec.script"},
		{"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {\"a\": [1, {\"b\": 2}]}}", "spec.a[1].b"},
		{"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n", "metadata.name"},
		{"apiVersion: v1\nkind: Pod\n", "[-1]"},
		{wideMergeDoc(), "data.k3"},
		{"apiVersion: v1\nkind: Pod\n", `["\ud800"]["`},
	} {
		f.Add([]byte(s.doc), s.path)
	}
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		lines := yamlLines(data)
		l := &Loader{Stdin: bytes.NewReader(data), Limits: Limits{MaxDocumentBytes: 1 << 16, MaxNodes: 20000, MaxDepth: 64}}
		in := l.Load([]string{"-"})
		maxCol := 1
		for _, line := range bytes.Split(data, []byte("\n")) {
			maxCol = max(maxCol, len(line)+2)
		}
		for _, o := range in.Objects {
			paths := []string{path, "", "kind"}
			// Paths of the object's own fields, two levels deep.
			if m, ok := o.Raw["metadata"].(map[string]any); ok {
				for k, v := range m {
					p := JoinPath("metadata", k)
					paths = append(paths, p, JoinPath(p, path))
					if inner, ok := v.(map[string]any); ok {
						for k2 := range inner {
							paths = append(paths, JoinPath(p, k2))
						}
					}
				}
			}
			for k := range o.Raw {
				paths = append(paths, JoinPath(k, path), IndexPath(k, 0))
			}
			for _, p := range paths {
				pos, found := o.Locate(p)
				if pos.File != StdinName || pos.Line < 1 || pos.Line > lines || pos.Column < 1 || pos.Column > maxCol {
					t.Fatalf("Locate(%q) = %+v, outside the %d lines of the input", p, pos, lines)
				}
				if pos.EndLine != 0 && (pos.EndLine < pos.Line || (pos.EndLine == pos.Line && pos.EndColumn <= pos.Column)) {
					t.Fatalf("Locate(%q): region %+v ends before it starts", p, pos)
				}
				segs, foundSegs := parsePath(p), parsePath(found)
				if len(foundSegs) > len(segs) || fmt.Sprint(foundSegs) != fmt.Sprint(segs[:len(foundSegs)]) {
					t.Fatalf("Locate(%q) found %q, which is not a prefix of it", p, found)
				}
				if _, ok := o.Lookup(found); !ok && found != "" {
					t.Fatalf("Locate(%q) found %q, which Lookup does not find", p, found)
				}
			}
			// The index and reading in order agree on every mapping.
			var walk func(n *yaml.Node, depth int)
			walk = func(n *yaml.Node, depth int) {
				if n == nil || depth > 64 {
					return
				}
				if n.Kind == yaml.MappingNode {
					ix := &keyIndex{}
					for i := 0; i+1 < len(n.Content); i += 2 {
						key := keyString(n.Content[i])
						if k, _ := lookupKeyMemo(n, key, nil, ix); k != func() *yaml.Node { k, _ := lookupKeyMemo(n, key, nil, nil); return k }() {
							t.Fatalf("key %q: the index and reading in order disagree", key)
						}
					}
				}
				for _, c := range n.Content {
					walk(c, depth+1)
				}
			}
			walk(deref(o.node), 0)
		}
	})
}

// wideMergeDoc is an object with a mapping large enough to be indexed,
// merges before, among and after its keys.
func wideMergeDoc() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nbase: &base {k1: base, a: base}\nmore: &more {k2: more, b: more}\ndata:\n  <<: *base\n")
	for i := range keyIndexMin + 4 {
		fmt.Fprintf(&b, "  k%d: v\n", i)
		if i == keyIndexMin/2 {
			b.WriteString("  <<: [*more, *base]\n")
		}
	}
	b.WriteString("  <<: *more\n")
	return b.String()
}
