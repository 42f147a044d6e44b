package printers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
)

// referencePrune is pruneSARIF as it was first written, on a json.Decoder's
// tokens: slow, but plainly right. pruneSARIF must write the same bytes.
func referencePrune(raw []byte, keep map[string]bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(len(raw))
	if _, err := referenceValue(dec, &out, keep); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("sarif: trailing data after the report")
	}
	return out.Bytes(), nil
}

// pruneValue copies one JSON value to out, pruned, and reports whether it
// is empty (null, {} or []). A member it drops is written, then cut off.
func referenceValue(dec *json.Decoder, out *bytes.Buffer, keep map[string]bool) (empty bool, err error) {
	tok, err := dec.Token()
	if err != nil {
		return false, err
	}
	switch t := tok.(type) {
	case json.Delim:
		object := t == '{'
		out.WriteByte(byte(t))
		n := 0
		for dec.More() {
			mark := out.Len()
			if n > 0 {
				out.WriteByte(',')
			}
			key := ""
			if object {
				kt, err := dec.Token()
				if err != nil {
					return false, err
				}
				key = kt.(string)
				out.Write(referenceString(key))
				out.WriteByte(':')
			}
			start := out.Len()
			empty, err := referenceValue(dec, out, keep)
			if err != nil {
				return false, err
			}
			if object && ((empty && !(keep[key] && out.Bytes()[start] == '[')) || (placeholderKeys[key] && string(out.Bytes()[start:]) == "-1")) {
				out.Truncate(mark)
				continue
			}
			n++
		}
		end, err := dec.Token()
		if err != nil {
			return false, err
		}
		out.WriteByte(byte(end.(json.Delim)))
		return n == 0, nil
	case nil:
		out.WriteString("null")
		return true, nil
	case string:
		out.Write(referenceString(t))
	case json.Number:
		out.WriteString(t.String())
	case bool:
		out.WriteString(strconv.FormatBool(t))
	default:
		return false, fmt.Errorf("sarif: unexpected JSON token %v", tok)
	}
	return false, nil
}

// jsonString encodes a string as JSON without escaping <, > and &.
func referenceString(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func FuzzPruneSARIF(f *testing.F) {
	for _, s := range []string{
		`{"attachments":null,"codeFlows":[],"kind":"fail","locations":[{"id":-1,"message":{"text":"a <b> & c"}}],"rank":-1,"ruleIndex":0}`,
		`{"results":[],"runs":[{"results":[],"invocations":[{"toolExecutionNotifications":[]}]}]}`,
		`[1,2.5e-7,true,false,null,"\u003c\\u003c\u2028\ud83d\ude00",{},[]]`,
		`{"a":{"b":{"c":{}}},"length":-1,"index":0}`,
		`"plain"`, `-1`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// pruneSARIF reads what json.Marshal writes: whatever the
		// fuzzer's JSON holds, marshalled again.
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, keep := range []map[string]bool{nil, {"results": true, "toolExecutionNotifications": true}} {
			got, err := pruneSARIF(raw, keep)
			if err != nil {
				t.Fatalf("pruneSARIF(%s): %v", raw, err)
			}
			want, err := referencePrune(raw, keep)
			if err != nil {
				t.Fatalf("referencePrune(%s): %v", raw, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("pruneSARIF(%s) =\n%s\nwant\n%s", raw, got, want)
			}
			if !json.Valid(got) {
				t.Fatalf("pruneSARIF(%s) = %s is not JSON", raw, got)
			}
		}
		// Bytes that are not what Marshal writes are an error or JSON,
		// never a panic.
		if out, err := pruneSARIF(data, nil); err == nil && !json.Valid(out) && json.Valid(data) {
			t.Fatalf("pruneSARIF(%q) = %q is not JSON", data, out)
		}
	})
}

func TestPruneSARIFRejectsMalformedJSON(t *testing.T) {
	for _, s := range []string{``, `{`, `{"a"`, `{"a":}`, `{"a":1,}`, `[1 2]`, `"abc`, `"\u00`, `nul`, `{"a":1}x`, `{1:2}`} {
		if out, err := pruneSARIF([]byte(s), nil); err == nil {
			t.Errorf("pruneSARIF(%q) = %q, want an error", s, out)
		}
	}
}
