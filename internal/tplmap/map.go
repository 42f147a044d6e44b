package tplmap

import (
	"bytes"
	"sort"
	"strings"
)

// Map maps byte offsets of a rendered stream to the entries that wrote
// them. It is what the renderer hands back with the stream, as JSON.
type Map struct {
	Entries []Entry `json:"entries"`
	// Segments are sorted by Off; each runs to the next.
	Segments []Segment `json:"segments"`
	// Unmapped names the template of each document of the stream that has
	// no byte-identical twin in the instrumented rendering, in stream order.
	Unmapped []string `json:"unmapped,omitempty"`
	// Documents counts the documents of the stream, mapped or not.
	Documents int `json:"documents"`
	// Files are the sha256 of each template's source, by template name, so
	// that a template is placed on a file only when that file holds it.
	Files map[string]string `json:"files,omitempty"`
	// Error, when set, says why the chart could not be mapped at all.
	Error string `json:"error,omitempty"`
}

// Segment is a run of the stream written by one entry.
type Segment struct {
	// Off is the byte offset in the stream where the run starts.
	Off int `json:"o"`
	// Entry is the index of the entry in Entries; -1 for text that is not
	// mapped (a "# Source:" line, or a document without a twin).
	Entry int `json:"e"`
	// Stack are the include entries whose output holds the run, outermost
	// first.
	Stack []int `json:"s,omitempty"`
}

// fileSeg is a segment of one template file's instrumented output, by
// offset in that output with the markers removed.
type fileSeg struct {
	off   int
	entry int
	stack []int
}

type fileOutput struct {
	text string // markers removed
	segs []fileSeg
	used map[int]bool // offsets of documents already matched
}

// Build maps the stream `helm template` printed (documents after "---" and
// "# Source: NAME" lines) to the entries, through rendered, the output of
// each template file rendered instrumented (engine.Render's result).
func Build(entries []Entry, rendered map[string]string, stream []byte) *Map {
	outputs := make(map[string]*fileOutput, len(rendered))
	for name, text := range rendered {
		if !strings.ContainsAny(text, string([]rune{markStart, markEnd})) {
			continue
		}
		outputs[name] = parseOutput(text, entries)
	}
	m := &Map{Entries: entries, Segments: []Segment{{Off: 0, Entry: -1}}}
	for _, d := range documents(stream) {
		m.Documents++
		content := strings.TrimRight(string(stream[d.start:d.end]), " \t\r\n")
		out := outputs[d.source]
		at := -1
		if out != nil && content != "" {
			at = out.find(content)
		}
		if at < 0 {
			m.Unmapped = append(m.Unmapped, d.source)
			m.Segments = append(m.Segments, Segment{Off: d.start, Entry: -1})
			continue
		}
		out.used[at] = true
		// The segment in force at the document's start, then every one
		// that starts inside it.
		i := sort.Search(len(out.segs), func(i int) bool { return out.segs[i].off > at }) - 1
		if i < 0 {
			m.Segments = append(m.Segments, Segment{Off: d.start, Entry: -1})
			i = 0
		}
		for ; i < len(out.segs) && out.segs[i].off < at+len(content); i++ {
			s := out.segs[i]
			m.Segments = append(m.Segments, Segment{Off: d.start + max(s.off-at, 0), Entry: s.entry, Stack: s.stack})
		}
		m.Segments = append(m.Segments, Segment{Off: d.start + len(content), Entry: -1})
	}
	return m
}

// parseOutput removes the markers of one file's output and records where
// each entry's run starts, with the includes around it.
func parseOutput(text string, entries []Entry) *fileOutput {
	out := &fileOutput{used: map[int]bool{}}
	var b strings.Builder
	b.Grow(len(text))
	var stack []int
	scan(text, func(s string) { b.WriteString(s) }, func(off int, kind rune, id int) {
		if id < 0 || id >= len(entries) {
			return
		}
		switch kind {
		case markStart:
			out.segs = append(out.segs, fileSeg{off: off, entry: id, stack: stack})
			if entries[id].Include {
				stack = append(stack[:len(stack):len(stack)], id)
			}
		case markEnd:
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k] == id {
					stack = stack[:k:k]
					break
				}
			}
			out.segs = append(out.segs, fileSeg{off: off, entry: id, stack: stack})
		}
	})
	out.text = b.String()
	return out
}

// find is the offset in the file's output of the first unused document
// whose text is content.
func (o *fileOutput) find(content string) int {
	for from := 0; from <= len(o.text); {
		i := strings.Index(o.text[from:], content)
		if i < 0 {
			return -1
		}
		at := from + i
		if !o.used[at] {
			return at
		}
		from = at + 1
	}
	return -1
}

type document struct {
	source     string
	start, end int // the content, after the "# Source:" line
}

// documents finds the documents of a stream of `helm template`: each starts
// after a "---" line followed by a "# Source: NAME" line and runs to the
// next such pair.
func documents(stream []byte) []document {
	var docs []document
	for pos := 0; pos < len(stream); {
		next := bytes.IndexByte(stream[pos:], '\n')
		if next < 0 {
			break
		}
		line := string(bytes.TrimRight(stream[pos:pos+next], "\r"))
		pos += next + 1
		if line != "---" || !bytes.HasPrefix(stream[pos:], []byte("# Source: ")) {
			continue
		}
		end := bytes.IndexByte(stream[pos:], '\n')
		if end < 0 {
			break
		}
		source := strings.TrimSpace(string(stream[pos+len("# Source: ") : pos+end]))
		pos += end + 1
		if n := len(docs); n > 0 {
			docs[n-1].end = pos - end - 1 - len("---\n")
		}
		docs = append(docs, document{source: source, start: pos, end: len(stream)})
	}
	if n := len(docs); n > 0 && docs[n-1].end < docs[n-1].start {
		docs[n-1].end = docs[n-1].start
	}
	return docs
}

// At is the segment that holds a byte offset of the stream.
func (m *Map) At(off int) Segment {
	i := sort.Search(len(m.Segments), func(i int) bool { return m.Segments[i].Off > off }) - 1
	if i < 0 {
		return Segment{Entry: -1}
	}
	return m.Segments[i]
}

// Next is the offset where the first segment after the one holding off
// starts, or -1 when it is the last.
func (m *Map) Next(off int) int {
	i := sort.Search(len(m.Segments), func(i int) bool { return m.Segments[i].Off > off })
	if i >= len(m.Segments) {
		return -1
	}
	return m.Segments[i].Off
}
