package analyzer

import (
	"strconv"
	"strings"
)

// A field path names a field in Kubernetes' own notation:
// "spec.template.spec.volumes[0].projected.sources[1].serviceAccountToken".
// A map key that contains dots is written in brackets:
// "metadata.annotations[kubernetes.io/service-account.name]".

// segment is one step of a field path: a map key or a list index.
type segment struct {
	key   string
	index int // valid when isIndex
	isIdx bool
}

// parsePath splits a field path into segments. It is lenient: an empty path
// has no segments and an unterminated bracket ends the path.
func parsePath(p string) []segment {
	var segs []segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
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

// JoinPath appends a map key to a field path, bracketing keys that contain
// dots or brackets so that the result parses back to the same segments.
func JoinPath(prefix, key string) string {
	if strings.ContainsAny(key, ".[]") {
		return prefix + "[" + key + "]"
	}
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// IndexPath appends a list index to a field path.
func IndexPath(prefix string, i int) string {
	return prefix + "[" + strconv.Itoa(i) + "]"
}
