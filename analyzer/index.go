package analyzer

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Index resolves references between the objects of one run. References
// resolve by namespace and name, never across namespaces.
type Index struct {
	objects []*Object
	byKey   map[indexKey]*Object
	kinds   map[indexKey]bool // kind and namespace present in the run

	mu   sync.Mutex
	memo map[any]any
}

// Memo is the value build makes for key, made once for the index: what
// rules derive from the run's objects as a whole (the Rego policies'
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

// indexKey identifies an object: a custom kind named like a core one (a
// Secret of example.com) is another object.
type indexKey struct{ group, kind, namespace, name string }

// Group is the API group of an object: "" for the core group (apiVersion "v1").
func (o *Object) Group() string {
	gv, err := schema.ParseGroupVersion(o.APIVersion)
	if err != nil {
		return o.APIVersion
	}
	return gv.Group
}

// NewIndex indexes objects. When two objects share kind, namespace and name,
// the first one given wins, as the first `kubectl apply` of them would.
func NewIndex(objects []*Object) *Index {
	ix := &Index{objects: objects, byKey: make(map[indexKey]*Object, len(objects)), kinds: map[indexKey]bool{}}
	for _, o := range objects {
		group := o.Group()
		k := indexKey{group, o.Kind, o.Namespace, o.Name}
		if _, dup := ix.byKey[k]; !dup {
			ix.byKey[k] = o
		}
		ix.kinds[indexKey{group: group, kind: o.Kind, namespace: o.Namespace}] = true
	}
	return ix
}

// Objects returns every object of the run, in input order.
func (ix *Index) Objects() []*Object { return ix.objects }

// Get returns the object of a group ("" for core) and kind with that
// namespace and name, or nil.
func (ix *Index) Get(group, kind, namespace, name string) *Object {
	return ix.byKey[indexKey{group, kind, namespace, name}]
}

// Defines reports whether the run holds any object of the group and kind in
// the namespace.
func (ix *Index) Defines(group, kind, namespace string) bool {
	return ix.kinds[indexKey{group: group, kind: kind, namespace: namespace}]
}

// ServiceAccount returns the run's ServiceAccount with that namespace and
// name, if it has one.
func (ix *Index) ServiceAccount(namespace, name string) (*Object, *corev1.ServiceAccount) {
	o := ix.Get("", "ServiceAccount", namespace, name)
	if o == nil {
		return nil, nil
	}
	sa, ok := o.Typed.(*corev1.ServiceAccount)
	if !ok {
		return nil, nil
	}
	return o, sa
}

// Secret returns the run's Secret with that namespace and name, if it has one.
func (ix *Index) Secret(namespace, name string) (*Object, *corev1.Secret) {
	o := ix.Get("", "Secret", namespace, name)
	if o == nil {
		return nil, nil
	}
	s, ok := o.Typed.(*corev1.Secret)
	if !ok {
		return nil, nil
	}
	return o, s
}
