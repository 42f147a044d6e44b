package analyzer

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
)

// decodeFast decodes a JSON-shaped value (map[string]any, []any, string,
// int64, float64, bool, nil, as the loader makes them) into dv, a settable
// value of a k8s.io/api type, as runtime.DefaultUnstructuredConverter's
// FromUnstructured would when it succeeds, and reports whether it could.
// It walks the value's keys rather than every field of every struct, which
// is what makes the converter slow on sparse objects (a container sets a
// few of its forty fields). Anything it is not sure of (an integer out of
// its field's range, a fraction for an integer, a value of the wrong type,
// an interface field) makes it give up, and the caller takes the
// converter's and the JSON decoder's slower paths, which say what is wrong.
func decodeFast(v any, dv reflect.Value) bool {
	if v == nil {
		dv.SetZero()
		return true
	}
	t := dv.Type()
	switch t.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if ok {
			dv.SetString(s)
		}
		return ok
	case reflect.Bool:
		b, ok := v.(bool)
		if ok {
			dv.SetBool(b)
		}
		return ok
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(int64)
		if !ok || dv.OverflowInt(n) {
			return false
		}
		dv.SetInt(n)
		return true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(int64)
		if !ok || n < 0 || dv.OverflowUint(uint64(n)) {
			return false
		}
		dv.SetUint(uint64(n))
		return true
	case reflect.Float64:
		switch n := v.(type) {
		case int64:
			dv.SetFloat(float64(n))
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return false
			}
			dv.SetFloat(n)
		default:
			return false
		}
		return true
	}
	info := typeInfoOf(t)
	if info.unmarshaler {
		// Quantity, Time, IntOrString, RawExtension: as the converter
		// does, through their JSON.
		data, err := json.Marshal(v)
		if err != nil {
			return false
		}
		return dv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data) == nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if !decodeFast(v, p.Elem()) {
			return false
		}
		dv.Set(p)
		return true
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok || info.fields == nil {
			return false
		}
		for k, e := range m {
			if path, ok := info.fields[k]; ok && !decodeFast(e, dv.FieldByIndex(path)) {
				return false
			}
		}
		return true
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return false
		}
		out := reflect.MakeMapWithSize(t, len(m))
		elem := reflect.New(t.Elem()).Elem()
		for k, e := range m {
			elem.SetZero()
			if !decodeFast(e, elem) {
				return false
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), elem)
		}
		dv.Set(out)
		return true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			// Bytes are written in base64, as in JSON.
			s, ok := v.(string)
			if !ok {
				return false
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return false
			}
			dv.SetBytes(b)
			return true
		}
		l, ok := v.([]any)
		if !ok {
			return false
		}
		out := reflect.MakeSlice(t, len(l), len(l))
		for i, e := range l {
			if !decodeFast(e, out.Index(i)) {
				return false
			}
		}
		dv.Set(out)
		return true
	}
	return false
}

// typeInfo is what decodeFast knows of a type.
type typeInfo struct {
	// unmarshaler is set for a type that decodes itself from JSON.
	unmarshaler bool
	// fields are a struct's fields by JSON name, inline structs'
	// included, each the index path to it; nil for a struct decodeFast
	// leaves to the converter (one inlining a pointer).
	fields map[string][]int
	// types are the types of the fields, by JSON name.
	types map[string]reflect.Type
}

var typeInfos sync.Map // reflect.Type → *typeInfo

func typeInfoOf(t reflect.Type) *typeInfo {
	if info, ok := typeInfos.Load(t); ok {
		return info.(*typeInfo)
	}
	info := &typeInfo{unmarshaler: reflect.PointerTo(t).Implements(jsonUnmarshaler)}
	if t.Kind() == reflect.Struct && !info.unmarshaler {
		info.fields = map[string][]int{}
		if !addFields(info.fields, t, nil, map[string]int{}) {
			info.fields = nil
		}
		info.types = make(map[string]reflect.Type, len(info.fields))
		for name, idx := range info.fields {
			info.types[name] = t.FieldByIndex(idx).Type
		}
	}
	typeInfos.Store(t, info)
	return info
}

// addFields adds the fields of struct type t at index path prefix, as
// encoding/json names them: the tag's name, else the Go name; an
// anonymous struct without a name, or ",inline", is inlined, and a name
// already taken at a shallower depth keeps its field. It reports false for
// a struct decodeFast cannot decode field by field.
func addFields(fields map[string][]int, t reflect.Type, prefix []int, depth map[string]int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		raw := f.Tag.Get("json")
		if raw == "-" {
			continue
		}
		tag, opts, _ := strings.Cut(raw, ",")
		path := append(append([]int{}, prefix...), i)
		inline := (tag == "" && f.Anonymous) || strings.Contains(","+opts+",", ",inline,")
		if inline {
			if f.Type.Kind() != reflect.Struct {
				return false
			}
			if !addFields(fields, f.Type, path, depth) {
				return false
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		name := tag
		if name == "" {
			name = f.Name
		}
		if d, taken := depth[name]; taken && d <= len(path) {
			if d == len(path) {
				return false // ambiguous: encoding/json would drop both
			}
			continue
		}
		fields[name], depth[name] = path, len(path)
	}
	return true
}
