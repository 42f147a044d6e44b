package analyzer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/tokenlint/tokenlint/internal/tplmap"
)

// chartMap is the source map of one rendered chart, shared by the placers
// of its objects: rules of different objects place concurrently, hence the
// lock around what it reads from disk.
type chartMap struct {
	m      *tplmap.Map
	chart  string // the chart directory, as named
	stream []byte
	lines  []int // offsets of the stream's line starts
	// valueFiles are the --values files, which override values.yaml.
	valueFiles []string
	maxBytes   int64

	mu     sync.Mutex
	files  map[string]string  // template name: file holding it, "" if none
	values map[string]*Object // values file: its keys, nil if unreadable
}

func newChartMap(m *tplmap.Map, chart string, stream []byte, valueFiles []string, maxBytes int64) *chartMap {
	return &chartMap{m: m, chart: chart, stream: stream, lines: lineStarts(stream), valueFiles: valueFiles,
		maxBytes: maxBytes, files: map[string]string{}, values: map[string]*Object{}}
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// chartPlacer places the findings of one object of a chart.
type chartPlacer struct {
	cm  *chartMap
	obj *Object
}

// offset is the byte offset of a position of the stream.
func (cm *chartMap) offset(line, col int) (int, bool) {
	if line < 1 || line > len(cm.lines) || col < 1 {
		return 0, false
	}
	off := cm.lines[line-1]
	for c := 1; c < col && off < len(cm.stream) && cm.stream[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(cm.stream[off:])
		off += size
	}
	return off, true
}

// entryAt is the entry that wrote a byte of the stream, where in the
// template the byte is, and where its segment starts; ok is false for text
// that is not mapped.
func (cm *chartMap) entryAt(off int) (e tplmap.Entry, seg tplmap.Segment, at Position, ok bool) {
	seg = cm.m.At(off)
	// The map comes from another process: an entry or offset out of
	// range is text it does not map.
	if seg.Entry < 0 || seg.Entry >= len(cm.m.Entries) || seg.Off < 0 || seg.Off > off {
		return e, seg, at, false
	}
	e = cm.m.Entries[seg.Entry]
	file, ok := cm.file(e.File)
	if !ok {
		return e, seg, at, false
	}
	at = Position{File: file, Line: e.Line, Column: e.Col}
	if run := cm.stream[seg.Off:off]; !e.Action && !bytes.Contains(run, []byte("\n")) {
		// Text written in the template: the same line, as many
		// characters further.
		at.Column += utf8.RuneCount(run)
	}
	return e, seg, at, true
}

// file is the file that holds a template, named as the chart is: the chart
// directory, then the template's name without the chart's. It is the file
// only when its content is the template's source the renderer saw (an
// aliased subchart, a chart packaged in charts/, hold none).
func (cm *chartMap) file(name string) (string, bool) {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	if f, ok := cm.files[name]; ok {
		return f, f != ""
	}
	f := ""
	if _, rest, ok := strings.Cut(name, "/"); ok && !strings.Contains("/"+rest+"/", "/../") {
		cand := filepath.Join(cm.chart, filepath.FromSlash(rest))
		if data, err := ReadFile(cand, cm.maxBytes); err == nil {
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) == cm.m.Files[name] {
				f = cand
			}
		}
	}
	cm.files[name] = f
	return f, f != ""
}

// Place is where the field at path was written in the chart's templates.
func (p chartPlacer) Place(path string, pos Position) (Position, []Related, bool) {
	cm := p.cm
	off, ok := cm.offset(pos.Line, pos.Column)
	if !ok {
		return Position{}, nil, false
	}
	e, seg, at, ok := cm.entryAt(off)
	if !ok {
		return Position{}, nil, false
	}
	// The region: as far as the rendered one on the line, within the
	// text of the entry.
	at.EndLine, at.EndColumn = at.Line, at.Column+1
	if end, ok := cm.offset(pos.EndLine, pos.EndColumn); ok && pos.EndLine == pos.Line && !e.Action {
		if next := cm.m.Next(off); next >= 0 && next < end {
			end = next
		}
		if end > off {
			at.EndColumn = at.Column + utf8.RuneCount(cm.stream[off:end])
		}
	}
	var related []Related
	for i := len(seg.Stack) - 1; i >= 0; i-- {
		id := seg.Stack[i]
		if id < 0 || id >= len(cm.m.Entries) {
			continue
		}
		inc := cm.m.Entries[id]
		if f, ok := cm.file(inc.File); ok {
			related = append(related, Related{Position: Position{File: f, Line: inc.Line, Column: inc.Col},
				Message: fmt.Sprintf("included by %s:%d", templateName(inc.File), inc.Line)})
		}
	}
	if r, ok := p.valueKey(path, e, seg, off); ok {
		related = append(related, r)
	}
	return at, related, true
}

// Start is where the template writes the object's first line: the text
// that wrote the first character of the rendered document.
func (p chartPlacer) Start() (Position, bool) {
	cm := p.cm
	off, ok := cm.offset(p.obj.FirstLine(), 1)
	for ok && off < len(cm.stream) && (cm.stream[off] == ' ' || cm.stream[off] == '\t') {
		off++
	}
	if !ok {
		return Position{}, false
	}
	_, _, at, ok := cm.entryAt(off)
	return at, ok
}

// Place is where the field at path of the object was written, for messages
// that name another object's field: the template line when the object's
// Placer places it (with the related places: the values key that set it),
// its position in the input otherwise. The position of a field that is
// absent is that of its nearest ancestor, as for findings.
func (o *Object) Place(path string) (Position, []Related) {
	pos, _ := o.Locate(path)
	if o.Placer != nil {
		if at, related, ok := o.Placer.Place(canonicalPath(path), pos); ok {
			return at, related
		}
	}
	return pos, nil
}

// valuesKeyMessage starts the message of a related place that is a values
// key.
const valuesKeyMessage = "set "

// templateName is a template's name without its chart's:
// "templates/deployment.yaml".
func templateName(name string) string {
	if _, rest, ok := strings.Cut(name, "/"); ok {
		return rest
	}
	return name
}

// valueKey is the values key that set the field at path, when an action
// reading it wrote the field's value, or the block holding the field
// (toYaml .Values.block).
func (p chartPlacer) valueKey(path string, keyEntry tplmap.Entry, keySeg tplmap.Segment, keyOff int) (Related, bool) {
	cm := p.cm
	var key string
	switch {
	case keyEntry.Action && len(keyEntry.Values) == 1:
		// The key itself came from a values block: the field's path
		// below the deepest ancestor written before the block.
		key = keyEntry.Values[0]
		segs := parsePath(path)
		for i := len(segs) - 1; i >= 0; i-- {
			apos, _ := p.obj.Locate(joinSegments(segs[:i]))
			aoff, ok := cm.offset(apos.Line, apos.Column)
			if i == 0 || ok && aoff < keySeg.Off {
				sub := slices.Clone(segs[i:])
				if sub[0].isIdx {
					// Items written before the block are not the
					// block's: its first item is the values list's [0].
					before := 0
					for j := 0; j < sub[0].index; j++ {
						ipos, _ := p.obj.Locate(joinSegments(append(slices.Clone(segs[:i]), segment{isIdx: true, index: j})))
						if ioff, ok := cm.offset(ipos.Line, ipos.Column); ok && ioff < keySeg.Off {
							before++
						}
					}
					sub[0].index -= before
				}
				key = joinSegments(append(parsePath(key), sub...))
				break
			}
		}
	default:
		vpos, ok := p.obj.locateValue(path)
		if !ok {
			return Related{}, false
		}
		voff, ok := cm.offset(vpos.Line, vpos.Column)
		if !ok {
			return Related{}, false
		}
		ve, _, _, ok := cm.entryAt(voff)
		if !ok || !ve.Action || len(ve.Values) == 0 {
			return Related{}, false
		}
		key = ve.Values[0]
		keyEntry = ve
	}
	file, key, at, ok := cm.locateValue(keyEntry.File, key)
	if !ok {
		return Related{}, false
	}
	name := file
	if rel, err := filepath.Rel(cm.chart, file); err == nil && !strings.HasPrefix(rel, "..") {
		name = filepath.ToSlash(rel)
	}
	return Related{Position: at, Message: fmt.Sprintf(valuesKeyMessage+"`%s` in %s:%d", key, name, at.Line)}, true
}

// locateValue finds a values key of the chart that holds a template: in
// the --values files (the last first) and the chart's values.yaml, and for
// a subchart's template under the subchart's key in its parents' values.
// A key no file sets is located at its nearest ancestor in the chart's own
// values.yaml, where a user would add it.
func (cm *chartMap) locateValue(template, key string) (file, fileKey string, at Position, ok bool) {
	parts := strings.Split(template, "/templates/")
	if len(parts) < 2 {
		return "", "", Position{}, false
	}
	chartPath := strings.Split(parts[0], "/charts/") // root, sub, subsub...
	type cand struct{ file, key string }
	var cands []cand
	prefixed := func(from int) string {
		k := key
		for i := len(chartPath) - 1; i > from; i-- {
			k = chartPath[i] + "." + k
		}
		return k
	}
	for i := len(cm.valueFiles) - 1; i >= 0; i-- {
		cands = append(cands, cand{cm.valueFiles[i], prefixed(0)})
	}
	dir := cm.chart
	for i := range chartPath {
		if i > 0 {
			dir = filepath.Join(dir, "charts", chartPath[i])
		}
		cands = append(cands, cand{filepath.Join(dir, "values.yaml"), prefixed(i)})
	}
	for _, c := range cands {
		if o := cm.valuesOf(c.file); o != nil {
			if at, found := o.Locate(c.key); found == canonicalPath(c.key) {
				return c.file, c.key, at, true
			}
		}
	}
	own := cands[len(cands)-1]
	if o := cm.valuesOf(own.file); o != nil {
		if at, found := o.Locate(own.key); found != "" {
			return own.file, found, at, true
		}
	}
	return "", "", Position{}, false
}

// valuesOf parses a values file for locating keys; nil when it cannot be
// read or parsed.
func (cm *chartMap) valuesOf(file string) *Object {
	cm.mu.Lock()
	defer cm.mu.Unlock()
	if o, ok := cm.values[file]; ok {
		return o
	}
	var o *Object
	if data, err := ReadFile(file, cm.maxBytes); err == nil {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) == nil {
			if root := deref(&doc); root != nil && root.Kind == yaml.MappingNode {
				o = &Object{File: file, node: root}
			}
		}
	}
	cm.values[file] = o
	return o
}

// locateValue is the position of the value of the field at path, when the
// field is there.
func (o *Object) locateValue(path string) (Position, bool) {
	node := o.node
	for _, seg := range parsePath(path) {
		node = deref(node)
		if node == nil {
			return Position{}, false
		}
		if seg.isIdx {
			if node.Kind != yaml.SequenceNode || seg.index < 0 || seg.index >= len(node.Content) {
				return Position{}, false
			}
			node = node.Content[seg.index]
			continue
		}
		if node.Kind != yaml.MappingNode {
			return Position{}, false
		}
		k, v := o.lookup(node, seg.key)
		if k == nil {
			return Position{}, false
		}
		node = v
	}
	if node == nil {
		return Position{}, false
	}
	return Position{File: o.File, Line: node.Line + o.lineOffset, Column: node.Column}, true
}

// placeDirectives places the suppression comments of a rendered chart on
// the template lines that wrote them, and what they cover on the template
// line that wrote the rendered line they cover.
func (cm *chartMap) placeDirectives(ds []Directive) {
	for i := range ds {
		d := &ds[i]
		off, ok := cm.offset(d.Position.Line, d.Position.Column)
		if !ok {
			continue
		}
		_, _, at, ok := cm.entryAt(off)
		if !ok {
			continue
		}
		target := at.Line
		if d.Target != d.Position.Line {
			// The first character of the line it covers.
			toff, ok := cm.offset(d.Target, 1)
			for ok && toff < len(cm.stream) && (cm.stream[toff] == ' ' || cm.stream[toff] == '\t') {
				toff++
			}
			_, _, tat, tok := cm.entryAt(toff)
			if !ok || !tok || tat.File != at.File {
				continue
			}
			target = tat.Line
		}
		at.EndLine = at.Line
		at.EndColumn = at.Column + (d.Position.EndColumn - d.Position.Column)
		placed := at
		d.Placed, d.PlacedTarget = &placed, target
	}
}
