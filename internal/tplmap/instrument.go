// Package tplmap maps the text a Helm chart renders back to the template
// text that wrote it, from the rendering itself rather than by guessing.
//
// The contract: Instrument rewrites a chart's template sources so that,
// rendered by Helm's own engine with Funcs added, every run of template text
// (each line of a text node) and every action that prints is preceded in the
// output by a marker naming its source position. Build then takes the
// instrumented output of each template file and the stream `helm template`
// printed, strips the markers, and maps each document of the stream to the
// instrumented document that is byte for byte the same once the markers are
// gone. Of a document with no such twin only the whole lines it shares with
// the nearest instrumented document, from its start and from its end, are
// mapped: findings elsewhere in it stay on the rendered output, and say so.
// Nothing is ever placed on a line that the markers do not name.
//
// Markers change what functions see, so the output of include and tpl is
// stripped of them (tlstrip) wherever it flows anywhere but to the output
// through the layout functions nindent and indent: an
// `eq (include "x.createSA" .) "true"` compares what Helm compares. An
// include whose output keeps its markers is bracketed (a mark and an end), so
// the text of a named template maps into its helper file with the including
// action as the stack.
package tplmap

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

// Markers are private-use runes: a mark (markStart, decimal entry number,
// markStop) starts the output of an entry; an end (markEnd, number,
// markStop) ends the output of an include entry. Instrumented templates
// print them as string constants.
const (
	markStart = '\uE000'
	markStop  = '\uE001'
	markEnd   = '\uE002'
)

// funcStrip is the function instrumented templates call to strip an
// include's output of markers.
const funcStrip = "tlstrip"

// markLiteral is a marker as a string constant of the template language:
// printing a constant costs the engine far less than calling a function,
// and a chart's text has a mark on every line.
func markLiteral(kind rune, id int) string {
	return `"` + string(kind) + strconv.Itoa(id) + string(markStop) + `"`
}

// Entry is a place in a template source that writes output: the start of a
// line of template text, or an action that prints.
type Entry struct {
	// File is the template's name as Helm names it ("agent/templates/sa.yaml").
	File string `json:"f"`
	// Line and Col are 1-based; Col counts characters. For an action it is
	// the column of its "{{".
	Line int `json:"l"`
	Col  int `json:"c"`
	// Action marks an action's output (a value, toYaml of a block, an
	// include) rather than text written in the template.
	Action bool `json:"a,omitempty"`
	// Include marks an include whose output keeps its markers: the text
	// between its mark and its end comes from the named template.
	Include bool `json:"i,omitempty"`
	// Values are the values keys the action's pipeline reads
	// ("serviceAccount.automount"), dotted, without the leading "Values".
	Values []string `json:"v,omitempty"`
}

// Instrumenter rewrites the templates of one chart; entry numbers are
// shared by all its files.
type Instrumenter struct {
	Entries []Entry
}

// Funcs are the functions instrumented templates call: add them to Helm's
// (engine.Engine.CustomTemplateFuncs).
func Funcs() template.FuncMap {
	return template.FuncMap{funcStrip: Strip}
}

// Strip removes the markers from text.
func Strip(text string) string {
	if !strings.ContainsAny(text, string([]rune{markStart, markEnd})) {
		return text
	}
	var b strings.Builder
	scan(text, func(s string) { b.WriteString(s) }, func(int, rune, int) {})
	return b.String()
}

// scan walks text: plain calls text for each run outside markers, mark for
// each marker (its byte offset in the text without markers, its kind, its
// entry number). A marker that does not parse is dropped as text would be
// kept: a stray private-use rune stays text.
func scan(text string, plain func(string), mark func(off int, kind rune, id int)) {
	off := 0
	for {
		i := strings.IndexAny(text, string([]rune{markStart, markEnd}))
		if i < 0 {
			plain(text)
			return
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		rest := text[i+size:]
		j := strings.IndexRune(rest, markStop)
		id, err := strconv.Atoi(rest[:max(j, 0)])
		if j < 0 || err != nil {
			plain(text[:i+size])
			off += i + size
			text = rest
			continue
		}
		plain(text[:i])
		off += i
		mark(off, r, id)
		text = rest[j+utf8.RuneLen(markStop):]
	}
}

// edit inserts text at an offset of a source.
type edit struct {
	at   int
	text string
}

// File returns the instrumented source of the template name. A source that
// does not parse is returned as it is: Helm reports its error itself.
func (in *Instrumenter) File(name, src string) string {
	t := parse.New(name)
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(src, "", "", trees); err != nil {
		return src
	}
	w := &walker{in: in, name: name, src: src, lines: lineStarts(src)}
	for _, tree := range trees {
		if tree.Root != nil {
			w.list(tree.Root, root)
		}
	}
	// Insert from the end so that offsets stay those of src; at one offset
	// in the order recorded.
	edits := w.edits
	var b strings.Builder
	b.Grow(len(src) + len(edits)*16)
	sortEdits(edits)
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.at])
		b.WriteString(e.text)
		last = e.at
	}
	b.WriteString(src[last:])
	return b.String()
}

// sortEdits orders edits by offset, keeping the order of equal ones.
func sortEdits(es []edit) {
	// Insertion sort: the walk records edits nearly in order.
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j-1].at > es[j].at; j-- {
			es[j-1], es[j] = es[j], es[j-1]
		}
	}
}

// dot is what "." holds where a node runs: the root context, a values key
// ("Values.serviceAccount" inside with .Values.serviceAccount), or
// something unknown (nil: in a range).
type dot []string

var root = dot{}

type walker struct {
	in    *Instrumenter
	name  string
	src   string
	lines []int
	edits []edit
}

func (w *walker) entry(off int, e Entry) int {
	e.File = w.name
	e.Line, e.Col = w.position(off)
	w.in.Entries = append(w.in.Entries, e)
	return len(w.in.Entries) - 1
}

// position is the 1-based line and character column of a byte offset.
func (w *walker) position(off int) (int, int) {
	lo, hi := 0, len(w.lines)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if w.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1, utf8.RuneCountInString(w.src[w.lines[lo]:off]) + 1
}

func lineStarts(s string) []int {
	starts := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func (w *walker) list(l *parse.ListNode, d dot) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		w.node(n, d)
	}
}

func (w *walker) node(n parse.Node, d dot) {
	switch n := n.(type) {
	case *parse.TextNode:
		w.text(n)
	case *parse.ActionNode:
		w.action(n, d)
	case *parse.IfNode:
		w.pipe(n.Pipe, d)
		w.list(n.List, d)
		w.list(n.ElseList, d)
	case *parse.WithNode:
		w.pipe(n.Pipe, d)
		w.list(n.List, withDot(n.Pipe, d))
		w.list(n.ElseList, d)
	case *parse.RangeNode:
		w.pipe(n.Pipe, d)
		w.list(n.List, nil)
		w.list(n.ElseList, d)
	case *parse.TemplateNode:
		w.pipe(n.Pipe, d)
	case *parse.ListNode:
		w.list(n, d)
	}
}

// text marks the start of a text node and of each line in it. The text of
// a node is the source from its position on (trimming by "{{-" and "-}}"
// only shortens it), and a mark is inserted only inside it, never in the
// whitespace a trim marker removes, so that trimming is unchanged.
func (w *walker) text(n *parse.TextNode) {
	start := int(n.Pos)
	end := start + len(n.Text)
	if end > len(w.src) || w.src[start:end] != string(n.Text) {
		return // not where it was read from: leave it unmarked
	}
	for at := start; at < end; {
		id := w.entry(at, Entry{})
		w.edits = append(w.edits, edit{at, "{{" + markLiteral(markStart, id) + "}}"})
		nl := strings.IndexByte(w.src[at:end], '\n')
		if nl < 0 {
			break
		}
		at += nl + 1
	}
}

// action marks an action that prints: before its pipeline, a mark action of
// its own is closed and the original reopened, so that the trim markers of
// both its delimiters stay where they were (M7 standing for the marker of
// entry 7, a string constant):
//
//	{{- .Values.x -}}   becomes   {{- "M7" }}{{ .Values.x -}}
func (w *walker) action(n *parse.ActionNode, d dot) {
	if len(n.Pipe.Decl) > 0 || n.Pipe.IsAssign {
		w.pipe(n.Pipe, d) // prints nothing
		return
	}
	start := int(n.Pos)
	open := strings.LastIndex(w.src[:start], "{{")
	if open < 0 {
		w.pipe(n.Pipe, d)
		return
	}
	e := Entry{Action: true, Values: values(n.Pipe, d)}
	direct := directInclude(n.Pipe)
	if direct {
		e.Include = true
	}
	id := w.entry(open, e)
	w.edits = append(w.edits, edit{start, markLiteral(markStart, id) + " }}{{ "})
	if direct {
		close, ok := delimEnd(w.src, start, false)
		if !ok {
			// Cannot find its end: keep the include's output free of
			// markers rather than leave them unbalanced.
			w.in.Entries[id].Include = false
			w.pipe(n.Pipe, d)
			return
		}
		w.edits = append(w.edits, edit{close, "}}{{ " + markLiteral(markEnd, id) + " "})
		// Its own include keeps its markers; includes in its arguments
		// do not.
		for i, c := range n.Pipe.Cmds {
			for j, a := range c.Args {
				if i == 0 && j == 0 {
					continue
				}
				w.arg(a, d)
			}
		}
		return
	}
	w.pipe(n.Pipe, d)
}

// directInclude reports whether a pipeline is an include or tpl whose output
// goes to the output through layout functions only: its markers may stay.
func directInclude(p *parse.PipeNode) bool {
	if len(p.Cmds) == 0 || !calls(p.Cmds[0], "include", "tpl") {
		return false
	}
	for _, c := range p.Cmds[1:] {
		if !calls(c, "nindent", "indent") {
			return false
		}
	}
	return true
}

func calls(c *parse.CommandNode, names ...string) bool {
	if len(c.Args) == 0 {
		return false
	}
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return false
	}
	for _, n := range names {
		if id.Ident == n {
			return true
		}
	}
	return false
}

// pipe strips the markers from every include and tpl in a pipeline whose
// output does not go straight to the template's output: it pipes the
// command's result through tlstrip.
func (w *walker) pipe(p *parse.PipeNode, d dot) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		if calls(c, "include", "tpl") {
			if end, ok := delimEnd(w.src, int(c.Pos), true); ok {
				w.edits = append(w.edits, edit{end, " | " + funcStrip + " "})
			}
		}
		for _, a := range c.Args {
			w.arg(a, d)
		}
	}
}

func (w *walker) arg(a parse.Node, d dot) {
	switch a := a.(type) {
	case *parse.PipeNode:
		w.pipe(a, d)
	case *parse.ChainNode:
		w.arg(a.Node, d)
	}
}

// delimEnd scans an action's source from a command's start to where the
// command ends: the next top-level "|" (with cmdOnly), the ")" that closes
// its parenthesis, or the action's closing delimiter (before a trim marker
// " -}}"). ok is false, and the offset -1, when there is no end.
func delimEnd(src string, from int, cmdOnly bool) (int, bool) {
	depth := 0
	for i := from; i < len(src); i++ {
		switch c := src[i]; c {
		case '"', '\'':
			for i++; i < len(src) && src[i] != c; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '`':
			if j := strings.IndexByte(src[i+1:], '`'); j >= 0 {
				i += j + 1
			} else {
				return -1, false
			}
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i, cmdOnly
			}
			depth--
		case '|':
			if depth == 0 && cmdOnly {
				return i, true
			}
		case ' ', '\t', '\r', '\n':
			if depth == 0 && strings.HasPrefix(src[i+1:], "-}}") {
				return i + 1, true
			}
		case '}':
			if depth == 0 && strings.HasPrefix(src[i:], "}}") {
				return i, true
			}
		}
	}
	return -1, false
}

// withDot is what "." holds inside `with PIPE`: the values key when the
// pipeline is that key alone.
func withDot(p *parse.PipeNode, d dot) dot {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return nil
	}
	if k, ok := valueKey(p.Cmds[0].Args[0], d); ok {
		return append(dot{"Values"}, strings.Split(k, ".")...)
	}
	return nil
}

// values are the values keys a pipeline reads, in order, once each.
func values(p *parse.PipeNode, d dot) []string {
	var keys []string
	var walk func(p *parse.PipeNode)
	walk = func(p *parse.PipeNode) {
		for _, c := range p.Cmds {
			for _, a := range c.Args {
				if sub, ok := a.(*parse.PipeNode); ok {
					walk(sub)
					continue
				}
				if k, ok := valueKey(a, d); ok && !contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	walk(p)
	return keys
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// valueKey is the values key a node reads: .Values.a.b at the root,
// $.Values.a.b anywhere, .b and . inside with .Values.a.
func valueKey(n parse.Node, d dot) (string, bool) {
	var path []string
	switch n := n.(type) {
	case *parse.FieldNode:
		if d == nil {
			return "", false
		}
		path = append(append([]string{}, d...), n.Ident...)
	case *parse.DotNode:
		if d == nil {
			return "", false
		}
		path = d
	case *parse.VariableNode:
		if len(n.Ident) < 1 || n.Ident[0] != "$" {
			return "", false
		}
		path = n.Ident[1:]
	default:
		return "", false
	}
	if len(path) < 2 || path[0] != "Values" {
		return "", false
	}
	return strings.Join(path[1:], "."), true
}

// String describes an entry for people: "agent/templates/sa.yaml:12:3".
func (e Entry) String() string { return fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Col) }
