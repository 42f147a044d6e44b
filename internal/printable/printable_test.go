package printable_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tokenlint/tokenlint/internal/printable"
)

func TestLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"web-7f9c", "web-7f9c"},
		{`C:\deploy\app.yaml`, `C:\deploy\app.yaml`},
		{"支付服务 café naïve Ωmega", "支付服务 café naïve Ωmega"},
		{"emoji ⚠️ ok", "emoji ⚠️ ok"},
		// ANSI: clear the screen, a colour, a cursor move, a title (OSC).
		{"evil\x1b[2J", `evil\x1b[2J`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\", `\x1b]8;;https://evil.example/\x1b\link\x1b]8;;\x1b\`},
		// Line breaks of every kind.
		{"shop\nforged.yaml:1:1: error TL201 forged", `shop\nforged.yaml:1:1: error TL201 forged`},
		{"a\r\nb\rc", `a\r\nb\rc`},
		{"a\u0085b\u2028c\u2029d", `a\u0085b\u2028c\u2029d`},
		{"tab\there", `tab\there`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		// C1 controls as characters, and the raw bytes (not UTF-8) that
		// 8-bit terminals read as CSI and OSC.
		{"csi\u009b2J", `csi\u009b2J`},
		{"raw\x9b2J\x9d", `raw\x9b2J\x9d`},
		{"bad\xff\xfe utf-8 \xe2\x82", `bad\xff\xfe utf-8 \xe2\x82`},
		// Bidirectional overrides and isolates (Trojan Source), marks.
		{"admin\u202egnp.exe", `admin\u202egnp.exe`},
		{"\u2066x\u2067y\u2068z\u2069", `\u2066x\u2067y\u2068z\u2069`},
		{"\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`},
		{"l\u200er\u200fa\u061c", `l\u200er\u200fa\u061c`},
		// Invisible characters that make two names look alike.
		{"de\u200bfault", `de\u200bfault`},
		{"\ufeffbom", `\ufeffbom`},
		{"soft\u00adhyphen", `soft\u00adhyphen`},
		{"hangul\u3164filler", `hangul\u3164filler`},
		{"tag\U000e0041", `tag\U000e0041`},
		{"non\ufffechar\U0010ffff", `non\ufffechar\U0010ffff`},
		// U+FFFD itself is a visible character.
		{"\ufffd", "\ufffd"},
	} {
		if got := printable.Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Finds things.\n\nFix:\tthis\n", "Finds things.\n\nFix:\tthis\n"},
		{"windows\r\nlines\r\n", "windows\nlines\n"},
		{"over\rwrite", `over\rwrite`},
		{"a\x1b[1Ab\n\u202ec", "a\\x1b[1Ab\n\\u202ec"},
		{"end\r", `end\r`},
	} {
		if got := printable.Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPrintableASCIIIsNotCopied(t *testing.T) {
	s := strings.Repeat("deploy/app.yaml:12:5: warning TL101 ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = printable.Line(s) }); n != 0 {
		t.Errorf("Line allocates %v times on printable ASCII", n)
	}
}

// check asserts what Line and Text promise for any input.
func check(t *testing.T, s string) {
	t.Helper()
	line, text := printable.Line(s), printable.Text(s)
	for name, out := range map[string]string{"Line": line, "Text": text} {
		if !utf8.ValidString(out) {
			t.Fatalf("%s(%q) = %q is not UTF-8", name, s, out)
		}
		for _, r := range out {
			if name == "Text" && (r == '\n' || r == '\t') {
				continue
			}
			if !printable.Safe(r) || unicode.IsControl(r) {
				t.Fatalf("%s(%q) = %q holds %U", name, s, out, r)
			}
		}
	}
	if printable.Line(line) != line || printable.Text(text) != text {
		t.Fatalf("escaping %q twice changes it: %q, %q", s, printable.Line(line), printable.Text(text))
	}
	if strings.Count(text, "\n") != strings.Count(s, "\n") {
		t.Fatalf("Text(%q) = %q has %d line feeds, the input %d", s, text, strings.Count(text, "\n"), strings.Count(s, "\n"))
	}
	// What is safe is kept: only escapes are added, in place of what was
	// not safe.
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !printable.Safe(r) }) < 0 && line != s {
		t.Fatalf("Line(%q) = %q changed safe text", s, line)
	}
	if len(line) < len(s) {
		t.Fatalf("Line(%q) = %q dropped something", s, line)
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"", "web", "evil\x1b[2J", "shop\nforged", "a\r\nb", "\u202e\u2066\u0085\u2028", "\xff\x9b", "支付 café",
		"\x1b]8;;https://x/\x1b\\", "\U000e0001", "\ufffe", "x\\x1b",
	} {
		f.Add(s)
	}
	f.Fuzz(check)
}

// FuzzWriter writes the input to a Writer in pieces cut at the fuzzed
// offsets: the output is Text of the whole, however it was cut.
func FuzzWriter(f *testing.F) {
	f.Add("hello\r\nworld\x1b[2J", uint8(6))
	f.Add("支付\u202e\r", uint8(1))
	f.Add("\xe2\x82\xac\xff", uint8(2))
	f.Fuzz(func(t *testing.T, s string, step uint8) {
		var out bytes.Buffer
		w := printable.NewWriter(&out)
		n := int(step%8) + 1
		for i := 0; i < len(s); i += n {
			chunk := []byte(s[i:min(i+n, len(s))])
			if got, err := w.Write(chunk); err != nil || got != len(chunk) {
				t.Fatalf("Write = %d, %v", got, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if want := printable.Text(s); out.String() != want {
			t.Fatalf("written in pieces of %d: %q, want %q", n, out.String(), want)
		}
	})
}
