// Package filter defines the Filter contract, filter kinds and the
// per-request Context that filters share inside a pipeline.
//
// A filter kind is a *Kind value registered with Register (or with a
// registry of one's own). For every filter named in a pipeline spec the
// pipeline calls Kind.New with the decoded Spec, then Init on a fresh
// pipeline, or Inherit when the pipeline replaces an older generation that
// had a filter of the same name and kind. Handle runs once per request and
// returns a result: "" carries on, any other value must be one of the
// kind's declared Results and can be routed with jumpIf.
package filter

import (
	"context"
	"log/slog"

	"github.com/gatewright/gatewright/registry"
)

// Filter is one step of a pipeline.
type Filter interface {
	// Name is the filter's name in its pipeline.
	Name() string
	// Kind is the filter's kind.
	Kind() *Kind
	// Spec is the spec the filter was created from.
	Spec() *Spec
	// Init prepares a filter that has no previous generation.
	Init() error
	// Inherit prepares a filter that replaces previous, a filter of the same
	// name and kind in the pipeline generation being replaced. It may take
	// over resources of previous (connection pools, health state) but must
	// leave previous able to serve until the swap: previous keeps serving
	// in-flight requests and is closed after them. If Inherit fails the
	// new generation is dropped and previous keeps serving.
	Inherit(previous Filter) error
	// Handle processes one request. It returns "" to carry on or one of the
	// kind's declared results.
	Handle(ctx *Context) (result string)
	// Status returns the filter's runtime status for the admin API. It must
	// not contain secrets.
	Status() any
	// Close releases what the filter still owns (not what a successor took
	// over in Inherit).
	Close() error
}

// Spec is what a filter is created from.
type Spec struct {
	// Name is the filter's name in the pipeline.
	Name string
	// Kind is the filter's kind.
	Kind *Kind
	// Pipeline is the name of the pipeline the filter belongs to.
	Pipeline string
	// Body is the decoded kind spec: the pointer returned by the kind's
	// DefaultSpec, filled from the document. Filters type-assert it.
	Body any
	// Env gives the filter the capabilities it may use.
	Env *Env
}

// Env is the set of capabilities a filter receives from its pipeline. Every
// field may be nil in tests; filters must cope with what they need missing
// by failing Init with a clear error.
type Env struct {
	// Logger is the filter's logger, with pipeline and filter attributes.
	Logger *slog.Logger
	// Policies looks up a resilience policy declared on the pipeline.
	Policies PolicyLookup
	// Data is the pipeline's static data (its data field), read-only; nil
	// when there is none.
	Data map[string]any
	// Store reads the cluster's shared data (keys under the store's data
	// prefix, relative to it); nil when the pipeline runs without a store.
	Store DataReader
}

// DataReader reads the shared data kept in the cluster store: user lists,
// lookup tables and the like. Reads are local to the node; a filter on the
// request path should cache what it reads rather than call it per request.
type DataReader interface {
	// Get returns the value of key and whether it exists.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// List returns every key under prefix with its value.
	List(ctx context.Context, prefix string) (map[string][]byte, error)
}

// Log returns the logger of the env, or slog.Default if there is none.
func (e *Env) Log() *slog.Logger {
	if e == nil || e.Logger == nil {
		return slog.Default()
	}
	return e.Logger
}

// Kind describes a filter kind.
type Kind struct {
	// Name is the value of "kind" in specs, e.g. "Proxy".
	Name string
	// Description is a one-line description.
	Description string
	// Results lists every non-empty result the kind's filters can return.
	Results []string
	// DefaultSpec returns a pointer to a new spec struct holding defaults.
	DefaultSpec func() any
	// New creates a filter from its spec. It must not start anything:
	// that is Init's and Inherit's job.
	New func(spec *Spec) Filter
}

// KindName implements registry.Kind.
func (k *Kind) KindName() string { return k.Name }

// KindDescription implements registry.Kind.
func (k *Kind) KindDescription() string { return k.Description }

// NewSpec implements registry.Kind.
func (k *Kind) NewSpec() any {
	if k.DefaultSpec == nil {
		return nil
	}
	return k.DefaultSpec()
}

// KindResults implements registry.ResultDeclarer.
func (k *Kind) KindResults() []string { return k.Results }

// HasResult reports whether result is declared by the kind.
func (k *Kind) HasResult(result string) bool {
	for _, r := range k.Results {
		if r == result {
			return true
		}
	}
	return false
}

// Register adds a filter kind to registry.Default. Call it from init().
func Register(k *Kind) { registry.Default.Register(registry.FilterClass, k) }

// Base implements the bookkeeping methods of Filter (Name, Kind, Spec) and
// do-nothing Status and Close, for filters to embed.
type Base struct {
	spec *Spec
}

// NewBase returns a Base for spec.
func NewBase(spec *Spec) Base { return Base{spec: spec} }

// Name returns the filter's name.
func (b *Base) Name() string { return b.spec.Name }

// Kind returns the filter's kind.
func (b *Base) Kind() *Kind { return b.spec.Kind }

// Spec returns the filter's spec.
func (b *Base) Spec() *Spec { return b.spec }

// Log returns the filter's logger.
func (b *Base) Log() *slog.Logger { return b.spec.Env.Log() }

// Status returns nil: no status.
func (b *Base) Status() any { return nil }

// Close does nothing.
func (b *Base) Close() error { return nil }
