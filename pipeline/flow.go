package pipeline

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
)

// start starts every filter of the plan, handing each the filter of the
// same name and kind from prev (nil: none) so it can keep connection pools
// and health state. On failure the filters started so far are closed.
func (f *flowPlan) start(prev *flowPlan) error {
	for i, flt := range f.filters {
		var err error
		var old filter.Filter
		if prev != nil {
			old = prev.byName[flt.Name()]
		}
		if old != nil && old.Kind() == flt.Kind() {
			err = flt.Inherit(old)
		} else {
			err = flt.Init()
		}
		if err != nil {
			for j := i - 1; j >= 0; j-- {
				_ = f.filters[j].Close()
			}
			return fmt.Errorf("filters[%d] %q: %w", i, flt.Name(), err)
		}
	}
	return nil
}

// close closes the filters in reverse order.
func (f *flowPlan) close() error {
	var errs []error
	for i := len(f.filters) - 1; i >= 0; i-- {
		if err := f.filters[i].Close(); err != nil {
			errs = append(errs, fmt.Errorf("filter %q: %w", f.filters[i].Name(), err))
		}
	}
	return errors.Join(errs...)
}

// Run runs the flow over ctx like Handle and also reports whether the run
// ended early: it reached END (an END node or a jump to END) or stopped on
// a result no jumpIf handles. Objects that run flows around a pipeline (a
// GlobalFilter) decide on it whether to go on.
func (p *Pipeline) Run(ctx *filter.Context) (result string, endedEarly bool) {
	result, endedEarly, _ = runFlow(p.plan.nodes, ctx, time.Now())
	ctx.UseNamespace(filter.DefaultNamespace)
	return result, endedEarly
}

// Flow is a pipeline body (flow, filters, resilience, data) run by an
// object other than a Pipeline, such as the before and after flows of a
// GlobalFilter. Its lifecycle follows the object's: Init or Inherit, then
// Run per request, then Close.
type Flow struct {
	plan *flowPlan
}

// NewFlow compiles a pipeline body without starting anything: it decodes
// every policy and filter against reg and compiles the flow. owner names
// the object in the filters' specs; data may be nil.
func NewFlow(reg *registry.Registry, owner string, spec *Spec, log *slog.Logger, data filter.DataReader) (*Flow, error) {
	if log == nil {
		log = slog.Default()
	}
	plan, err := compile(reg, owner, spec, log, data)
	if err != nil {
		return nil, err
	}
	return &Flow{plan: plan}, nil
}

// Init starts every filter.
func (f *Flow) Init() error { return f.plan.start(nil) }

// Inherit starts every filter, handing each the filter of the same name
// and kind of previous (which may be nil).
func (f *Flow) Inherit(previous *Flow) error {
	if previous == nil {
		return f.plan.start(nil)
	}
	return f.plan.start(previous.plan)
}

// Run runs the flow over ctx; see Pipeline.Run. The context is left in the
// DEFAULT namespace.
func (f *Flow) Run(ctx *filter.Context) (result string, endedEarly bool) {
	result, endedEarly, _ = runFlow(f.plan.nodes, ctx, time.Now())
	ctx.UseNamespace(filter.DefaultNamespace)
	return result, endedEarly
}

// Filter returns the running filter called name.
func (f *Flow) Filter(name string) (filter.Filter, bool) {
	flt, ok := f.plan.byName[name]
	return flt, ok
}

// Status lists the filters with their own status.
func (f *Flow) Status() []FilterStatus {
	out := make([]FilterStatus, 0, len(f.plan.filters))
	for _, flt := range f.plan.filters {
		out = append(out, FilterStatus{Name: flt.Name(), Kind: flt.Kind().Name, Status: flt.Status()})
	}
	return out
}

// Close closes the filters in reverse order.
func (f *Flow) Close() error { return f.plan.close() }
