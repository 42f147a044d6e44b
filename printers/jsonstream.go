package printers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// The JSON and SARIF printers stream: a report of 300,000 findings would
// otherwise be built as one value, marshalled, and indented, several copies
// of hundreds of megabytes at once. Each writes its document's envelope (the
// tool, the summary; SARIF's catalog and invocation) as one small indented
// JSON document whose long arrays are left empty, then writeStreamed copies
// it, filling each of those arrays with items marshalled one at a time. The
// bytes are those the whole document, indented by two spaces a level, would
// have had.

// streamedArray is an array of the envelope to fill: the member key, and n
// items, each item(i) compact JSON.
type streamedArray struct {
	key  string
	n    int
	item func(i int) ([]byte, error)
}

// streamBufferSize is the buffer between the printers and their output: a
// write system call for every few hundred findings.
const streamBufferSize = 256 << 10

// writeStreamed writes envelope, an indented JSON document, to w with the
// arrays filled in order. Each must be in the envelope once, empty, as a
// member on a line of its own ("key": []). A JSON string cannot hold a raw
// line break, so that line cannot be the text of a value.
func writeStreamed(w io.Writer, envelope []byte, arrays ...streamedArray) error {
	bw := bufio.NewWriterSize(w, streamBufferSize)
	rest := envelope
	var buf bytes.Buffer
	for _, a := range arrays {
		at, indent, err := findEmptyMember(rest, a.key)
		if err != nil {
			return err
		}
		open := at + len(a.key) + len(`"": [`)
		bw.Write(rest[:open])
		rest = rest[open+1:] // past the "]"
		itemIndent := indent + "  "
		for i := range a.n {
			raw, err := a.item(i)
			if err != nil {
				return err
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n" + itemIndent)
			buf.Reset()
			if err := json.Indent(&buf, raw, itemIndent, "  "); err != nil {
				return err
			}
			bw.Write(buf.Bytes())
		}
		if a.n > 0 {
			bw.WriteString("\n" + indent)
		}
		bw.WriteByte(']')
	}
	bw.Write(rest)
	return bw.Flush()
}

// findEmptyMember finds the one line of doc that is `"key": []` after its
// indentation, and returns where the key's quote is and the indentation.
func findEmptyMember(doc []byte, key string) (at int, indent string, err error) {
	member := []byte(`"` + key + `": []`)
	at = -1
	for off := 0; ; {
		i := bytes.Index(doc[off:], member)
		if i < 0 {
			break
		}
		i += off
		off = i + len(member)
		start := bytes.LastIndexByte(doc[:i], '\n') + 1
		if len(bytes.TrimLeft(doc[start:i], " ")) != 0 || (off < len(doc) && doc[off] != '\n' && doc[off] != ',') {
			continue
		}
		if at >= 0 {
			return 0, "", fmt.Errorf("the report's envelope holds two empty %q arrays", key)
		}
		at, indent = i, string(doc[start:i])
	}
	if at < 0 {
		return 0, "", fmt.Errorf("the report's envelope holds no empty %q array", key)
	}
	return at, indent, nil
}
