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
	// no byte-identical twin in the instrumented rendering, in stream order:
	// only the lines it shares with its nearest instrumented document, from
	// its start and from its end, are mapped.
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
	docs := documents(stream)
	contents := make([]string, len(docs))
	exact := make([]int, len(docs))
	// Byte-identical twins first, so that a document that differs takes
	// none of them.
	for k, d := range docs {
		contents[k] = strings.TrimRight(string(stream[d.start:d.end]), " \t\r\n")
		exact[k] = -1
		if out := outputs[d.source]; out != nil && contents[k] != "" {
			if exact[k] = out.find(contents[k]); exact[k] >= 0 {
				out.used[exact[k]] = true
			}
		}
	}
	for k, d := range docs {
		m.Documents++
		content, out := contents[k], outputs[d.source]
		if at := exact[k]; at >= 0 {
			m.Segments = out.appendRegion(m.Segments, d.start, at, len(content))
			m.Segments = append(m.Segments, Segment{Off: d.start + len(content), Entry: -1})
			continue
		}
		m.Unmapped = append(m.Unmapped, d.source)
		m.Segments = append(m.Segments, Segment{Off: d.start, Entry: -1})
		if out == nil || content == "" {
			continue
		}
		// Region by region: the lines the document shares, from its
		// start and from its end, with the unused instrumented document
		// that shares the most are mapped; the lines between are not.
		if at, prefix, suffix, ok := out.nearest(content); ok {
			out.used[at] = true
			m.Segments = out.appendRegion(m.Segments, d.start, at, prefix)
			m.Segments = append(m.Segments, Segment{Off: d.start + prefix, Entry: -1})
			if suffix > 0 {
				m.Segments = out.appendRegion(m.Segments, d.start+len(content)-suffix, out.docEnd(at)-suffix, suffix)
			}
			m.Segments = append(m.Segments, Segment{Off: d.start + len(content), Entry: -1})
		}
	}
	return m
}

// appendRegion appends the segments that map n bytes of the stream from
// streamOff to the file's output from at: the segment in force at at, then
// every one that starts inside.
func (o *fileOutput) appendRegion(segs []Segment, streamOff, at, n int) []Segment {
	i := sort.Search(len(o.segs), func(i int) bool { return o.segs[i].off > at }) - 1
	if i < 0 {
		segs = append(segs, Segment{Off: streamOff, Entry: -1})
		i = 0
	}
	for ; i < len(o.segs) && o.segs[i].off < at+n; i++ {
		s := o.segs[i]
		segs = append(segs, Segment{Off: streamOff + max(s.off-at, 0), Entry: s.entry, Stack: s.stack})
	}
	return segs
}

// docs are the documents of the file's output, as Helm splits them: at
// lines starting "---", leading whitespace left out, trailing whitespace
// too (the stream's documents are compared without it).
func (o *fileOutput) docs() [][2]int {
	var docs [][2]int
	start := 0
	flush := func(end int) {
		for start < end && strings.ContainsRune(" \t\r\n", rune(o.text[start])) {
			start++
		}
		e := end
		for e > start && strings.ContainsRune(" \t\r\n", rune(o.text[e-1])) {
			e--
		}
		if e > start {
			docs = append(docs, [2]int{start, e})
		}
	}
	for off := 0; off <= len(o.text); {
		nl := strings.IndexByte(o.text[off:], '\n')
		if nl < 0 {
			break
		}
		next := off + nl + 1
		if strings.HasPrefix(o.text[next:], "---") {
			flush(next)
			end := strings.IndexByte(o.text[next:], '\n')
			if end < 0 {
				start = len(o.text)
				break
			}
			start = next + end + 1
			off = start
			continue
		}
		off = next
	}
	flush(len(o.text))
	return docs
}

// docEnd is the end of the document of the file's output that starts at at.
func (o *fileOutput) docEnd(at int) int {
	for _, d := range o.docs() {
		if d[0] == at {
			return d[1]
		}
	}
	return at
}

// nearest is the unused document of the file's output that shares the
// most whole lines with content from its start and from its end: where it
// starts, and how many bytes of content it shares at each end.
func (o *fileOutput) nearest(content string) (at, prefix, suffix int, ok bool) {
	best := 0
	for _, d := range o.docs() {
		if o.used[d[0]] {
			continue
		}
		doc := o.text[d[0]:d[1]]
		p := commonPrefix(content, doc)
		s := commonSuffix(content[p:], doc[p:])
		if p+s > best {
			best, at, prefix, suffix, ok = p+s, d[0], p, s, true
		}
	}
	return at, prefix, suffix, ok
}

// commonPrefix is the length in bytes of the whole lines (with their line
// breaks) that a and b share from their start.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) {
		la, lb := lineLen(a[n:]), lineLen(b[n:])
		if a[n:n+la] != b[n:n+lb] {
			break
		}
		n += la
	}
	return n
}

func lineLen(s string) int {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return i + 1
	}
	return len(s)
}

// commonSuffix is the length in bytes of the whole lines that a and b
// share at their end.
func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) {
		la, lb := lastLine(a[:len(a)-n], n > 0), lastLine(b[:len(b)-n], n > 0)
		if la != lb || la == "" {
			break
		}
		n += len(la)
	}
	return n
}

// lastLine is the last line of s, with its line break when broken is set
// (s then ends with one).
func lastLine(s string, broken bool) string {
	body := s
	if broken {
		if !strings.HasSuffix(s, "\n") {
			return ""
		}
		body = s[:len(s)-1]
	}
	return s[strings.LastIndexByte(body, '\n')+1:]
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
