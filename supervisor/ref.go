package supervisor

import (
	"sync"
	"sync/atomic"
)

// Ref is a stable handle on the current generation of a named object. A
// traffic gate resolves its backends to Refs when it compiles its routes;
// per request it only loads the pointer, taking no lock.
type Ref struct {
	name string
	cur  atomic.Pointer[objectBox]
}

type objectBox struct{ obj Object }

// Name returns the referenced object's name.
func (r *Ref) Name() string { return r.name }

// Load returns the current object, or nil if there is none.
func (r *Ref) Load() Object {
	b := r.cur.Load()
	if b == nil {
		return nil
	}
	return b.obj
}

func (r *Ref) store(o Object) {
	if o == nil {
		r.cur.Store(nil)
		return
	}
	r.cur.Store(&objectBox{obj: o})
}

// RefTable hands out Refs by name and sets what they point to. The
// Supervisor keeps one; embedders and tests that run objects by hand can
// use their own.
type RefTable struct {
	mu   sync.Mutex
	refs map[string]*Ref
}

// Ref returns the reference for name, creating it if needed.
func (t *RefTable) Ref(name string) *Ref {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.refs == nil {
		t.refs = map[string]*Ref{}
	}
	r, ok := t.refs[name]
	if !ok {
		r = &Ref{name: name}
		t.refs[name] = r
	}
	return r
}

// Set points the reference for name at obj (nil clears it).
func (t *RefTable) Set(name string, obj Object) { t.Ref(name).store(obj) }

// ClearAll points every reference at nothing.
func (t *RefTable) ClearAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.refs {
		r.store(nil)
	}
}
