package globalfilter

import (
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the GlobalFilter document's own fields.
type Spec struct {
	// BeforePipeline runs before the routed pipeline.
	BeforePipeline *FlowSpec `json:"beforePipeline,omitempty" jsonschema_description:"pipeline body (flow; filters; resilience; data) run before the routed pipeline"`
	// AfterPipeline runs after the routed pipeline.
	AfterPipeline *FlowSpec `json:"afterPipeline,omitempty" jsonschema_description:"pipeline body (flow; filters; resilience; data) run after the routed pipeline"`
	// Fallthrough says which flows run after an earlier one ended early.
	Fallthrough Fallthrough `json:"fallthrough,omitzero"`
}

// FlowSpec is a pipeline body: flow, filters, resilience and data, as in a
// Pipeline document. (A type of its own: the schema generator names types
// by their bare name, and the document's own type is also called Spec.)
type FlowSpec pipeline.Spec

// Fallthrough says which flows still run after an earlier one ended early
// (reached END or stopped on an unhandled result).
type Fallthrough struct {
	// BeforePipeline runs the routed pipeline even if the before flow
	// ended early.
	BeforePipeline bool `json:"beforePipeline,omitempty" jsonschema:"description=run the routed pipeline even if the before flow ended early"`
	// Pipeline runs the after flow even if the routed pipeline ended
	// early.
	Pipeline bool `json:"pipeline,omitempty" jsonschema:"description=run the after flow even if the routed pipeline ended early"`
}

// Validate requires at least one flow.
func (s *Spec) Validate() error {
	if s.BeforePipeline == nil && s.AfterPipeline == nil {
		return registry.FieldError{Reason: "at least one of beforePipeline and afterPipeline is required"}
	}
	return nil
}
