// Package registry is the catalogue of kinds: filter kinds, object kinds and
// resilience policy kinds, each with a generated JSON Schema for its spec.
//
// Kinds register into a Registry value. Default serves the init-time
// registration that blank imports rely on; a gateway can be given any other
// Registry, so several gateways with different kind sets can run in one
// process.
package registry

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Class tells which catalogue a kind belongs to.
type Class int

const (
	// FilterClass kinds are filters, run inside pipelines.
	FilterClass Class = iota
	// ObjectClass kinds are top-level objects managed by the supervisor.
	ObjectClass
	// PolicyClass kinds are resilience policies declared on pipelines.
	PolicyClass
)

// String returns the lower-case name of the class.
func (c Class) String() string {
	switch c {
	case FilterClass:
		return "filter"
	case ObjectClass:
		return "object"
	case PolicyClass:
		return "policy"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// Kind is what every registrable kind provides. Packages filter, supervisor
// and pipeline define concrete kind types that satisfy it.
type Kind interface {
	// KindName is the value of the kind field in specs, e.g. "Proxy".
	KindName() string
	// KindDescription is a one-line description shown by the admin API.
	KindDescription() string
	// NewSpec returns a pointer to a fresh spec value filled with defaults.
	NewSpec() any
}

// ResultDeclarer is implemented by kinds whose instances return results
// (filters); the registry reports the results in its listings.
type ResultDeclarer interface {
	// KindResults lists every non-empty result the kind can return.
	KindResults() []string
}

// Entry is one registered kind together with its lazily built schema.
type Entry struct {
	Kind  Kind
	Class Class

	from registrant // who registered the kind

	schemaOnce sync.Once
	schema     *Schema
	schemaErr  error
}

// Schema returns the kind's compiled JSON Schema, generating it on first use.
func (e *Entry) Schema() (*Schema, error) {
	e.schemaOnce.Do(func() {
		e.schema, e.schemaErr = newSchema(e.Kind.KindName(), e.Kind.NewSpec())
	})
	return e.schema, e.schemaErr
}

// RegisteredBy returns the import path of the package that registered the
// kind ("" if it could not be told).
func (e *Entry) RegisteredBy() string { return e.from.pkg }

// Results returns the declared results of the kind, or nil.
func (e *Entry) Results() []string {
	if d, ok := e.Kind.(ResultDeclarer); ok {
		return d.KindResults()
	}
	return nil
}

// Registry is a catalogue of kinds. The zero value is not usable; call New.
type Registry struct {
	mu      sync.RWMutex
	classes [3]map[string]*Entry
}

// Default is the registry that init-time registrations go to.
var Default = New()

// New returns an empty registry.
func New() *Registry {
	r := &Registry{}
	for i := range r.classes {
		r.classes[i] = map[string]*Entry{}
	}
	return r
}

// Register adds a kind of the given class. It panics on an empty or
// duplicate name: both are programming errors found at start-up. For a
// duplicate, the message names the packages of both registrations, so a
// build whose plugins collide fails at start saying which ones:
//
//	registry: filter kind "HeaderCounter" registered twice: first by package
//	example.com/a/counter (counter.go:40), then by package
//	example.com/b/counter (counter.go:12); ...
func (r *Registry) Register(class Class, k Kind) {
	if err := r.TryRegister(class, k); err != nil {
		panic(err)
	}
}

// TryRegister is Register returning the error instead of panicking; a
// duplicate name gives a *DuplicateError.
func (r *Registry) TryRegister(class Class, k Kind) error {
	if k == nil {
		return fmt.Errorf("registry: nil %s kind", class)
	}
	name := k.KindName()
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("registry: %s kind with an empty name (%T)", class, k)
	}
	if k.NewSpec() == nil {
		return fmt.Errorf("registry: %s kind %q has no spec (NewSpec returned nil)", class, name)
	}
	from := callerRegistrant()
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.classes[class]
	if prev, ok := m[name]; ok {
		return &DuplicateError{Class: class, Name: name, First: prev.from.pkg, Second: from.pkg, first: prev.from, second: from}
	}
	m[name] = &Entry{Kind: k, Class: class, from: from}
	return nil
}

// Lookup returns the entry of a kind. An unknown kind gives an error that
// lists the known kinds of that class.
func (r *Registry) Lookup(class Class, name string) (*Entry, error) {
	r.mu.RLock()
	e, ok := r.classes[class][name]
	r.mu.RUnlock()
	if ok {
		return e, nil
	}
	return nil, fmt.Errorf("unknown %s kind %q (known: %s)", class, name, strings.Join(r.Names(class), ", "))
}

// Names returns the sorted names of the registered kinds of a class.
func (r *Registry) Names(class Class) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.classes[class]))
	for n := range r.classes[class] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Entries returns the entries of a class sorted by name.
func (r *Registry) Entries(class Class) []*Entry {
	names := r.Names(class)
	out := make([]*Entry, 0, len(names))
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, n := range names {
		out = append(out, r.classes[class][n])
	}
	return out
}

// Clone returns a new registry holding the same kinds, for embedders that
// start from Default and add or leave out kinds.
func (r *Registry) Clone() *Registry {
	c := New()
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i, m := range r.classes {
		for n, e := range m {
			c.classes[i][n] = &Entry{Kind: e.Kind, Class: e.Class, from: e.from}
		}
	}
	return c
}
