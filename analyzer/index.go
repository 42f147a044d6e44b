package analyzer

import (
	"iter"
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
}

// Facts is a Fact of any type, for Rule.Facts.
type Facts interface {
	// KeptOf is the group and kind of the objects the fact is kept of.
	KeptOf() (group, kind string)
	export(*Object) any
}

// KeptOf is the group and kind of the objects the fact is kept of.
func (f *Fact[T]) KeptOf() (group, kind string) { return f.Group, f.Kind }
func (f *Fact[T]) export(o *Object) any         { return f.Export(o) }

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
	var zero T
	t := ix.table(f)
	if t == nil {
		return zero, false
	}
	e, ok := t.byKey[indexKey{group, kind, namespace, name}]
	if !ok {
		return zero, false
	}
	return e.value.(T), true
}

// Get is Of in the fact's own group and kind.
func (f *Fact[T]) Get(ix *Index, namespace, name string) (T, bool) {
	return f.Of(ix, f.Group, f.Kind, namespace, name)
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
			if !yield(e.ref, e.value.(T)) {
				return
			}
		}
	}
}

// Index holds the facts of one run, resolving references between its
// objects by namespace and name, never across namespaces.
type Index struct {
	tables map[Facts]*factTable

	mu   sync.Mutex
	memo map[any]any
}

type factTable struct {
	byKey map[indexKey]factEntry
	list  []factEntry
}

type factEntry struct {
	ref   Ref
	value any
}

// indexKey identifies an object: a custom kind named like a core one (a
// Secret of example.com) is another object.
type indexKey struct{ group, kind, namespace, name string }

// NewIndex is an index of the facts, empty until objects are added.
func NewIndex(facts ...Facts) *Index {
	ix := &Index{tables: make(map[Facts]*factTable, len(facts))}
	for _, f := range facts {
		ix.tables[f] = &factTable{byKey: map[indexKey]factEntry{}}
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

// add keeps the facts of an object. Objects must be added in input order:
// the first of duplicates wins.
func (ix *Index) add(o *Object) {
	group := o.Group()
	k := indexKey{group, o.Kind, o.Namespace, o.Name}
	for f, t := range ix.tables {
		if !matches(f, group, o.Kind) {
			continue
		}
		if _, dup := t.byKey[k]; dup {
			continue
		}
		e := factEntry{ref: o.Ref(), value: f.export(o)}
		t.byKey[k] = e
		t.list = append(t.list, e)
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
