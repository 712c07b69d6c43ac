// Package pipeline provides the Pipeline object: a flow of filters run over
// per-namespace request/response slots, with jumpIf routing on filter
// results and resilience policies that filters reference by name.
//
// A flow is compiled to indices when the pipeline is built: per request the
// pipeline walks a slice, calls each filter and follows the jump chosen by
// the returned result, with no map lookups and no allocation.
package pipeline

import (
	"github.com/gatewright/gatewright/supervisor"
)

// KindName is the object kind of pipelines.
const KindName = "Pipeline"

// End is the built-in flow label that stops the run.
const End = "END"

// Spec is the Pipeline document's own fields.
type Spec struct {
	// Flow is the execution order; empty runs each filter once in order.
	Flow []FlowNode `json:"flow,omitempty" jsonschema:"description=execution order; empty runs each filter once in order"`
	// Filters declares the filters: name, kind and the kind's fields.
	Filters []map[string]any `json:"filters" kinds:"filter" jsonschema:"required,description=filters: name and kind beside the kind's own fields"`
	// Resilience declares policies: name, kind and the kind's fields.
	Resilience []map[string]any `json:"resilience,omitempty" kinds:"policy" jsonschema:"description=resilience policies: name and kind beside the kind's own fields"`
	// Data is static data readable by filters.
	Data map[string]any `json:"data,omitempty"`
}

// FlowNode is one step of a flow.
type FlowNode struct {
	// Filter names a filter of the pipeline, or END.
	Filter string `json:"filter" jsonschema:"required"`
	// Alias labels this occurrence for jumps; the filter name by default.
	Alias string `json:"alias,omitempty"`
	// Namespace is the request/response slot; DEFAULT by default.
	Namespace string `json:"namespace,omitempty"`
	// JumpIf maps a result to a later label or END.
	JumpIf map[string]string `json:"jumpIf,omitempty"`
}

func init() {
	supervisor.Register(Kind)
}

// Kind is the Pipeline object kind.
var Kind = &supervisor.Kind{
	Name:        KindName,
	Description: "Runs a flow of filters over a request, routing on filter results with jumpIf.",
	Category:    supervisor.PipelineCategory,
	DefaultSpec: func() any { return &Spec{} },
	New:         newObject,
}
