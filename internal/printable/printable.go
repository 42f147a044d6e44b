// Package printable makes untrusted text safe to show: names, namespaces,
// file names, messages and suppression reasons from manifests, charts and
// policies that tokenlint prints to a terminal, a CI log or a report read by
// people.
//
// Line escapes every character that could act on a terminal or change how a
// line reads into a visible form: C0 and C1 control characters (among them
// ESC, so no ANSI CSI or OSC sequence survives, CR, LF, NEL and TAB) and DEL
// as \n, \r, \t or \x1b; the line and paragraph separators, the bidirectional
// embeddings, overrides and isolates and the other invisible format
// characters (Unicode's Cf and default-ignorable code points), and the
// noncharacters, as \u2028, \u202e or \U000e0001; and each byte that is not
// UTF-8 as \xff. Everything else, CJK and accented letters among it, is kept
// as it is. Text does the same but keeps line feeds and tabs, for text that
// tokenlint lays out on several lines itself (a rule's documentation, an
// error listing several problems); Writer applies Text to a stream.
//
// Backslashes are kept as they are: the output shows what the input held
// without letting it act, and escaping is idempotent (Line(Line(s)) ==
// Line(s)), so text escaped by one layer can pass through another. Colours
// tokenlint adds itself are added after escaping.
package printable

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s escaped to stay on one line: no control character, line
// break or invisible format character is left in it.
func Line(s string) string { return escape(s, false) }

// Text returns s escaped like Line, except that line feeds and tabs are
// kept (a CR before a line feed is dropped).
func Text(s string) string { return escape(s, true) }

// Safe reports whether r is shown as itself by Line.
func Safe(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return false
	case r < 0x7f:
		return true
	case r < 0xa0: // C1 controls, NEL (U+0085) among them
		return false
	case r == utf8.RuneError:
		return true // U+FFFD itself; an invalid byte is escaped by the caller
	case r > unicode.MaxRune:
		return false
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe: // noncharacters
		return false
	}
	return !unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Other_Default_Ignorable_Code_Point)
}

func escape(s string, multiline bool) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s // the usual case: printable ASCII
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case multiline && (c == '\n' || c == '\t'):
				b.WriteByte(c)
			case multiline && c == '\r' && i < len(s) && s[i] == '\n':
				// CRLF is a line break: keep the LF alone.
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			default:
				writeByte(&b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByte(&b, c)
		case Safe(r):
			b.WriteString(s[i : i+size])
		case r <= 0xffff:
			b.WriteString(`\u`)
			writeHex(&b, uint32(r), 4)
		default:
			b.WriteString(`\U`)
			writeHex(&b, uint32(r), 8)
		}
		i += size
	}
	return b.String()
}

func writeByte(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	writeHex(b, uint32(c), 2)
}

func writeHex(b *strings.Builder, v uint32, digits int) {
	h := strconv.FormatUint(uint64(v), 16)
	for range digits - len(h) {
		b.WriteByte('0')
	}
	b.WriteString(h)
}

// Writer writes what is written to it through Text. A character split
// between two writes is escaped as a whole, so the output is Text of
// everything written, however it was cut; Flush writes what a last write
// left incomplete.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes and writes p, holding back a trailing incomplete UTF-8
// sequence, or a CR that may start a CRLF, until the next write.
func (w *Writer) Write(p []byte) (int, error) {
	buf := append(w.pending, p...)
	cut := len(buf)
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	if cut == len(buf) && cut > 0 && buf[cut-1] == '\r' {
		cut--
	}
	out := Text(string(buf[:cut]))
	w.pending = append(w.pending[:0], buf[cut:]...)
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back.
func (w *Writer) Flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	out := Text(string(w.pending))
	w.pending = w.pending[:0]
	_, err := io.WriteString(w.w, out)
	return err
}
