package analyzer

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestSyntaxErrorPositions checks the line and column of syntax errors:
// the token that breaks a mapping or a list, not where it starts; an error
// the v3 parser names no line for; the opening bracket of a flow
// collection left open.
func TestSyntaxErrorPositions(t *testing.T) {
	block := strings.Repeat("    line of a script\n", 300)
	tests := []struct {
		name      string
		text      string
		line, col int
		message   string
	}{
		{"list item in a mapping", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n  - c\n", 5, 3,
			`^invalid YAML: did not find expected key \(in the mapping that starts at line 4\)$`},
		{"key indented less than its mapping", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n labels: {}\n", 5, 2,
			`^invalid YAML: did not find expected key \(in the mapping that starts at line 1\)$`},
		{"key among list items", "items:\n  - a\n  - b\n  c: d\n", 4, 3,
			`^invalid YAML: did not find expected '-' indicator \(in the list that starts at line 2\)$`},
		// Found far beyond where the mapping starts: after a long block
		// scalar, the line that breaks it.
		{"far from the mapping's start", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  script: |\n" + block + "  other: v\n  - broken\n", 308, 3,
			`^invalid YAML: did not find expected key \(in the mapping that starts at line 6\)$`},
		{"double comma in flow", `{"apiVersion": "v1", "kind": "Pod",, "x": 1}` + "\n", 1, 36,
			`^invalid YAML: did not find expected node content$`},
		{"unclosed flow mapping", "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: {}\n", 3, 11,
			`^invalid YAML: did not find expected ',' or '}'$`},
		{"undefined tag handle", "apiVersion: v1\nkind: Pod\nmetadata: !foo!bar x\n", 3, 11,
			`^invalid YAML: found undefined tag handle$`},
		{"unterminated string", "apiVersion: v1\nkind: ConfigMap\ndata:\n  key: \"never closed\n", 4, 8,
			`^invalid YAML: found unexpected end of stream$`},
		{"unknown anchor", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: *nowhere\n", 4, 6,
			`^invalid YAML: unknown anchor 'nowhere' referenced$`},
		{"missing colon", "apiVersion: v1\nkind: ConfigMap\nname\ndata: {}\n", 3, 1,
			`^invalid YAML: could not find expected ':'$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := loadString(t, &Loader{}, "# a comment first, so lines are the file's\n"+tt.text)
			if len(in.Problems) != 1 {
				t.Fatalf("got %d problems, want 1: %+v", len(in.Problems), in.Problems)
			}
			p := in.Problems[0]
			if p.Position.Line != tt.line+1 || p.Position.Column != tt.col || !regexp.MustCompile(adjustLines(tt.message)).MatchString(p.Message) {
				t.Errorf("got %d:%d %q, want %d:%d /%s/", p.Position.Line, p.Position.Column, p.Message, tt.line+1, tt.col, adjustLines(tt.message))
			}
		})
	}
}

// adjustLines adds the comment line the test puts first to the line a
// message names.
func adjustLines(pattern string) string {
	return regexp.MustCompile(`starts at line (\d+)`).ReplaceAllStringFunc(pattern, func(s string) string {
		var n int
		fmt.Sscanf(s, "starts at line %d", &n)
		return fmt.Sprintf("starts at line %d", n+1)
	})
}

// TestBadCharacterPositions reports invalid UTF-8 and characters YAML does
// not allow at their own line and column, in a later document of the file,
// after multi-byte characters and every kind of line break.
func TestBadCharacterPositions(t *testing.T) {
	head := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n"
	tests := []struct {
		name, text string
		line, col  int
		message    string
	}{
		{"NUL", "  greeting: héllo\n  key: a\x00b\n", 12, 9, `^invalid YAML: control characters are not allowed: a NUL byte \(U\+0000\)$`},
		{"bell", "  key: \"ring \x07\"\n", 11, 14, `^invalid YAML: control characters are not allowed: control character U\+0007$`},
		{"invalid leading byte", "  a: 1\n  b: \xff\xfe\n", 12, 6, `^invalid YAML: invalid leading UTF-8 octet: byte 0xff is not UTF-8$`},
		{"truncated sequence", "  a: 1\r\n  b: caf\xc3\n", 12, 9, `^invalid YAML: .*UTF-8.*: byte 0xc3 is not UTF-8$`},
		{"bad trailing byte", "  a: \u00e9\u2028x\n  b: \xe2\x28\xa1\n", 13, 6, `^invalid YAML: .*UTF-8.*: byte 0xe2 is not UTF-8$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := loadString(t, &Loader{}, head+tt.text)
			if len(in.Objects) != 1 || in.Objects[0].Name != "ok" {
				t.Errorf("objects %+v, want the good document's", in.Objects)
			}
			if len(in.Problems) != 1 {
				t.Fatalf("got %d problems, want 1: %+v", len(in.Problems), in.Problems)
			}
			p := in.Problems[0]
			if p.Position.Line != tt.line || p.Position.Column != tt.col || !regexp.MustCompile(tt.message).MatchString(p.Message) {
				t.Errorf("got %d:%d %q, want %d:%d /%s/", p.Position.Line, p.Position.Column, p.Message, tt.line, tt.col, tt.message)
			}
		})
	}
}

// allocated is the number of bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLocatingASyntaxErrorCostsAParse counts the bytes allocated loading a
// document whose mapping breaks 150 lines after it starts, past a large
// block scalar, against the same document without the mistake: locating
// the error costs about one more parse. It once parsed a growing prefix
// per line, 150 parses of the whole block.
func TestLocatingASyntaxErrorCostsAParse(t *testing.T) {
	block := strings.Repeat("    "+strings.Repeat("x", 75)+"\n", 5000)
	keys := ""
	for i := range 150 {
		keys += fmt.Sprintf("  key%d: value\n", i)
	}
	doc := "apiVersion: v1\nkind: ConfigMap\ndata:\n  big: |\n" + block + "metadata:\n" + keys
	good := doc + "  name: fine\n"
	bad := doc + "  - not a key\n"
	load := func(text string) func() {
		return func() {
			in := loadString(t, &Loader{}, text)
			if text == bad && (len(in.Problems) != 1 || in.Problems[0].Position.Line != 5005+151) {
				t.Fatalf("problems %+v, want one at line %d", in.Problems, 5005+151)
			}
		}
	}
	load(good)() // warm up
	base := allocated(load(good))
	cost := allocated(load(bad))
	t.Logf("loading allocates %d bytes, %d with the error (%.1f×)", base, cost, float64(cost)/float64(base))
	if cost > 4*base {
		t.Errorf("locating the error allocates %d bytes, %.1f times the %d of loading the document without it", cost, float64(cost)/float64(base), base)
	}
}
