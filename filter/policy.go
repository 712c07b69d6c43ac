package filter

import "github.com/gatewright/gatewright/registry"

// Policy is a resilience policy declared in a pipeline's resilience list and
// referenced by name from filters (a Proxy pool's retryPolicy, say).
type Policy interface {
	// Name is the policy's name in the pipeline.
	Name() string
	// Kind is the policy's kind.
	Kind() *PolicyKind
}

// PolicyLookup finds a pipeline's policy by name.
type PolicyLookup interface {
	// Policy returns the policy named name, or false.
	Policy(name string) (Policy, bool)
}

// PolicyKind describes a resilience policy kind such as Retry.
type PolicyKind struct {
	// Name is the value of "kind" in specs.
	Name string
	// Description is a one-line description.
	Description string
	// DefaultSpec returns a pointer to a new spec struct holding defaults.
	DefaultSpec func() any
	// New creates a policy from its decoded spec.
	New func(name string, spec any) (Policy, error)
}

// KindName implements registry.Kind.
func (k *PolicyKind) KindName() string { return k.Name }

// KindDescription implements registry.Kind.
func (k *PolicyKind) KindDescription() string { return k.Description }

// NewSpec implements registry.Kind.
func (k *PolicyKind) NewSpec() any {
	if k.DefaultSpec == nil {
		return nil
	}
	return k.DefaultSpec()
}

// RegisterPolicy adds a policy kind to registry.Default. Call it from init().
func RegisterPolicy(k *PolicyKind) { registry.Default.Register(registry.PolicyClass, k) }
