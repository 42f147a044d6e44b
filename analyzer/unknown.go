package analyzer

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
)

// unknownField is a key of an object of a known kind that its Kubernetes
// type has no field for, and the field it most likely misspells.
type unknownField struct {
	path  string // the key's field path
	key   string
	meant string
}

// unknownFields finds the keys of v (at path, decoded into type t) that
// are not fields of their struct but are within a typo of one: the API
// server rejects unknown fields (kubectl's strict field validation, its
// default), while decoding drops them, so `audiance: vault` would pass
// for a projected token without an audience. A key close to no field is
// left alone: it may be a field of a Kubernetes release newer than
// tokenlint's API types.
func unknownFields(v any, t reflect.Type, path []segment, out *[]unknownField) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		info := typeInfoOf(t)
		if !ok || info.unmarshaler || info.fields == nil {
			return
		}
		for k, e := range m {
			if ft, ok := info.types[k]; ok {
				if composite(e) {
					unknownFields(e, ft, append(path, segment{key: k}), out)
				}
				continue
			}
			if len(*out) >= maxTypeErrors {
				return
			}
			if meant := closestField(k, info.fields); meant != "" {
				*out = append(*out, unknownField{path: joinSegments(append(path, segment{key: k})), key: k, meant: meant})
			}
		}
	case reflect.Slice:
		if l, ok := v.([]any); ok {
			for i, e := range l {
				if composite(e) {
					unknownFields(e, t.Elem(), append(path, segment{index: i, isIdx: true}), out)
				}
			}
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				if composite(e) {
					unknownFields(e, t.Elem(), append(path, segment{key: k}), out)
				}
			}
		}
	}
}

// composite reports whether a value is a mapping or a list, the only
// values that can hold keys.
func composite(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// closestField is the field a key misspells: one spelt the same but for
// case, else one within a quarter of its length in edits (at least one);
// "" when none is, or when two are equally close.
func closestField(key string, fields map[string][]int) string {
	best, bestDist, tie := "", 0, false
	for name := range fields {
		if strings.EqualFold(name, key) {
			return name
		}
		if within := max(1, len(name)/4); len(key) > len(name)+within || len(key) < len(name)-within {
			continue // farther than that in length alone: no need to count the edits
		}
		d := levenshtein.ComputeDistance(key, name)
		if d > max(1, len(name)/4) {
			continue
		}
		switch {
		case best == "" || d < bestDist:
			best, bestDist, tie = name, d, false
		case d == bestDist:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// checkFields records the object's unknown fields under path, of type t,
// as field problems, in path order.
func (o *Object) checkFields(v any, t reflect.Type, path string) {
	var found []unknownField
	unknownFields(v, t, parsePath(path), &found)
	slices.SortFunc(found, func(a, b unknownField) int { return strings.Compare(a.path, b.path) })
	for _, u := range found {
		o.addFieldProblem(fieldError{path: u.path, msg: fmt.Sprintf("unknown field %q (did you mean %q?). kubectl refuses a field its API does not know "+
			"(strict field validation, its default), and tokenlint ignores it", u.key, u.meant)})
		o.typos = append(o.typos, u)
	}
}

// Misspelt reports whether the object has an unknown field that misspells
// the field at path ("automountServiceAccountToken"), and where: for a
// rule whose finding on another object this object decides, to say so.
func (o *Object) Misspelt(path string) (key string, at Position, ok bool) {
	path = canonicalPath(path)
	for _, u := range o.typos {
		if canonicalPath(JoinPath(parentPath(u.path), u.meant)) == path {
			at, _ := o.Locate(u.path)
			return u.key, at, true
		}
	}
	return "", Position{}, false
}

// parentPath is the field path of the mapping holding the key at path.
func parentPath(path string) string {
	segs := parsePath(path)
	if len(segs) == 0 {
		return ""
	}
	return joinSegments(segs[:len(segs)-1])
}

// typoNote is what a finding of a rule adds when a misspelt field of the
// object may be what it is about: a key under the finding's field that
// misspells a field its message names. "" when there is none.
func (o *Object) typoNote(f *Finding) string {
	var notes []string
	for _, u := range o.typos {
		under := f.Path == "" || strings.HasPrefix(u.path, f.Path+".") || strings.HasPrefix(u.path, f.Path+"[")
		if under && strings.Contains(f.Message, u.meant) {
			pos, _ := o.Locate(u.path)
			notes = append(notes, fmt.Sprintf("%q on line %d is not a field: if it is a misspelt %q, this finding is what it causes", u.key, pos.Line, u.meant))
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}
