// Package second registers another test kind named "Twin", colliding with
// package first.
package second

import "github.com/gatewright/gatewright/registry"

// Kind is a minimal kind named "Twin".
type Kind struct{}

// KindName returns "Twin".
func (Kind) KindName() string { return "Twin" }

// KindDescription describes the test kind.
func (Kind) KindDescription() string { return "test kind registered by package second" }

// NewSpec returns an empty spec.
func (Kind) NewSpec() any { return &struct{}{} }

// Install registers the kind into r with the panicking Register.
func Install(r *registry.Registry) { r.Register(registry.FilterClass, Kind{}) }
