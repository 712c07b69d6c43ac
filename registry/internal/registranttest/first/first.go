// Package first registers a test kind named "Twin" from its own package, so
// registry tests can check that a duplicate names both packages.
package first

import "github.com/gatewright/gatewright/registry"

// Kind is a minimal kind named "Twin".
type Kind struct{}

// KindName returns "Twin".
func (Kind) KindName() string { return "Twin" }

// KindDescription describes the test kind.
func (Kind) KindDescription() string { return "test kind registered by package first" }

// NewSpec returns an empty spec.
func (Kind) NewSpec() any { return &struct{}{} }

// Register registers the kind into r, as an init function would.
func Register(r *registry.Registry) error { return add(r) }

func add(r *registry.Registry) error { return r.TryRegister(registry.FilterClass, Kind{}) }
