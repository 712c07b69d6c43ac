// Package supervisor turns stored specs into running objects.
//
// An object kind (HTTPServer, Pipeline, a controller) is a *Kind value
// registered with Register. The Supervisor reads every object document under
// the store's object prefix at start, creates the objects in category order
// (system controllers, business controllers, pipelines, traffic gates), then
// follows the store's watch and applies each change to its own key: a put
// builds the new generation completely (decode, validate, New, then Init or
// Inherit) before swapping it in; if any step fails the old generation keeps
// serving and the error is reported in the object's status.
package supervisor

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gatewright/gatewright/registry"
	"go.opentelemetry.io/otel/trace"
)

// Category orders objects: lower categories start first and close last.
type Category int

const (
	// SystemController objects serve the node itself.
	SystemController Category = iota
	// BusinessController objects run business logic in the background.
	BusinessController
	// PipelineCategory objects are pipelines that traffic gates route to.
	PipelineCategory
	// TrafficGate objects accept traffic (listeners).
	TrafficGate
)

// String returns the category's name as the admin API shows it.
func (c Category) String() string {
	switch c {
	case SystemController:
		return "SystemController"
	case BusinessController:
		return "BusinessController"
	case PipelineCategory:
		return "Pipeline"
	case TrafficGate:
		return "TrafficGate"
	}
	return fmt.Sprintf("Category(%d)", int(c))
}

// Object is a running object.
type Object interface {
	// Spec is the spec the object was created from.
	Spec() *Spec
	// Init starts an object that has no previous generation.
	Init() error
	// Inherit starts an object that replaces previous, the running object of
	// the same name and kind. It may take over previous's resources
	// (listeners, connection pools, health state) but must not disturb
	// previous's serving until the swap. If Inherit fails, the new object is
	// dropped and previous keeps serving. After a successful Inherit the
	// supervisor swaps the new object in and closes previous, which must
	// release only what it still owns.
	Inherit(previous Object) error
	// Status returns the runtime status for the admin API, without secrets.
	Status() any
	// Close stops the object and releases what it still owns.
	Close() error
}

// Kind describes an object kind.
type Kind struct {
	// Name is the value of "kind" in documents.
	Name string
	// Description is a one-line description.
	Description string
	// Category decides start and close order.
	Category Category
	// DefaultSpec returns a pointer to a new spec struct holding defaults.
	DefaultSpec func() any
	// New creates an object from its decoded spec. It checks everything
	// that can be checked without side effects (no listener, no goroutine):
	// a configuration is validated by calling New and dropping the result.
	New func(spec *Spec, env *Env) (Object, error)
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

// Register adds an object kind to registry.Default. Call it from init().
func Register(k *Kind) { registry.Default.Register(registry.ObjectClass, k) }

// Env is what objects receive from the supervisor that runs them.
type Env struct {
	// Registry is the kind catalogue of the gateway.
	Registry *registry.Registry
	// Logger is the object's logger.
	Logger *slog.Logger
	// Refs resolves other objects by name.
	Refs RefLookup
	// TrafficIP is the address traffic gates bind; "" means all interfaces.
	TrafficIP string
	// Data reads the cluster's shared data (keys under the store's data
	// prefix); nil when the gateway has no store.
	Data DataReader
	// Statuses reads the runtime status of every object of the supervisor
	// (controllers that report or export status use it); nil outside a
	// supervisor.
	Statuses StatusReader
	// TracerProvider traces requests (traffic gates start a server span
	// per request with it); nil when tracing is off.
	TracerProvider trace.TracerProvider
}

// StatusReader reads the runtime status of the objects a supervisor runs.
// It must not be called from an object's own Status method.
type StatusReader interface {
	// Status returns the status of every object, sorted by name.
	Status() []ObjectStatus
}

// DataReader reads the shared data kept in the cluster store beside the
// objects: user lists, lookup tables and the like. Keys are relative to the
// data prefix. Reads are local to the node and cheap, but not free: a
// filter on the request path should cache what it reads.
type DataReader interface {
	// Get returns the value of key and whether it exists.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// List returns every key under prefix with its value.
	List(ctx context.Context, prefix string) (map[string][]byte, error)
}

// Log returns the env's logger, or slog.Default.
func (e *Env) Log() *slog.Logger {
	if e == nil || e.Logger == nil {
		return slog.Default()
	}
	return e.Logger
}

// RefLookup resolves object names to stable references.
type RefLookup interface {
	// Ref returns the reference for name; it exists even while no object of
	// that name does, and follows the object through updates.
	Ref(name string) *Ref
}
