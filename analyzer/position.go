package analyzer

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Position is a place in an input file. Line and Column are 1-based; Column
// counts characters. EndLine and EndColumn delimit the region (the end column
// is exclusive); they are zero when unknown.
type Position struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
}

func (p Position) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Locate resolves a field path to a position. A mapping value is located at its
// key; a list item at its first character. A path whose field is absent
// resolves to its nearest existing ancestor, so a missing field points at the
// parent that should hold it. The second result is the part of the path that
// was found.
func (o *Object) Locate(path string) (Position, string) {
	node := o.node
	pos := o.pos(o.kindKey(), nil)
	segs := parsePath(path)
	found := 0
	for _, seg := range segs {
		node = deref(node)
		if node == nil {
			break
		}
		if seg.isIdx {
			if node.Kind != yaml.SequenceNode || seg.index < 0 || seg.index >= len(node.Content) {
				break
			}
			node = node.Content[seg.index]
			pos = o.pos(node, nil)
			found++
			continue
		}
		if node.Kind != yaml.MappingNode {
			break
		}
		k, v := o.lookup(node, seg.key)
		if k == nil {
			break
		}
		node = v
		pos = o.pos(k, v)
		found++
	}
	return pos, joinSegments(segs[:found])
}

// kindKey is the node of the object's "kind:" key, where whole-object findings
// point.
func (o *Object) kindKey() *yaml.Node {
	if k, _ := o.lookup(deref(o.node), "kind"); k != nil {
		return k
	}
	return o.node
}

// pos is the position of a node; for a mapping key it spans the key and, when
// the value is a scalar on the same line, the value too.
func (o *Object) pos(n, value *yaml.Node) Position {
	if n == nil {
		return Position{File: o.File, Line: o.lineOffset + 1, Column: 1}
	}
	p := Position{File: o.File, Line: n.Line + o.lineOffset, Column: n.Column}
	end := n
	if value != nil && value.Kind == yaml.ScalarNode && value.Line == n.Line && !isBlockScalar(value) {
		end = value
	}
	p.EndLine = end.Line + o.lineOffset
	p.EndColumn = end.Column + scalarWidth(end)
	return p
}

func isBlockScalar(n *yaml.Node) bool {
	return n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// scalarWidth is the width in characters of a scalar as written, or of the
// first character of a collection.
func scalarWidth(n *yaml.Node) int {
	if n.Kind != yaml.ScalarNode {
		return 1
	}
	v := n.Value
	if i := strings.IndexByte(v, '\n'); i >= 0 {
		v = v[:i]
	}
	w := utf8.RuneCountInString(v)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		w += 2
	}
	if w == 0 {
		w = 1
	}
	return w
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

// lookupKey finds the key that decides a field of a mapping node, with the
// merge semantics of the loader (see converter.mapping): entries in order,
// the last one setting the key wins, and in a list of merged mappings the
// earlier ones win.
func lookupKey(m *yaml.Node, key string) (k, v *yaml.Node) {
	return lookupKeyMemo(m, key, nil, nil)
}

// lookup is lookupKey through the object's index of its large mappings.
func (o *Object) lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	return lookupKeyMemo(m, key, nil, &o.keys)
}

type keyNodes struct{ k, v *yaml.Node }

// lookupKeyMemo is lookupKey remembering the answer for each mapping:
// merging the same anchor again and again must not make the search
// exponential, and a mapping merged into itself must not loop. It needs no
// depth limit of its own: it only runs on documents the converter accepted,
// within its limits. With an index (ix), a large mapping's keys are looked
// up in it rather than read one by one.
func lookupKeyMemo(m *yaml.Node, key string, memo map[*yaml.Node]keyNodes, ix *keyIndex) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	if found, ok := memo[m]; ok {
		return found.k, found.v
	}
	if ix != nil && len(m.Content) >= 2*keyIndexMin {
		mk := ix.of(m)
		explicit, ok := mk.last[key]
		if !ok {
			explicit = -1
		}
		// A merge after the last explicit key overrides it; the last
		// merge that has the key wins.
		for j := len(mk.merges) - 1; j >= 0 && mk.merges[j] > explicit; j-- {
			if memo == nil {
				memo = map[*yaml.Node]keyNodes{}
			}
			memo[m] = keyNodes{} // a mapping merged into itself adds nothing
			if fk, fv := mergedKey(m.Content[mk.merges[j]+1], key, memo, ix); fk != nil {
				memo[m] = keyNodes{fk, fv}
				return fk, fv
			}
		}
		if explicit >= 0 {
			k, v = m.Content[explicit], m.Content[explicit+1]
		}
		if memo != nil {
			memo[m] = keyNodes{k, v}
		}
		return k, v
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if !isMergeKey(kn) {
			if kn.Kind == yaml.ScalarNode && keyString(kn) == key {
				k, v = kn, m.Content[i+1]
			}
			continue
		}
		if memo == nil {
			memo = map[*yaml.Node]keyNodes{}
		}
		memo[m] = keyNodes{} // a mapping merged into itself adds nothing
		if mk, mv := mergedKey(m.Content[i+1], key, memo, ix); mk != nil {
			k, v = mk, mv
		}
	}
	if memo != nil {
		memo[m] = keyNodes{k, v}
	}
	return k, v
}

// mergedKey looks a key up in the value of a merge key: a mapping, or a
// list of mappings of which the earlier win.
func mergedKey(value *yaml.Node, key string, memo map[*yaml.Node]keyNodes, ix *keyIndex) (k, v *yaml.Node) {
	src := deref(value)
	if src != nil && src.Kind == yaml.SequenceNode {
		for _, s := range src.Content {
			if mk, mv := lookupKeyMemo(deref(s), key, memo, ix); mk != nil {
				return mk, mv
			}
		}
		return nil, nil
	}
	return lookupKeyMemo(src, key, memo, ix)
}

// keyIndexMin is the number of entries from which a mapping's keys are
// indexed.
const keyIndexMin = 32

// keyIndex holds where each key of an object's large mappings is set, so
// that looking a key up costs as little in a mapping of 50,000 keys as in
// one of five: when every lookup read its mapping from the start, a finding
// on each of 50,000 annotations cost 50,000² comparisons (40 s). Rules
// checking other objects locate this object's fields concurrently (the
// ServiceAccount a workload's message names), hence the lock.
type keyIndex struct {
	mu     sync.Mutex
	byNode map[*yaml.Node]*mappingKeys
}

// mappingKeys indexes one mapping: the entry (the index of its key in
// Content) of each key's last explicit setting, and of every merge key.
type mappingKeys struct {
	last   map[string]int
	merges []int
}

func (ix *keyIndex) of(m *yaml.Node) *mappingKeys {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if mk := ix.byNode[m]; mk != nil {
		return mk
	}
	mk := &mappingKeys{last: make(map[string]int, len(m.Content)/2)}
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch kn := m.Content[i]; {
		case isMergeKey(kn):
			mk.merges = append(mk.merges, i)
		case kn.Kind == yaml.ScalarNode:
			mk.last[keyString(kn)] = i
		}
	}
	if ix.byNode == nil {
		ix.byNode = map[*yaml.Node]*mappingKeys{}
	}
	ix.byNode[m] = mk
	return mk
}

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && n.Style == 0 && n.ShortTag() == "!!merge"
}
