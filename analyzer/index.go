package analyzer

import (
	"iter"
	"path/filepath"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A Fact is what a run keeps of every object of one kind so that rules can
// check other objects against it: a ServiceAccount's automount setting, a
// Secret's type. As go/analysis keeps small facts about packages instead
// of the packages, a run keeps facts instead of objects: it reads every
// object of a fact's kind first, keeps what Export returns and drops the
// object, then checks the objects one by one and drops each once it is
// checked. A rule declares the facts its Check reads in Rule.Facts; only
// those are kept, so memory holds the facts and not the input.
//
// Export should keep little: the values and positions a rule's finding on
// another object needs, not the object.
type Fact[T any] struct {
	// Group and Kind are the objects it is kept of: "" is the core group,
	// and "*" matches any group or any kind.
	Group, Kind string
	// Export is what the run keeps of one object of the kind.
	Export func(*Object) T
	// Mentions, when set, is a word the document of every object whose
	// fact matters holds: a field name, such as "audience" for the
	// audiences projected tokens request. The first pass then parses only
	// the documents of the kind that may mention it, so that a fact of
	// every kind ("*") does not parse the whole input twice. Export is
	// still called on any object of the kind the first pass parses, and
	// should return the zero value for one that does not hold the word.
	Mentions string
	// When, when set, are words without which the run needs no fact at
	// all: unless a document of the input holds one of them as a word (or
	// an escape sequence that could spell one), the fact is not kept, and
	// its documents are not parsed. TL503 needs the audiences projected
	// tokens request only when the input configures an API server's
	// audiences ("api-audiences", "apiAudiences"). The first pass finds
	// out, and a pass of its own then keeps the fact. A run that holds its
	// objects (Load) keeps every fact.
	When []string
}

// Facts is a Fact of any type, for Rule.Facts.
type Facts interface {
	// KeptOf is the group and kind of the objects the fact is kept of.
	KeptOf() (group, kind string)
	export(*Object) any
	mentions() string
	when() []string
}

// KeptOf is the group and kind of the objects the fact is kept of.
func (f *Fact[T]) KeptOf() (group, kind string) { return f.Group, f.Kind }
func (f *Fact[T]) export(o *Object) any         { return f.Export(o) }
func (f *Fact[T]) mentions() string             { return f.Mentions }
func (f *Fact[T]) when() []string               { return f.When }

// matches reports whether the fact is kept of objects of the group and kind.
func matches(f Facts, group, kind string) bool {
	g, k := f.KeptOf()
	return (g == "*" || g == group) && (k == "*" || k == kind)
}

// Of is the fact of the run's object of the fact's kind with that namespace
// and name: of the first such object, when the input holds several, as the
// first `kubectl apply` of them would keep. A fact of a "*" group or kind
// is looked up in the group and kind given.
func (f *Fact[T]) Of(ix *Index, group, kind, namespace, name string) (T, bool) {
	return f.nearest(ix, "", group, kind, namespace, name)
}

// Get is Of in the fact's own group and kind.
func (f *Fact[T]) Get(ix *Index, namespace, name string) (T, bool) {
	return f.Of(ix, f.Group, f.Kind, namespace, name)
}

// Nearest is Get for an object of the file from: when the input holds
// several objects of that namespace and name (environment overlays side by
// side, a directory of test cases), the one nearest to from (see Nearer),
// the first of those equally near.
func (f *Fact[T]) Nearest(ix *Index, from, namespace, name string) (T, bool) {
	return f.nearest(ix, from, f.Group, f.Kind, namespace, name)
}

// InNamespace is how many objects of the fact's kind the run holds in the
// namespace ("" for cluster-scoped kinds).
func (f *Fact[T]) InNamespace(ix *Index, namespace string) int {
	if t := ix.table(f); t != nil {
		return t.namespaces[indexKey{group: f.Group, kind: f.Kind, namespace: namespace}]
	}
	return 0
}

// Count is how many objects of the fact's kind with that namespace and
// name the run holds.
func (f *Fact[T]) Count(ix *Index, namespace, name string) int {
	if t := ix.table(f); t != nil {
		return len(t.byKey[indexKey{f.Group, f.Kind, namespace, name}])
	}
	return 0
}

func (f *Fact[T]) nearest(ix *Index, from, group, kind, namespace, name string) (T, bool) {
	var zero T
	t := ix.table(f)
	if t == nil {
		return zero, false
	}
	es := t.byKey[indexKey{group, kind, namespace, name}]
	if len(es) == 0 {
		return zero, false
	}
	best := es[0]
	if from != "" {
		for _, e := range es[1:] {
			if Nearer(e.file, best.file, from) {
				best = e
			}
		}
	}
	return best.value.(T), true
}

// Nearer reports whether the file a is nearer to the file from than b is:
// the same file, then the same directory, then the closest directory up
// the tree, then the one sharing the deepest directory with from. Names
// are compared as absolute paths; a chart or a kustomization is named by
// its directory.
func Nearer(a, b, from string) bool {
	return nearness(a, from).less(nearness(b, from))
}

// distance ranks a file's nearness to another: by class (0 the same file,
// 1 the same directory, 2 a directory above, 3 any other), then by steps.
type distance struct{ class, steps int }

func (d distance) less(e distance) bool {
	return d.class < e.class || d.class == e.class && d.steps < e.steps
}

func nearness(file, from string) distance {
	file, from = absPath(file), absPath(from)
	if file == from {
		return distance{0, 0}
	}
	dir, fromDir := filepath.Dir(file), filepath.Dir(from)
	if dir == fromDir {
		return distance{1, 0}
	}
	if rel, err := filepath.Rel(dir, fromDir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return distance{2, strings.Count(rel, string(filepath.Separator)) + 1}
	}
	// Another branch: the deeper the directory both are under, the nearer.
	common := 0
	a, b := strings.Split(dir, string(filepath.Separator)), strings.Split(fromDir, string(filepath.Separator))
	for common < len(a) && common < len(b) && a[common] == b[common] {
		common++
	}
	return distance{3, -common}
}

// All is every fact of the run with its object's reference, in input order,
// the first of duplicates only.
func (f *Fact[T]) All(ix *Index) iter.Seq2[Ref, T] {
	return func(yield func(Ref, T) bool) {
		t := ix.table(f)
		if t == nil {
			return
		}
		for _, e := range t.list {
			if t.byKey[e.key][0].seq != e.seq {
				continue // a later duplicate
			}
			if !yield(e.ref, e.value.(T)) {
				return
			}
		}
	}
}

// Duplicated is every namespace and name that several objects of the
// fact's kind share, with each object's fact and file, in input order: for
// consumers that resolve such names by nearness, as Nearest does.
func (f *Fact[T]) Duplicated(ix *Index) iter.Seq2[Ref, []FactOf[T]] {
	return func(yield func(Ref, []FactOf[T]) bool) {
		t := ix.table(f)
		if t == nil {
			return
		}
		for _, k := range t.dups {
			es := t.byKey[k]
			out := make([]FactOf[T], len(es))
			for i, e := range es {
				out[i] = FactOf[T]{File: e.file, Value: e.value.(T)}
			}
			if !yield(es[0].ref, out) {
				return
			}
		}
	}
}

// FactOf is one object's fact, with the file the object is in.
type FactOf[T any] struct {
	File  string
	Value T
}

// Index holds the facts of one run, resolving references between its
// objects by namespace and name, never across namespaces.
type Index struct {
	tables map[Facts]*factTable

	mu   sync.Mutex
	memo map[any]any
}

type factTable struct {
	// byKey are the facts of each namespace and name, in input order.
	byKey map[indexKey][]factEntry
	list  []factEntry
	// dups are the keys several objects share, in input order.
	dups []indexKey
	// namespaces counts the objects of each group, kind and namespace.
	namespaces map[indexKey]int
}

type factEntry struct {
	seq   int // its place in the table's list
	key   indexKey
	ref   Ref
	file  string
	value any
}

// indexKey identifies an object: a custom kind named like a core one (a
// Secret of example.com) is another object.
type indexKey struct{ group, kind, namespace, name string }

// NewIndex is an index of the facts, empty until objects are added.
func NewIndex(facts ...Facts) *Index {
	ix := &Index{tables: make(map[Facts]*factTable, len(facts))}
	for _, f := range facts {
		ix.tables[f] = &factTable{byKey: map[indexKey][]factEntry{}, namespaces: map[indexKey]int{}}
	}
	return ix
}

func (ix *Index) table(f Facts) *factTable { return ix.tables[f] }

// wants reports whether any fact of the index is kept of the kind.
func (ix *Index) wants(group, kind string) bool {
	for f := range ix.tables {
		if matches(f, group, kind) {
			return true
		}
	}
	return false
}

// add keeps the facts of an object, of the facts only accepts (all when
// nil). Objects must be added in input order: the first of duplicates is
// the one Get finds.
func (ix *Index) add(o *Object, only func(Facts) bool) {
	group := o.Group()
	k := indexKey{group, o.Kind, o.Namespace, o.Name}
	for f, t := range ix.tables {
		if !matches(f, group, o.Kind) || only != nil && !only(f) {
			continue
		}
		e := factEntry{seq: len(t.list), key: k, ref: o.Ref(), file: o.File, value: f.export(o)}
		if len(t.byKey[k]) == 1 {
			t.dups = append(t.dups, k)
		}
		t.byKey[k] = append(t.byKey[k], e)
		t.list = append(t.list, e)
		t.namespaces[indexKey{group: group, kind: o.Kind, namespace: o.Namespace}]++
	}
}

// Memo is the value build makes for key, made once for the index: what
// rules derive from the run's facts as a whole (the Rego policies'
// inventory) lives as long as the run's index, and no longer. build runs
// with the index locked, so it should only allocate; key is a value of a
// type of the caller's own, as for context.WithValue.
func (ix *Index) Memo(key any, build func() any) any {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if v, ok := ix.memo[key]; ok {
		return v
	}
	if ix.memo == nil {
		ix.memo = map[any]any{}
	}
	v := build()
	ix.memo[key] = v
	return v
}

// Group is the API group of an object: "" for the core group (apiVersion "v1").
func (o *Object) Group() string {
	gv, err := schema.ParseGroupVersion(o.APIVersion)
	if err != nil {
		return o.APIVersion
	}
	return gv.Group
}
