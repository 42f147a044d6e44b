package analyzer

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

const locateDoc = `# a leading comment
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    kubernetes.io/service-account.name: "sa"
    note: |
      line one
spec:
  containers:
  - name: app
    image: nginx
  -   name: sidecar
      image: "ünïcode"
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken: {path: t, expirationSeconds: 300}
`

func TestLocate(t *testing.T) {
	o := mustObject(t, locateDoc)
	tests := []struct {
		path      string
		want      Position
		wantFound string
	}{
		// A mapping value is located at its key, spanning a scalar value on the
		// same line; a collection value is not part of the span.
		{"metadata.name", Position{Line: 5, Column: 3, EndLine: 5, EndColumn: 12}, "metadata.name"},
		{"spec", Position{Line: 10, Column: 1, EndLine: 10, EndColumn: 5}, "spec"},
		// Quoted values count their quotes.
		{"metadata.annotations[kubernetes.io/service-account.name]", Position{Line: 7, Column: 5, EndLine: 7, EndColumn: 45}, "metadata.annotations[kubernetes.io/service-account.name]"},
		// A block scalar is not part of the span.
		{"metadata.annotations.note", Position{Line: 8, Column: 5, EndLine: 8, EndColumn: 9}, "metadata.annotations.note"},
		// A list item at its first character (after the dash).
		{"spec.containers[0]", Position{Line: 12, Column: 5, EndLine: 12, EndColumn: 6}, "spec.containers[0]"},
		{"spec.containers[1]", Position{Line: 14, Column: 7, EndLine: 14, EndColumn: 8}, "spec.containers[1]"},
		{"spec.containers[1].name", Position{Line: 14, Column: 7, EndLine: 14, EndColumn: 20}, "spec.containers[1].name"},
		// Columns count characters, not bytes.
		{"spec.containers[1].image", Position{Line: 15, Column: 7, EndLine: 15, EndColumn: 23}, "spec.containers[1].image"},
		// Keys inside a flow mapping.
		{"spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", Position{Line: 20, Column: 40, EndLine: 20, EndColumn: 62}, "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds"},
		// A missing field resolves to its nearest existing ancestor.
		{"spec.containers[0].securityContext.runAsUser", Position{Line: 12, Column: 5, EndLine: 12, EndColumn: 6}, "spec.containers[0]"},
		{"spec.volumes[4].name", Position{Line: 16, Column: 3, EndLine: 16, EndColumn: 10}, "spec.volumes"},
		{"spec.containers[0].image.tag", Position{Line: 13, Column: 5, EndLine: 13, EndColumn: 17}, "spec.containers[0].image"},
		{"spec[0]", Position{Line: 10, Column: 1, EndLine: 10, EndColumn: 5}, "spec"},
		// The empty path and a missing top-level field point at "kind:".
		{"", Position{Line: 3, Column: 1, EndLine: 3, EndColumn: 5}, ""},
		{"status.phase", Position{Line: 3, Column: 1, EndLine: 3, EndColumn: 5}, ""},
	}
	for _, tt := range tests {
		got, found := o.Locate(tt.path)
		tt.want.File = StdinName
		if got != tt.want || found != tt.wantFound {
			t.Errorf("Locate(%q) = %#v, %q; want %#v, %q", tt.path, got, found, tt.want, tt.wantFound)
		}
	}
}

// TestLocateAfterOtherDocuments checks that positions are those of the file,
// not of the document.
func TestLocateAfterOtherDocuments(t *testing.T) {
	in := loadString(t, &Loader{}, "a: 1\n---\n# comment\n---\n"+locateDoc)
	if len(in.Objects) != 1 {
		t.Fatalf("got %d objects, want 1", len(in.Objects))
	}
	got, _ := in.Objects[0].Locate("metadata.name")
	if got.Line != 9 || got.EndLine != 9 || got.Column != 3 {
		t.Errorf("metadata.name at %+v, want line 9 column 3", got)
	}
}

func TestLocateThroughMergeKeysAndAliases(t *testing.T) {
	o := mustObject(t, `apiVersion: v1
kind: Pod
metadata:
  name: merged
  labels: &labels
    app: web
spec:
  <<: &base
    automountServiceAccountToken: false
    containers:
    - name: app
      image: app
  volumes:
  - name: a
    projected:
      sources:
      - serviceAccountToken: &token
          path: a
          expirationSeconds: 100
  - name: b
    projected:
      sources:
      - serviceAccountToken: *token
      - serviceAccountToken:
          <<: [*token, {audience: vault}]
          path: c
template:
  metadata:
    labels: *labels
`)
	tests := []struct {
		path      string
		line, col int
	}{
		// Fields merged in with "<<" are located in the merged mapping.
		{"spec.automountServiceAccountToken", 9, 5},
		{"spec.containers[0].image", 12, 7},
		// Keys set after the "<<" win over merged ones.
		{"spec.volumes", 13, 3},
		// An alias is located where it is used; what it names, at the anchor.
		{"spec.volumes[1].projected.sources[0].serviceAccountToken", 23, 9},
		{"spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds", 19, 11},
		// A merge of a list of mappings: the first one that sets a key wins;
		// a key set after the merge wins over all of them.
		{"spec.volumes[1].projected.sources[1].serviceAccountToken.expirationSeconds", 19, 11},
		{"spec.volumes[1].projected.sources[1].serviceAccountToken.audience", 25, 25},
		{"spec.volumes[1].projected.sources[1].serviceAccountToken.path", 26, 11},
		{"template.metadata.labels.app", 6, 5},
	}
	for _, tt := range tests {
		got, found := o.Locate(tt.path)
		if got.Line != tt.line || got.Column != tt.col || found != tt.path {
			t.Errorf("Locate(%q) = %d:%d (found %q), want %d:%d", tt.path, got.Line, got.Column, found, tt.line, tt.col)
		}
	}
	// The raw value agrees with what Locate finds.
	if v, ok := o.Lookup("spec.volumes[1].projected.sources[1].serviceAccountToken.path"); !ok || v != "c" {
		t.Errorf("merged path = %v, %v; want c", v, ok)
	}
	if v, ok := o.Lookup("spec.volumes[1].projected.sources[1].serviceAccountToken.expirationSeconds"); !ok || v != int64(100) {
		t.Errorf("merged expirationSeconds = %#v, %v; want 100", v, ok)
	}
}

func TestLookup(t *testing.T) {
	o := mustObject(t, locateDoc)
	tests := []struct {
		path string
		want any
		ok   bool
	}{
		{"metadata.name", "web", true},
		{"metadata.annotations[kubernetes.io/service-account.name]", "sa", true},
		{"metadata.annotations.note", "line one\n", true},
		{"spec.containers[1].image", "ünïcode", true},
		{"spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", int64(300), true},
		{"spec.containers[0]", map[string]any{"name": "app", "image": "nginx"}, true},
		{"spec.containers[2]", nil, false},
		{"spec.containers[-1]", nil, false},
		{"spec.containers.name", nil, false},
		{"spec[0]", nil, false},
		{"metadata.name.first", nil, false},
		{"status", nil, false},
	}
	for _, tt := range tests {
		got, ok := o.Lookup(tt.path)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%q) = %#v, %v; want %#v, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := o.Lookup(""); !ok || !reflect.DeepEqual(got, o.Raw) {
		t.Errorf("Lookup(\"\") = %v, %v; want the whole object", got, ok)
	}
	// A key set to null is present.
	o = mustObject(t, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: ~\n")
	if v, ok := o.Lookup("data.a"); !ok || v != nil {
		t.Errorf("Lookup(data.a) = %v, %v; want nil, true", v, ok)
	}
}

// TestLookupKeyMergeBomb checks that looking for a missing key through merges
// of merges searches each mapping once: 10^9 paths, 10 mappings.
func TestLookupKeyMergeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("m0: &m0 {a: 1}\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "m%d: &m%d {<<: [%s]}\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*m%d, ", i-1), 10), ", "))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	_, m9 := lookupKey(deref(&doc), "m9")
	if m9 == nil {
		t.Fatal("m9 not found")
	}
	start := time.Now()
	if k, _ := lookupKey(m9, "missing"); k != nil {
		t.Errorf("found a missing key at line %d", k.Line)
	}
	if k, v := lookupKey(m9, "a"); k == nil || k.Line != 1 || v.Value != "1" {
		t.Errorf("merged key a not found in m0")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

// TestLocateMergeAfterOwnKeys: a "<<" after the mapping's own keys overrides
// them, as kubectl reads it, and positions follow the value that is used.
func TestLocateMergeAfterOwnKeys(t *testing.T) {
	o := mustObject(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  automountServiceAccountToken: true
  <<: {automountServiceAccountToken: false, hostname: merged}
  hostname: own
`)
	for _, tt := range []struct {
		path      string
		line, col int
		value     any
	}{
		{"spec.automountServiceAccountToken", 6, 8, false},
		{"spec.hostname", 7, 3, "own"},
	} {
		if pos, _ := o.Locate(tt.path); pos.Line != tt.line || pos.Column != tt.col {
			t.Errorf("Locate(%q) = %d:%d, want %d:%d", tt.path, pos.Line, pos.Column, tt.line, tt.col)
		}
		if v, _ := o.Lookup(tt.path); v != tt.value {
			t.Errorf("Lookup(%q) = %v, want %v", tt.path, v, tt.value)
		}
	}
}
