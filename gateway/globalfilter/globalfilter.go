package globalfilter

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/supervisor"
)

// KindName is the object kind of global filters.
const KindName = "GlobalFilter"

// drainTimeout bounds how long Close waits for in-flight requests.
const drainTimeout = 30 * time.Second

func init() {
	supervisor.Register(Kind)
}

// Kind is the GlobalFilter object kind.
var Kind = &supervisor.Kind{
	Name:        KindName,
	Description: "Runs a before flow and an after flow around every pipeline of the HTTP servers that name it.",
	Category:    supervisor.BusinessController,
	DefaultSpec: func() any { return &Spec{} },
	New:         newObject,
}

// GlobalFilter is a running GlobalFilter object (one generation).
type GlobalFilter struct {
	spec          *supervisor.Spec
	before, after *pipeline.Flow
	fall          Fallthrough

	inflight atomic.Int64
	closing  atomic.Bool
}

var _ supervisor.Object = (*GlobalFilter)(nil)

// Runner is what a GlobalFilter runs between its flows: a *pipeline.Pipeline.
type Runner interface {
	// Run runs over ctx and reports its result and whether it ended early.
	Run(ctx *filter.Context) (result string, endedEarly bool)
}

// newObject compiles both flows; it starts nothing.
func newObject(spec *supervisor.Spec, env *supervisor.Env) (supervisor.Object, error) {
	body, ok := spec.Body.(*Spec)
	if !ok || body == nil {
		return nil, fmt.Errorf("spec body is %T, want *globalfilter.Spec", spec.Body)
	}
	if err := body.Validate(); err != nil {
		return nil, err
	}
	if env == nil {
		env = &supervisor.Env{}
	}
	g := &GlobalFilter{spec: spec, fall: body.Fallthrough}
	var data filter.DataReader
	if env.Data != nil {
		data = env.Data
	}
	var err error
	if body.BeforePipeline != nil {
		g.before, err = pipeline.NewFlow(env.Registry, spec.Name, (*pipeline.Spec)(body.BeforePipeline), env.Log().With("flow", "beforePipeline"), data)
		if err != nil {
			return nil, fmt.Errorf("beforePipeline: %w", err)
		}
	}
	if body.AfterPipeline != nil {
		g.after, err = pipeline.NewFlow(env.Registry, spec.Name, (*pipeline.Spec)(body.AfterPipeline), env.Log().With("flow", "afterPipeline"), data)
		if err != nil {
			return nil, fmt.Errorf("afterPipeline: %w", err)
		}
	}
	return g, nil
}

// Spec returns the spec the object was created from.
func (g *GlobalFilter) Spec() *supervisor.Spec { return g.spec }

// Init starts the filters of both flows.
func (g *GlobalFilter) Init() error { return g.start(nil) }

// Inherit starts the filters of both flows, handing each the filter of
// the same name and kind of previous's flow.
func (g *GlobalFilter) Inherit(previous supervisor.Object) error {
	prev, _ := previous.(*GlobalFilter)
	return g.start(prev)
}

func (g *GlobalFilter) start(prev *GlobalFilter) error {
	var prevBefore, prevAfter *pipeline.Flow
	if prev != nil {
		prevBefore, prevAfter = prev.before, prev.after
	}
	if g.before != nil {
		if err := g.before.Inherit(prevBefore); err != nil {
			return fmt.Errorf("beforePipeline: %w", err)
		}
	}
	if g.after != nil {
		if err := g.after.Inherit(prevAfter); err != nil {
			if g.before != nil {
				_ = g.before.Close()
			}
			return fmt.Errorf("afterPipeline: %w", err)
		}
	}
	return nil
}

// Acquire marks a request in flight. It returns false when the object is
// being closed: the caller loads the current generation again.
func (g *GlobalFilter) Acquire() bool {
	g.inflight.Add(1)
	if g.closing.Load() {
		g.inflight.Add(-1)
		return false
	}
	return true
}

// Release ends a request started with Acquire.
func (g *GlobalFilter) Release() { g.inflight.Add(-1) }

// Handle runs the before flow, p and the after flow over ctx, as the
// fallthrough settings allow, and returns the last result. p may be nil
// (no pipeline to run between the flows).
func (g *GlobalFilter) Handle(ctx *filter.Context, p Runner) string {
	result, early := "", false
	if g.before != nil {
		result, early = g.before.Run(ctx)
		if early && !g.fall.BeforePipeline {
			return result
		}
	}
	if p != nil {
		result, early = p.Run(ctx)
		if early && !g.fall.Pipeline {
			return result
		}
	}
	if g.after != nil {
		result, _ = g.after.Run(ctx)
	}
	return result
}

// Status is the status of a GlobalFilter: its flows' filters.
type Status struct {
	BeforePipeline []pipeline.FilterStatus `json:"beforePipeline,omitempty"`
	AfterPipeline  []pipeline.FilterStatus `json:"afterPipeline,omitempty"`
}

// Status returns a Status.
func (g *GlobalFilter) Status() any {
	st := Status{}
	if g.before != nil {
		st.BeforePipeline = g.before.Status()
	}
	if g.after != nil {
		st.AfterPipeline = g.after.Status()
	}
	return st
}

// Close stops new requests, waits for in-flight ones (bounded) and closes
// the filters of both flows.
func (g *GlobalFilter) Close() error {
	g.closing.Store(true)
	deadline := time.Now().Add(drainTimeout)
	for g.inflight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	var errs []error
	if g.after != nil {
		if err := g.after.Close(); err != nil {
			errs = append(errs, fmt.Errorf("afterPipeline: %w", err))
		}
	}
	if g.before != nil {
		if err := g.before.Close(); err != nil {
			errs = append(errs, fmt.Errorf("beforePipeline: %w", err))
		}
	}
	return errors.Join(errs...)
}
