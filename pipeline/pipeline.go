package pipeline

import (
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/supervisor"
)

// drainTimeout bounds how long Close waits for in-flight requests.
const drainTimeout = 30 * time.Second

// Pipeline is a running pipeline object.
type Pipeline struct {
	spec *supervisor.Spec
	env  *supervisor.Env
	plan *flowPlan

	inflight atomic.Int64
	closing  atomic.Bool
}

var _ supervisor.Object = (*Pipeline)(nil)

func newObject(spec *supervisor.Spec, env *supervisor.Env) (supervisor.Object, error) {
	body := spec.Body.(*Spec)
	plan, err := compile(env.Registry, spec.Name, body, env.Log(), dataReader(env))
	if err != nil {
		return nil, err
	}
	return &Pipeline{spec: spec, env: env, plan: plan}, nil
}

// Spec returns the pipeline's spec.
func (p *Pipeline) Spec() *supervisor.Spec { return p.spec }

// Init starts every filter.
func (p *Pipeline) Init() error { return p.start(nil) }

// Inherit starts every filter, handing each the filter of the same name and
// kind from previous so it can keep connection pools and health state.
func (p *Pipeline) Inherit(previous supervisor.Object) error {
	prev, ok := previous.(*Pipeline)
	if !ok {
		return p.start(nil)
	}
	p.plan.stats.inherit(prev.plan.stats)
	return p.start(prev.plan)
}

func (p *Pipeline) start(prev *flowPlan) error { return p.plan.start(prev) }

// Acquire marks a request in flight. It returns false when the pipeline is
// being closed: the caller loads the current generation again.
func (p *Pipeline) Acquire() bool {
	p.inflight.Add(1)
	if p.closing.Load() {
		p.inflight.Add(-1)
		return false
	}
	return true
}

// Release ends a request started with Acquire.
func (p *Pipeline) Release() { p.inflight.Add(-1) }

// Handle runs the flow over ctx and returns the last filter's result. The
// context is left in the DEFAULT namespace.
func (p *Pipeline) Handle(ctx *filter.Context) string {
	start := time.Now()
	result, _, end := runFlow(p.plan.nodes, ctx, start)
	p.plan.stats.observe(result, start, end)
	ctx.UseNamespace(filter.DefaultNamespace)
	return result
}

// runFlow walks compiled nodes. It reports the last result and whether the
// run ended early: an END node reached, a jump to END, or an unhandled
// result (not early: the flow ran past its last node). now is the time the
// run starts, and done the time the last counted filter returned (now if
// none was counted): each filter's end is the next one's start, so a flow
// of n filters reads the clock n times.
func runFlow(nodes []node, ctx *filter.Context, now time.Time) (result string, early bool, done time.Time) {
	end := len(nodes)
	for i := 0; i < end; {
		n := &nodes[i]
		if n.filter == nil {
			return result, true, now
		}
		ctx.UseNamespace(n.namespace)
		result, now = n.handle(ctx, now) // the filter, counted and traced: metrics.go
		if result == "" {
			if n.onEmpty == end && i+1 != end {
				return result, true, now
			}
			i = n.onEmpty
			continue
		}
		next := -1
		for j := range n.jumps {
			if n.jumps[j].result == result {
				next = n.jumps[j].target
				break
			}
		}
		if next < 0 || next == end {
			return result, true, now
		}
		i = next
	}
	return result, false, now
}

// FilterStatus is one filter's entry in the pipeline status.
type FilterStatus struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status any    `json:"status,omitempty"`
}

// Status lists the filters with their own status.
func (p *Pipeline) Status() any {
	out := struct {
		Filters []FilterStatus `json:"filters"`
	}{}
	for _, f := range p.plan.filters {
		out.Filters = append(out.Filters, FilterStatus{Name: f.Name(), Kind: f.Kind().Name, Status: f.Status()})
	}
	return out
}

// Filter returns the running filter called name.
func (p *Pipeline) Filter(name string) (filter.Filter, bool) {
	f, ok := p.plan.byName[name]
	return f, ok
}

// Close stops new requests, waits for in-flight ones (bounded) and closes
// the filters in reverse order.
func (p *Pipeline) Close() error {
	p.closing.Store(true)
	deadline := time.Now().Add(drainTimeout)
	for p.inflight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return p.plan.close()
}

// dataReader returns the env's shared-data reader as a filter.DataReader,
// or nil when there is none (a nil interface, not a typed nil).
func dataReader(env *supervisor.Env) filter.DataReader {
	if env.Data == nil {
		return nil
	}
	return env.Data
}
