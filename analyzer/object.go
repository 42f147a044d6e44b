package analyzer

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is one Kubernetes object of the input, as written and as typed.
type Object struct {
	// File is the input file as given on the command line (StdinName for
	// standard input); Source is the template file named by a "# Source:"
	// comment of `helm template` output, if any.
	File   string
	Source string

	APIVersion string
	Kind       string
	Name       string
	// Namespace is metadata.namespace, or the run's default namespace when
	// the object sets none. Cluster-scoped kinds have none.
	Namespace string

	// Raw is the object exactly as written, in JSON shape (map[string]any,
	// []any, string, int64, float64, bool, nil). It is shared: never modify it.
	Raw map[string]any
	// Typed is the k8s.io/api value for known kinds (for example
	// *corev1.Pod), decoded as far as the field types allow; nil otherwise.
	Typed runtime.Object
	// Context is set for objects loaded only to resolve references
	// (--context): rules do not check them and nothing is reported on them.
	Context bool
	// Placer, when set, places findings on the files the object was
	// generated from (see Placer).
	Placer Placer

	podSpec    *PodSpec
	node       *yaml.Node
	lineOffset int
	// text is the document as written, when the object was parsed from one.
	text     []byte
	problems []Problem
	keys     keyIndex
	// typos are the object's unknown fields that misspell a field.
	typos []unknownField
}

// Ref names an object in findings and messages.
type Ref struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// Ref returns the object's reference.
func (o *Object) Ref() Ref {
	return Ref{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
}

// String is "Kind namespace/name", or "Kind name" without a namespace, or
// "Kind" alone for a document with neither (a kubeadm configuration
// file).
func (r Ref) String() string {
	switch {
	case r.Kind == "":
		return ""
	case r.Name == "" && r.Namespace == "":
		return r.Kind
	case r.Namespace == "":
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// FirstLine is the object's first line in its file: Lines' first, without
// walking the object.
func (o *Object) FirstLine() int {
	if n := deref(o.node); n != nil {
		return n.Line + o.lineOffset
	}
	return o.lineOffset + 1
}

// Lines returns the first and last line of the object in its file.
func (o *Object) Lines() (first, last int) {
	first = o.FirstLine()
	last = first
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		l := n.Line + o.lineOffset
		if n.Kind == yaml.ScalarNode && isBlockScalar(n) {
			l += strings.Count(strings.TrimRight(n.Value, "\n"), "\n") + 1
		}
		last = max(last, l)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(deref(o.node), 0)
	return first, last
}

// Lookup returns the raw value at a field path.
func (o *Object) Lookup(path string) (any, bool) {
	var cur any = o.Raw
	for _, seg := range parsePath(path) {
		if seg.isIdx {
			l, ok := cur.([]any)
			if !ok || seg.index < 0 || seg.index >= len(l) {
				return nil, false
			}
			cur = l[seg.index]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg.key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// PodSpec is a pod spec found in a workload, with the field path at which it
// sits, so that rules report exact positions without knowing the kind.
type PodSpec struct {
	Spec *corev1.PodSpec
	// Path is the field path of the pod spec: "spec" for a Pod,
	// "spec.template.spec" for a Deployment, "spec.jobTemplate.spec.template.spec"
	// for a CronJob.
	Path string
}

// PodSpec returns the object's pod spec, if it is a workload.
func (o *Object) PodSpec() (PodSpec, bool) {
	if o.podSpec == nil {
		return PodSpec{}, false
	}
	return *o.podSpec, true
}

// LocateLine resolves one line of the multi-line string at path: line is
// 0-based within the string's value. Only a literal block scalar ("|") keeps
// its lines as written, one value line to one file line, so only there is the
// answer exact (ok is true); for any other string, and for a line the value
// does not have, it is the string's own position, as Locate gives it.
//
// The parser keeps no indentation for block scalars, so the column is read
// from the document's text; an object without it (built by kustomize)
// assumes the usual layout: the block's lines start under its indicator in
// a list ("- |"), or two columns right of its key in a mapping ("key: |"),
// plus the line's own extra indentation.
func (o *Object) LocateLine(path string, line int) (pos Position, ok bool) {
	key, n := o.nodeAt(path)
	pos, _ = o.Locate(path)
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&yaml.LiteralStyle == 0 || line < 0 {
		return pos, false
	}
	lines := strings.Split(n.Value, "\n")
	if line >= len(lines) {
		return pos, false
	}
	text := lines[line]
	trimmed := strings.TrimLeft(text, " ")
	col := n.Column
	if key != nil {
		col = key.Column + 2
	}
	col += len(text) - len(trimmed)
	if src, found := sourceLine(o.text, n.Line+1+line); found && trimmed != "" && strings.TrimRight(strings.TrimLeft(src, " "), "\r") == trimmed {
		col = len(src) - len(strings.TrimLeft(src, " ")) + 1
	}
	l := n.Line + o.lineOffset + 1 + line
	return Position{File: o.File, Line: l, Column: col, EndLine: l, EndColumn: col + max(1, utf8.RuneCountInString(trimmed))}, true
}

// ReportLine is Report for a finding about one line of the multi-line string
// at path (0-based within its value): the finding points at that line when
// LocateLine can find it, else at the string.
func (p *Pass) ReportLine(path string, line int, format string, args ...any) {
	f := newFinding(p.rule, p.Object, p.info, path, fmt.Sprintf(format, args...))
	if pos, ok := p.Object.LocateLine(path, line); ok {
		// The line, not the string, is placed: in a chart, the template
		// line that wrote it.
		f.Position, f.Generated, f.Related = pos, nil, nil
		if p.Object.Placer != nil {
			if at, related, ok := p.Object.Placer.Place(f.Path, pos); ok {
				f.Generated, f.Position, f.Related = &pos, at, related
			}
		}
	}
	if v, ok := p.Object.Lookup(path); ok {
		if s, ok := v.(string); ok {
			if lines := strings.Split(s, "\n"); line >= 0 && line < len(lines) {
				f.Detail = strings.TrimSpace(lines[line])
			}
		}
	}
	*p.findings = append(*p.findings, f)
}

// LocateSpan resolves the bytes start to end of the one-line string at
// path: an entry of a comma-separated list, the value after a flag's "=".
// It is exact (ok is true) only where the document's text shows those bytes
// at that place: a plain or quoted scalar on one line, without escapes
// before them; otherwise it is the string's own position, as Locate gives
// it.
func (o *Object) LocateSpan(path string, start, end int) (pos Position, ok bool) {
	_, n := o.nodeAt(path)
	pos, _ = o.Locate(path)
	if n == nil || n.Kind != yaml.ScalarNode || start < 0 || end <= start || end > len(n.Value) || strings.Contains(n.Value, "\n") {
		return pos, false
	}
	src, found := sourceLine(o.text, n.Line)
	col := n.Column // 1-based, in characters
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	} else if n.Style != 0 {
		return pos, false
	}
	// The byte offset in src of the character at col.
	at := 0
	for i := 1; i < col && at < len(src); i++ {
		_, size := utf8.DecodeRuneInString(src[at:])
		at += size
	}
	if !found || !strings.HasPrefix(src[at:], n.Value[:end]) {
		return pos, false
	}
	l := n.Line + o.lineOffset
	c := col + utf8.RuneCountInString(n.Value[:start])
	return Position{File: o.File, Line: l, Column: c, EndLine: l, EndColumn: c + utf8.RuneCountInString(n.Value[start:end])}, true
}

// ReportSpan is Report for a finding about the bytes start to end of the
// one-line string at path: the finding points at them when LocateSpan can
// find them, else at the string.
func (p *Pass) ReportSpan(path string, start, end int, format string, args ...any) {
	f := newFinding(p.rule, p.Object, p.info, path, fmt.Sprintf(format, args...))
	if pos, ok := p.Object.LocateSpan(path, start, end); ok {
		f.Position, f.Generated, f.Related = pos, nil, nil
		if p.Object.Placer != nil {
			if at, related, ok := p.Object.Placer.Place(f.Path, pos); ok {
				f.Generated, f.Position, f.Related = &pos, at, related
			}
		}
	}
	*p.findings = append(*p.findings, f)
}

// nodeAt returns the node of the value at path, and its key when the value
// is a mapping's; nil when the path does not exist.
func (o *Object) nodeAt(path string) (key, value *yaml.Node) {
	node := o.node
	for _, seg := range parsePath(path) {
		node = deref(node)
		switch {
		case node == nil:
			return nil, nil
		case seg.isIdx:
			if node.Kind != yaml.SequenceNode || seg.index < 0 || seg.index >= len(node.Content) {
				return nil, nil
			}
			key, node = nil, node.Content[seg.index]
		default:
			if node.Kind != yaml.MappingNode {
				return nil, nil
			}
			k, v := o.lookup(node, seg.key)
			if k == nil {
				return nil, nil
			}
			key, node = k, v
		}
	}
	return key, deref(node)
}

// sourceLine is the 1-based line n of text, without its line break.
func sourceLine(text []byte, n int) (string, bool) {
	for i := 1; len(text) > 0; i++ {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		if i == n {
			return string(line), true
		}
		text = rest
	}
	return "", false
}

// BigNumber reports whether the value at path is a number written unquoted
// that JSON cannot represent (1e400, -1e400). YAML reads it as a string, as
// kubectl does, so Raw holds a string; but whoever wrote it meant a number,
// and a message must call it one, not advise unquoting it.
func (o *Object) BigNumber(path string) bool {
	_, n := o.nodeAt(path)
	return n != nil && n.Kind == yaml.ScalarNode && n.Style == 0 && n.ShortTag() == "!!str" && isBigNumber(n.Value)
}
