package analyzer

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A field path names a field in Kubernetes' own notation:
// "spec.template.spec.volumes[0].projected.sources[1].serviceAccountToken".
// Every path is unambiguous: each step is one of
//
//   - a key, after a dot (none before the first): "spec.volumes". A key is
//     written so when it holds none of `.`, `[`, `]`, `"`, `\` and no
//     character that does not print (controls, line and paragraph
//     separators, BIDI and other format characters, invalid UTF-8);
//   - a key that holds dots but none of the other characters, in brackets,
//     as Kubernetes writes map keys:
//     "metadata.annotations[kubernetes.io/service-account.name]";
//   - any other key (empty, or holding a bracket, a quote, a backslash or a
//     character that does not print), as a double-quoted string in
//     brackets, with the escapes of Go and JSON strings:
//     `metadata.annotations["x]y.z"]`, `data["a\nb"]`, `labels[""]`;
//   - a list index, a decimal integer in brackets: "volumes[0]".
//
// JoinPath and IndexPath write paths so, and parsePath reads them back to
// the same steps, whatever the keys. parsePath is lenient with what people
// and policies write: a quoted key in brackets may be any key (`["app"]`),
// JSON escapes (`\/`, surrogate pairs) are read as JSON reads them, doubled
// dots are skipped, and a bracket that is not closed ends the path.

// segment is one step of a field path: a map key or a list index.
type segment struct {
	key   string
	index int // valid when isIdx
	isIdx bool
}

// parsePath splits a field path into segments. It is lenient: an empty path
// has no segments, doubled dots are skipped and an unterminated bracket ends
// the path. Brackets that do not open a quoted key keep the form paths had
// before keys were quoted: everything up to the next "]" is the key (or the
// index, when it is an integer), so every path written before still names
// the same field.
func parsePath(p string) []segment {
	var segs []segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			if key, n, ok := quotedKey(p[i:]); ok {
				segs = append(segs, segment{key: key})
				i += n
				continue
			}
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return segs
			}
			inner := p[i+1 : i+end]
			if n, err := strconv.Atoi(inner); err == nil {
				segs = append(segs, segment{index: n, isIdx: true})
			} else {
				segs = append(segs, segment{key: inner})
			}
			i += end + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			segs = append(segs, segment{key: p[i:j]})
			i = j
		}
	}
	return segs
}

// quotedKey reads a `["..."]` step at the start of p: the key and the
// length of the step. ok is false when p does not start with one.
func quotedKey(p string) (key string, n int, ok bool) {
	if len(p) < 4 || p[1] != '"' {
		return "", 0, false
	}
	// The closing quote is the first one no backslash escapes.
	end := -1
	for j := 2; j < len(p); j++ {
		if p[j] == '\\' {
			j++
			continue
		}
		if p[j] == '"' {
			end = j
			break
		}
	}
	if end < 0 || end+1 >= len(p) || p[end+1] != ']' {
		return "", 0, false
	}
	lit := p[1 : end+1]
	if s, err := strconv.Unquote(lit); err == nil {
		return s, end + 2, true
	}
	// JSON's escapes that Go's lack: `\/` and surrogate pairs, as a policy
	// that writes a key with json.marshal, or a person, may give them.
	var s string
	if err := json.Unmarshal([]byte(lit), &s); err == nil {
		return s, end + 2, true
	}
	return "", 0, false
}

// JoinPath appends a map key to a field path, bracketing keys that hold
// dots and quoting keys that need it, so that the result parses back to the
// same segments.
func JoinPath(prefix, key string) string {
	return string(appendSegment([]byte(prefix), segment{key: key}))
}

// IndexPath appends a list index to a field path.
func IndexPath(prefix string, i int) string {
	return prefix + "[" + strconv.Itoa(i) + "]"
}

// canonicalPath is a path written as JoinPath and IndexPath write it: the
// same segments, so the same field, in one spelling. A policy may write
// `metadata.annotations["example.com/team"]`; its finding shows
// "metadata.annotations[example.com/team]", as a Go rule's would.
func canonicalPath(p string) string { return joinSegments(parsePath(p)) }

// joinSegments writes segments as a path, in time linear in its length.
func joinSegments(segs []segment) string {
	var b []byte
	for _, s := range segs {
		b = appendSegment(b, s)
	}
	return string(b)
}

// appendSegment appends one step to the path in b.
func appendSegment(b []byte, s segment) []byte {
	if s.isIdx {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(s.index), 10)
		return append(b, ']')
	}
	switch keyForm(s.key) {
	case bareKey:
		if len(b) > 0 {
			b = append(b, '.')
		}
		return append(b, s.key...)
	case bracketedKey:
		b = append(b, '[')
		b = append(b, s.key...)
		return append(b, ']')
	}
	b = append(b, '[')
	b = strconv.AppendQuote(b, s.key)
	return append(b, ']')
}

const (
	bareKey = iota
	bracketedKey
	quotedKeyForm
)

// keyForm is how a key is written in a path (see the syntax above).
func keyForm(key string) int {
	if key == "" {
		return quotedKeyForm
	}
	form := bareKey
	for i := 0; i < len(key); {
		c := key[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '.':
				form = bracketedKey
			case c == '[' || c == ']' || c == '"' || c == '\\' || c < 0x20 || c == 0x7f:
				return quotedKeyForm
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(key[i:])
		if r == utf8.RuneError && size == 1 || !unicode.IsPrint(r) {
			return quotedKeyForm
		}
		i += size
	}
	return form
}
