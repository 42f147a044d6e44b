package analyzer

import (
	"reflect"
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
