package analyzer

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// fuzzSegments turns fuzz input into path segments: parts separated by NUL,
// a part that is "\x01" and an integer being a list index, any other part a
// key (so keys hold every byte but NUL, and keys of digits too).
func fuzzSegments(s string) []segment {
	if s == "" {
		return nil
	}
	var segs []segment
	for _, part := range strings.Split(s, "\x00") {
		if rest, ok := strings.CutPrefix(part, "\x01"); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				segs = append(segs, segment{index: n, isIdx: true})
				continue
			}
		}
		segs = append(segs, segment{key: part})
	}
	return segs
}

// FuzzPathRoundTrip checks that for any list of segments, the path JoinPath
// and IndexPath write parses back to the same segments, and that
// canonicalPath leaves it as it is.
func FuzzPathRoundTrip(f *testing.F) {
	for _, s := range []string{
		"spec\x00template\x00spec\x00volumes\x00\x010\x00projected",
		"metadata\x00annotations\x00kubernetes.io/service-account.name",
		"metadata\x00annotations\x00x]y.z",
		"data\x00\x00\x00\x01-1",
		"a\x00[0]\x00\"quoted\"\x00back\\slash\x00\"]",
		"\x01007\x00007\x001.5\x00\x01+3",
		"line\nbreak\x00\u2028\u0085\u202e\x00\x1b[2J\x00\xff\xfe",
		"[\"a.b\"]\x00[a.b]\x00.\x00..\x00[",
		"k8s.io/a[b\x00weird[key\x00it's",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs := fuzzSegments(s)
		p := ""
		for _, seg := range segs {
			if seg.isIdx {
				p = IndexPath(p, seg.index)
			} else {
				p = JoinPath(p, seg.key)
			}
		}
		if got := parsePath(p); !reflect.DeepEqual(got, segs) {
			t.Fatalf("segments %+v wrote path %q, which parses to %+v", segs, p, got)
		}
		if c := canonicalPath(p); c != p {
			t.Fatalf("path %q written by JoinPath is not canonical: %q", p, c)
		}
		if j := joinSegments(segs); j != p {
			t.Fatalf("joinSegments(%+v) = %q, JoinPath wrote %q", segs, j, p)
		}
	})
}

// FuzzParsePath feeds any string to parsePath, as a policy's deny result may
// hold any: it never panics, and the canonical spelling of what it read
// reads back to the same segments (so printing a path never changes the
// field it names).
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"", ".", "..", "[", "]", "[]", "[[", "[\"", "[\"\"]", "[\"\\\"]", "[\"\\\"\"]",
		"spec.template.spec.volumes[0].projected.sources[1].serviceAccountToken",
		"metadata.annotations[kubernetes.io/service-account.name]",
		`metadata.annotations["x]y.z"]`,
		`a["k8s.io\/x"]["\ud83d\ude00"]`,
		`a["\xff"]`, "a[\"\xff\"]", `a["\ud800"]`, "a[-9223372036854775808]", "a[99999999999999999999]",
		"a..b[0", "a.[b.c", `a["b"c].d`, "a[0]b", "[a.b][0][c]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		segs := parsePath(p)
		c := canonicalPath(p)
		if got := parsePath(c); !reflect.DeepEqual(got, segs) {
			t.Fatalf("%q parses to %+v, its canonical form %q to %+v", p, segs, c, got)
		}
		if cc := canonicalPath(c); cc != c {
			t.Fatalf("canonicalPath is not idempotent: %q, then %q", c, cc)
		}
		if len(segs) > len(p) {
			t.Fatalf("%q: %d segments from %d bytes", p, len(segs), len(p))
		}
	})
}
