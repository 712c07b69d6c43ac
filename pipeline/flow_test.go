package pipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/valyala/fasthttp"
)

func TestRunReportsEndedEarly(t *testing.T) {
	cases := []struct {
		name, doc string
		early     bool
	}{
		{"ran past the last node", `
kind: Pipeline
name: p
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`, false},
		{"END node", `
kind: Pipeline
name: p
flow: [{filter: a}, {filter: END}, {filter: b}]
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`, true},
		{"END node last", `
kind: Pipeline
name: p
flow: [{filter: a}, {filter: END}]
filters: [{name: a, kind: Step}]`, true},
		{"unhandled result", `
kind: Pipeline
name: p
filters: [{name: a, kind: Step, result: miss}, {name: b, kind: Step}]`, true},
		{"jump to END on a result", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: END}}, {filter: b}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}]`, true},
		{"jump to END on success", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {"": END}}, {filter: b}]
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`, true},
		{"handled result jumping forward", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: c}}, {filter: b}, {filter: c}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}, {name: c, kind: Step}]`, false},
	}
	reg := testRegistry()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := build(t, reg, c.doc)
			if err != nil {
				t.Fatal(err)
			}
			req := fasthttp.AcquireRequest()
			defer fasthttp.ReleaseRequest(req)
			ctx := filter.NewContext()
			ctx.ResetDetached(req, []byte("127.0.0.1"), time.Now())
			defer ctx.Finish()
			if _, early := p.Run(ctx); early != c.early {
				t.Fatalf("endedEarly %v, want %v", early, c.early)
			}
		})
	}
}

func TestFlowRunsABody(t *testing.T) {
	reg := testRegistry()
	spec := &pipeline.Spec{
		Flow:    []pipeline.FlowNode{{Filter: "a", JumpIf: map[string]string{"hit": "END"}}, {Filter: "b"}},
		Filters: []map[string]any{{"name": "a", "kind": "Step", "result": "hit"}, {"name": "b", "kind": "Step"}},
	}
	f, err := pipeline.NewFlow(reg, "gf", spec, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("127.0.0.1"), time.Now())
	result, early := f.Run(ctx)
	if result != "hit" || !early || string(req.Header.Peek("X-Trail")) != "a@DEFAULT" {
		t.Fatalf("result %q early %v trail %q", result, early, req.Header.Peek("X-Trail"))
	}
	ctx.Finish()
	if st := f.Status(); len(st) != 2 || st[0].Name != "a" {
		t.Fatalf("status %+v", st)
	}
	next, err := pipeline.NewFlow(reg, "gf", spec, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := next.Inherit(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = pipeline.NewFlow(reg, "gf", &pipeline.Spec{Filters: []map[string]any{{"name": "a", "kind": "Nope"}}}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), `filters[0] "a": unknown filter kind "Nope"`) {
		t.Fatalf("err = %v", err)
	}
}
