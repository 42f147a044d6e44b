package analyzer

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/resource"
)

// A built object's findings are placed where its fields are written. The
// origin annotation names the resource file; the transformer annotation
// names, in the order they ran, the kustomization files whose patch
// transformers ran over the object (kustomize records a transformer on every
// object it ran over, changed or not). For a finding's field, the patches of
// those kustomizations are tried from the last applied to the first: the
// first that targets the object and writes the field (a strategic-merge
// patch holding it, a JSON 6902 op adding or replacing it or an ancestor)
// is where it was written. Otherwise it is the resource file, in the
// document of the object's kind and name. List items are matched by their
// merge key (name, mountPath, ...) as a strategic merge matches them, so an
// item a patch added before another does not shift the base's lines.

// kustomizeBuild is what the placers of one build share: the files it
// read, and those parsed so far. Rules run on all CPUs, so placing takes
// the lock.
type kustomizeBuild struct {
	root, absRoot, kfile string
	files                map[string][]byte

	mu             sync.Mutex
	kustomizations map[string]*kustomizationDoc
	resources      map[string][]*Object // the documents of a resource file
}

// kustomizePlacer places the findings of one built object.
type kustomizePlacer struct {
	build           *kustomizeBuild
	origin          *resource.Origin
	transformations resource.Transformations
	obj             *Object
}

// bind is the placer of the object parsed from its document.
func (p *kustomizePlacer) bind(o *Object) Placer {
	c := *p
	c.obj = o
	return &c
}

// display names an absolute file as the user named the build.
func (b *kustomizeBuild) display(abs string) string { return displayName(b.root, b.absRoot, abs) }

// Place implements Placer.
func (p *kustomizePlacer) Place(path string, pos Position) (Position, []Related, bool) {
	if p.obj == nil {
		return Position{}, nil, false
	}
	p.build.mu.Lock()
	defer p.build.mu.Unlock()
	overlay := Related{Position: Position{File: p.build.kfile, Line: 1, Column: 1}, Message: "built by the kustomization " + p.build.kfile}
	if p.origin == nil {
		return p.unplaced(pos, overlay)
	}
	_, found := p.obj.Locate(path)
	segs := parsePath(found)
	doc := p.resourceDoc()
	var base Position
	baseOK := false
	resourceName := ""
	if doc != nil {
		resourceName = scalarAt(doc, "metadata.name")
		base, baseOK = locateIn(p.obj, doc, segs)
	}
	for i := len(p.transformations) - 1; i >= 0; i-- {
		t := p.transformations[i]
		if i > 0 && *p.transformations[i-1] == *t {
			continue // one record per patch of the kustomization: tried once
		}
		if t.Repo != "" || t.ConfiguredIn == "" {
			continue
		}
		k := p.build.kustomization(filepath.Join(p.build.absRoot, t.ConfiguredIn))
		if k == nil {
			continue
		}
		for _, pt := range slices.Backward(k.patches(t.ConfiguredBy.Kind, p.build)) {
			if !pt.targets(p.obj, resourceName) {
				continue
			}
			if at, ok := pt.writes(p.obj, segs); ok {
				// The overlay comes last: messages that name a
				// field's place name the last related one.
				var related []Related
				switch {
				case baseOK:
					related = append(related, Related{Position: base, Message: fmt.Sprintf("patches the base resource at %s:%d", base.File, base.Line)})
				case doc != nil:
					// The field is the patch's alone: the resource
					// it patched.
					whole, _ := doc.Locate("")
					related = append(related, Related{Position: whole, Message: fmt.Sprintf("patches the base resource at %s:%d", whole.File, whole.Line)})
				}
				related = append(related, overlay)
				return at, related, true
			}
		}
	}
	if !baseOK {
		if at, ok := p.generatorPlace(segs); ok {
			return at, []Related{overlay}, true
		}
		return p.unplaced(pos, overlay)
	}
	return base, []Related{overlay}, true
}

// unplaced is where a finding goes whose field kustomize's annotations do
// not trace to a file: the kustomization that built the object, saying so,
// with the finding's place in the built output.
func (p *kustomizePlacer) unplaced(pos Position, overlay Related) (Position, []Related, bool) {
	return overlay.Position, []Related{
		{Position: pos, Message: fmt.Sprintf("points at the built output, line %d of the kustomize build: the field could not be traced to the file that wrote it", pos.Line)},
		overlay,
	}, true
}

// generatorKeys are the kustomization keys of the generators whose objects
// are placed on their entries, by the generator's kind in the origin
// annotation.
var generatorKeys = map[string]string{"SecretGenerator": "secretGenerator", "ConfigMapGenerator": "configMapGenerator"}

// generatorEntry is the entry of a kustomization's secretGenerator or
// configMapGenerator that made the object, and the kustomization: the entry
// whose name the object's holds (kustomize adds prefixes, suffixes and the
// content hash), the longest when several do.
func (p *kustomizePlacer) generatorEntry() (*yaml.Node, *kustomizationDoc) {
	key := generatorKeys[p.origin.ConfiguredBy.Kind]
	if key == "" || p.origin.Path != "" || p.origin.Repo != "" || p.origin.ConfiguredIn == "" {
		return nil, nil
	}
	k := p.build.kustomization(filepath.Join(p.build.absRoot, p.origin.ConfiguredIn))
	if k == nil {
		return nil, nil
	}
	_, items := lookupKey(k.root, key)
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil, nil
	}
	var match *yaml.Node
	best := -1
	for _, it := range items.Content {
		it = deref(it)
		if it == nil || it.Kind != yaml.MappingNode {
			continue
		}
		_, name := lookupKey(it, "name")
		if name == nil || name.Kind != yaml.ScalarNode || !strings.Contains(p.obj.Name, name.Value) || len(name.Value) <= best {
			continue
		}
		match, best = it, len(name.Value)
	}
	if match == nil {
		return nil, nil
	}
	return match, k
}

// generatorPlace is where a generated object's field is written in the
// generator's entry: its type, an annotation or label of its options, the
// literal or file of a data key; else the entry's name.
func (p *kustomizePlacer) generatorPlace(segs []segment) (Position, bool) {
	entry, k := p.generatorEntry()
	if entry == nil {
		return Position{}, false
	}
	at := func(n *yaml.Node) (Position, bool) {
		return Position{File: k.file, Line: n.Line, Column: n.Column}, true
	}
	field := func(i int) string {
		if i < len(segs) && !segs[i].isIdx {
			return segs[i].key
		}
		return ""
	}
	switch f := field(0); {
	case f == "type" && len(segs) == 1:
		if kn, _ := lookupKey(entry, "type"); kn != nil {
			return at(kn)
		}
	case f == "metadata" && (field(1) == "annotations" || field(1) == "labels"):
		_, opts := lookupKey(entry, "options")
		kn, m := lookupKey(opts, field(1))
		if kk, _ := lookupKey(m, field(2)); kk != nil && field(2) != "" {
			return at(kk)
		}
		if kn != nil {
			return at(kn)
		}
	case (f == "data" || f == "stringData" || f == "binaryData") && field(1) != "":
		for _, list := range []string{"literals", "files"} {
			_, items := lookupKey(entry, list)
			if items == nil || items.Kind != yaml.SequenceNode {
				continue
			}
			for _, it := range items.Content {
				if it.Kind != yaml.ScalarNode {
					continue
				}
				name, _, hasKey := strings.Cut(it.Value, "=")
				if !hasKey && list == "files" {
					name = filepath.Base(it.Value) // a file's key is its base name
				}
				if strings.TrimSpace(name) == field(1) {
					return at(it)
				}
			}
		}
	}
	if kn, _ := lookupKey(entry, "name"); kn != nil {
		return at(kn)
	}
	return at(entry)
}

// Start is the first line of the object's document in its resource file.
func (p *kustomizePlacer) Start() (Position, bool) {
	if p.obj == nil || p.origin == nil {
		return Position{}, false
	}
	p.build.mu.Lock()
	defer p.build.mu.Unlock()
	if entry, k := p.generatorEntry(); entry != nil {
		return Position{File: k.file, Line: entry.Line, Column: entry.Column}, true
	}
	doc := p.resourceDoc()
	if doc == nil {
		return Position{}, false
	}
	return Position{File: doc.File, Line: doc.FirstLine(), Column: 1}, true
}

// resourceDoc is the object's document in its resource file: the one of its
// kind whose name the object's holds (kustomize adds prefixes and suffixes),
// or the one of its kind.
func (p *kustomizePlacer) resourceDoc() *Object {
	if p.origin.Path == "" || p.origin.Repo != "" {
		return nil
	}
	var candidates []*Object
	for _, src := range p.build.resourceDocs(filepath.Join(p.build.absRoot, p.origin.Path)) {
		if scalarAt(src, "kind") == p.obj.Kind {
			candidates = append(candidates, src)
		}
	}
	// kustomize prefixes and suffixes names: the object's name holds the
	// resource's.
	var match *Object
	for _, c := range candidates {
		name := scalarAt(c, "metadata.name")
		if name == p.obj.Name {
			match = c
			break
		}
		if name != "" && strings.Contains(p.obj.Name, name) && (match == nil || len(name) > len(scalarAt(match, "metadata.name"))) {
			match = c
		}
	}
	if match == nil && len(candidates) == 1 {
		match = candidates[0]
	}
	return match
}

// resourceDocs are the documents of a resource file the build read, parsed
// once.
func (b *kustomizeBuild) resourceDocs(abs string) []*Object {
	if docs, ok := b.resources[abs]; ok {
		return docs
	}
	var docs []*Object
	if data, ok := b.files[abs]; ok {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if dec.Decode(&doc) != nil {
				break
			}
			if root := deref(&doc); root != nil && root.Kind == yaml.MappingNode {
				docs = append(docs, &Object{File: b.display(abs), node: root})
			}
		}
	}
	b.resources[abs] = docs
	return docs
}

// scalarAt is the string at a path of a document, empty when there is none.
func scalarAt(o *Object, path string) string {
	_, n := o.nodeAt(path)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// mergeKeys are the keys lists of the Kubernetes API merge their items by,
// tried in order.
var mergeKeys = []string{"name", "mountPath", "containerPort", "devicePath", "ip", "topologyKey", "port"}

// translate turns the segments of a field of the built object into the path
// of the same field in a source document (a resource or a patch), matching
// list items by merge key; ok is false when the document does not hold the
// whole field.
func translate(built *Object, src *Object, segs []segment) (string, bool) {
	var cur any = built.Raw
	node := src.node
	out := make([]segment, 0, len(segs))
	for _, seg := range segs {
		node = deref(node)
		if node == nil {
			return "", false
		}
		if !seg.isIdx {
			m, ok := cur.(map[string]any)
			if !ok || node.Kind != yaml.MappingNode {
				return "", false
			}
			_, v := src.lookup(node, seg.key)
			if v == nil {
				return "", false
			}
			cur, node = m[seg.key], v
			out = append(out, seg)
			continue
		}
		l, ok := cur.([]any)
		if !ok || seg.index < 0 || seg.index >= len(l) || node.Kind != yaml.SequenceNode {
			return "", false
		}
		item := l[seg.index]
		idx := -1
		if m, ok := item.(map[string]any); ok {
			for _, key := range mergeKeys {
				want, has := m[key]
				if !has {
					continue
				}
				for j, n := range node.Content {
					if _, v := src.lookup(deref(n), key); v != nil && v.Kind == yaml.ScalarNode && fmt.Sprint(want) == v.Value {
						idx = j
						break
					}
				}
				if idx < 0 {
					return "", false // the item is not in this document
				}
				break
			}
		}
		if idx < 0 {
			if seg.index >= len(node.Content) {
				return "", false
			}
			idx = seg.index
		}
		cur, node = item, node.Content[idx]
		out = append(out, segment{index: idx, isIdx: true})
	}
	return joinSegments(out), true
}

// locateIn is the position of a field of the built object in a source
// document that holds all of it.
func locateIn(built, src *Object, segs []segment) (Position, bool) {
	p, ok := translate(built, src, segs)
	if !ok {
		return Position{}, false
	}
	pos, _ := src.Locate(p)
	return pos, true
}

// kustomizationDoc is a kustomization file, parsed for its patches.
type kustomizationDoc struct {
	file, absDir string
	root         *yaml.Node
	text         []byte
	cache        map[string][]*kustomizePatch
}

// kustomization is the kustomization file at an absolute name, parsed once.
func (b *kustomizeBuild) kustomization(abs string) *kustomizationDoc {
	if k, ok := b.kustomizations[abs]; ok {
		return k
	}
	var k *kustomizationDoc
	if data, ok := b.files[abs]; ok {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) == nil {
			if root := deref(&doc); root != nil && root.Kind == yaml.MappingNode {
				k = &kustomizationDoc{file: b.display(abs), absDir: filepath.Dir(abs), root: root, text: data, cache: map[string][]*kustomizePatch{}}
			}
		}
	}
	b.kustomizations[abs] = k
	return k
}

// kustomizePatch is one patch document: a strategic-merge patch or the ops
// of a JSON 6902 patch, with the target it names.
type kustomizePatch struct {
	smp    *Object    // a strategic-merge patch document
	ops    *yaml.Node // the sequence of a JSON 6902 patch
	opsObj *Object    // positions in the 6902 patch's file
	target map[string]string
}

// patches are the patches of one patch transformer of the kustomization, in
// the order kustomize applies them.
func (k *kustomizationDoc) patches(transformer string, b *kustomizeBuild) []*kustomizePatch {
	if ps, ok := k.cache[transformer]; ok {
		return ps
	}
	var ps []*kustomizePatch
	list := func(key string) []*yaml.Node {
		if _, v := lookupKey(k.root, key); v != nil && v.Kind == yaml.SequenceNode {
			return v.Content
		}
		return nil
	}
	switch transformer {
	case "PatchStrategicMergeTransformer":
		for _, n := range list("patchesStrategicMerge") {
			ps = append(ps, k.patchDocs(n, nil, b)...)
		}
	case "PatchTransformer", "PatchJson6902Transformer":
		key := "patches"
		if transformer == "PatchJson6902Transformer" {
			key = "patchesJson6902"
		}
		for _, n := range list(key) {
			n = deref(n)
			if n == nil || n.Kind != yaml.MappingNode {
				continue
			}
			target := map[string]string{}
			if _, t := lookupKey(n, "target"); t != nil && t.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(t.Content); i += 2 {
					target[t.Content[i].Value] = t.Content[i+1].Value
				}
			}
			if _, path := lookupKey(n, "path"); path != nil && path.Kind == yaml.ScalarNode {
				ps = append(ps, k.patchDocs(path, target, b)...)
			} else if _, inline := lookupKey(n, "patch"); inline != nil {
				ps = append(ps, k.patchDocs(inline, target, b)...)
			}
		}
	}
	k.cache[transformer] = ps
	return ps
}

// patchDocs parses a patch named by a path or written inline (a scalar of
// YAML) in the kustomization.
func (k *kustomizationDoc) patchDocs(n *yaml.Node, target map[string]string, b *kustomizeBuild) []*kustomizePatch {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	var text []byte
	file, lineOffset, colOffset := "", 0, 0
	if strings.Contains(n.Value, "\n") || strings.HasPrefix(strings.TrimSpace(n.Value), "[") || strings.HasPrefix(strings.TrimSpace(n.Value), "{") {
		text, file = []byte(n.Value), k.file
		if n.Style&yaml.LiteralStyle != 0 {
			// A literal block's lines are the file's, from the line after
			// its indicator, indented by the block's indentation.
			lineOffset = n.Line
			lines := strings.Split(string(k.text), "\n")
			if n.Line < len(lines) {
				l := lines[n.Line]
				colOffset = len(l) - len(strings.TrimLeft(l, " "))
			}
		} else {
			lineOffset = -1 // not placeable line by line
		}
	} else {
		abs := filepath.Join(k.absDir, n.Value)
		data, ok := b.files[abs]
		if !ok {
			return nil
		}
		text, file = data, b.display(abs)
	}
	if lineOffset < 0 {
		return nil
	}
	var ps []*kustomizePatch
	dec := yaml.NewDecoder(strings.NewReader(string(text)))
	for {
		var doc yaml.Node
		if dec.Decode(&doc) != nil {
			break
		}
		root := deref(&doc)
		if root == nil {
			continue
		}
		shiftColumns(root, colOffset)
		o := &Object{File: file, node: root, lineOffset: lineOffset}
		switch root.Kind {
		case yaml.MappingNode:
			ps = append(ps, &kustomizePatch{smp: o, target: target})
		case yaml.SequenceNode:
			ps = append(ps, &kustomizePatch{ops: root, opsObj: o, target: target})
		}
	}
	return ps
}

// shiftColumns moves every node of a document parsed out of a literal block
// right by the block's indentation.
func shiftColumns(n *yaml.Node, by int) {
	if by == 0 {
		return
	}
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		n.Column += by
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
}

// targets reports whether the patch applies to the object: its target
// selector matches, or, for a strategic-merge patch without one, its kind
// and name are the object's (as built, or as in its resource file).
func (pt *kustomizePatch) targets(o *Object, resourceName string) bool {
	names := []string{o.Name}
	if resourceName != "" {
		names = append(names, resourceName)
	}
	if len(pt.target) == 0 {
		if pt.smp == nil {
			return false
		}
		if scalarAt(pt.smp, "kind") != o.Kind {
			return false
		}
		name := scalarAt(pt.smp, "metadata.name")
		for _, n := range names {
			if n == name {
				return true
			}
		}
		return false
	}
	t := pt.target
	group, version := splitAPIVersion(o.APIVersion)
	if t["kind"] != "" && t["kind"] != o.Kind || t["group"] != "" && t["group"] != group || t["version"] != "" && t["version"] != version {
		return false
	}
	if t["name"] != "" {
		re, err := regexp.Compile("^(?:" + t["name"] + ")$")
		if err != nil {
			return false
		}
		ok := false
		for _, n := range names {
			ok = ok || re.MatchString(n)
		}
		if !ok {
			return false
		}
	}
	if ns := t["namespace"]; ns != "" {
		re, err := regexp.Compile("^(?:" + ns + ")$")
		if err != nil || !re.MatchString(o.Namespace) {
			return false
		}
	}
	meta, _ := o.Raw["metadata"].(map[string]any)
	for key, field := range map[string]string{"labelSelector": "labels", "annotationSelector": "annotations"} {
		if t[key] == "" {
			continue
		}
		sel, err := labels.Parse(t[key])
		if err != nil {
			return false
		}
		set := labels.Set{}
		m, _ := meta[field].(map[string]any)
		for k, v := range m {
			set[k] = fmt.Sprint(v)
		}
		if !sel.Matches(set) {
			return false
		}
	}
	return true
}

func splitAPIVersion(av string) (group, version string) {
	if g, v, ok := strings.Cut(av, "/"); ok {
		return g, v
	}
	return "", av
}

// writes is where the patch writes the field, if it does.
func (pt *kustomizePatch) writes(o *Object, segs []segment) (Position, bool) {
	if pt.smp != nil {
		if len(segs) == 0 {
			return Position{}, false // the object as a whole is the resource's
		}
		return locateIn(o, pt.smp, segs)
	}
	// The last op that adds or replaces the field or an ancestor wrote
	// it: at the field inside the op's value when the value holds it,
	// else at the op's path, on the field's own name in it.
	for i := len(pt.ops.Content) - 1; i >= 0; i-- {
		op := deref(pt.ops.Content[i])
		if op == nil || op.Kind != yaml.MappingNode {
			continue
		}
		_, kind := lookupKey(op, "op")
		pk, path := lookupKey(op, "path")
		if kind == nil || path == nil || kind.Kind != yaml.ScalarNode || path.Kind != yaml.ScalarNode {
			continue
		}
		switch kind.Value {
		case "add", "replace", "copy", "move":
		default:
			continue
		}
		opSegs, ok := pointerSegments(path.Value, o)
		if !ok || len(opSegs) > len(segs) || !samePrefix(opSegs, segs) {
			continue
		}
		vk, _ := lookupKey(op, "value")
		if vk == nil || kind.Value == "copy" || kind.Value == "move" {
			return pt.opsObj.pos(pk, path), true
		}
		if len(opSegs) < len(segs) {
			if _, v := lookupKey(op, "value"); v != nil {
				sub := &Object{File: pt.opsObj.File, node: v, lineOffset: pt.opsObj.lineOffset}
				at, _ := sub.Locate(joinSegments(segs[len(opSegs):]))
				return at, true
			}
		}
		return pointerPosition(pt.opsObj, path), true
	}
	return Position{}, false
}

func samePrefix(prefix, segs []segment) bool {
	for i, s := range prefix {
		if s != segs[i] {
			return false
		}
	}
	return true
}

// pointerSegments reads a JSON pointer as field path segments; "-" (the end
// of a list) is the list's last item in the built object.
func pointerSegments(ptr string, o *Object) ([]segment, bool) {
	if ptr == "" || ptr == "/" {
		return nil, ptr == ""
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	var segs []segment
	var cur any = o.Raw
	for _, part := range strings.Split(ptr[1:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if l, ok := cur.([]any); ok {
			i, err := strconv.Atoi(part)
			if part == "-" {
				i, err = len(l)-1, nil
			}
			if err != nil || i < 0 || i >= len(l) {
				return nil, false
			}
			segs = append(segs, segment{index: i, isIdx: true})
			cur = l[i]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		segs = append(segs, segment{key: part})
		cur = m[part]
	}
	return segs, true
}

// pointerPosition is the position of the last step of a JSON pointer
// written as an op's path: the name of the field it sets.
func pointerPosition(o *Object, path *yaml.Node) Position {
	pos := o.pos(path, nil)
	i := strings.LastIndexByte(path.Value, '/')
	if i < 0 || strings.ContainsAny(path.Value, "~\\\n") {
		return pos
	}
	col := path.Column + utf8.RuneCountInString(path.Value[:i+1])
	if path.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	pos.Column, pos.EndLine, pos.EndColumn = col, pos.Line, col+max(1, utf8.RuneCountInString(path.Value[i+1:]))
	return pos
}
