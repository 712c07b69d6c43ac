package pipeline

import (
	"log/slog"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
	"github.com/valyala/fasthttp"
)

// BenchmarkFlowMetrics measures a three-filter flow with its metrics (the
// default) and without (the same plan with its counters removed), tracing
// off in both.
func BenchmarkFlowMetrics(b *testing.B) {
	for _, mode := range []string{"without", "metrics"} {
		b.Run(mode, func(b *testing.B) {
			plan := benchPlan(b)
			if mode == "without" {
				plan.stats = nil
				for i := range plan.nodes {
					plan.nodes[i].stats = nil
				}
			}
			p := &Pipeline{plan: plan}
			req := fasthttp.AcquireRequest()
			ctx := filter.NewContext()
			b.ReportAllocs()
			for b.Loop() {
				ctx.ResetDetached(req, nil, time.Time{})
				p.Handle(ctx)
				ctx.Finish()
			}
		})
	}
}

// benchPlan compiles a flow of three do-nothing filters.
func benchPlan(b *testing.B) *flowPlan {
	kind := &filter.Kind{
		Name:        "Nop",
		DefaultSpec: func() any { return &struct{}{} },
		New:         func(spec *filter.Spec) filter.Filter { return &nop{Base: filter.NewBase(spec)} },
	}
	reg := newBenchRegistry(kind)
	plan, err := compile(reg, "bench", &Spec{Filters: []map[string]any{
		{"name": "a", "kind": "Nop"}, {"name": "b", "kind": "Nop"}, {"name": "c", "kind": "Nop"},
	}}, nopLogger(), nil)
	if err != nil {
		b.Fatal(err)
	}
	return plan
}

type nop struct{ filter.Base }

func (n *nop) Init() error                   { return nil }
func (n *nop) Inherit(filter.Filter) error   { return nil }
func (n *nop) Handle(*filter.Context) string { return "" }

func newBenchRegistry(k *filter.Kind) *registry.Registry {
	r := registry.New()
	r.Register(registry.FilterClass, k)
	return r
}

func nopLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
