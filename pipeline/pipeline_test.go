package pipeline_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// stepSpec configures the test filter Step: it appends its name to the
// X-Trail request header and returns Result.
type stepSpec struct {
	Result string `json:"result,omitempty"`
	// SleepMs makes the step take that long.
	SleepMs int `json:"sleepMs,omitempty"`
}

// step is a real filter used to observe the flow.
type step struct {
	filter.Base
	result    string
	sleep     time.Duration
	inherited filter.Filter
	closed    atomic.Bool
}

func (s *step) Init() error                      { return nil }
func (s *step) Inherit(prev filter.Filter) error { s.inherited = prev; return nil }
func (s *step) Close() error                     { s.closed.Store(true); return nil }
func (s *step) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		req = ctx.NewRequest()
	}
	req.Header.Add("X-Trail", s.Name()+"@"+ctx.Namespace())
	time.Sleep(s.sleep)
	return s.result
}

var stepKind = &filter.Kind{
	Name:        "Step",
	Description: "test step",
	Results:     []string{"hit", "miss"},
	DefaultSpec: func() any { return &stepSpec{} },
	New: func(spec *filter.Spec) filter.Filter {
		body := spec.Body.(*stepSpec)
		return &step{Base: filter.NewBase(spec), result: body.Result, sleep: time.Duration(body.SleepMs) * time.Millisecond}
	},
}

func testRegistry() *registry.Registry {
	r := registry.New()
	r.Register(registry.ObjectClass, pipeline.Kind)
	r.Register(registry.FilterClass, stepKind)
	return r
}

func build(t *testing.T, reg *registry.Registry, doc string) (*pipeline.Pipeline, error) {
	t.Helper()
	obj, err := testkit.BuildObject(t, reg, doc, &supervisor.Env{Registry: reg})
	if err != nil {
		return nil, err
	}
	return obj.(*pipeline.Pipeline), nil
}

func run(p *pipeline.Pipeline) (trail, result string) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("127.0.0.1"), time.Now())
	result = p.Handle(ctx)
	var parts []string
	for _, v := range req.Header.PeekAll("X-Trail") {
		parts = append(parts, string(v))
	}
	ctx.Finish()
	return strings.Join(parts, ","), result
}

func TestFlowRouting(t *testing.T) {
	cases := []struct {
		name, doc, trail, result string
	}{
		{"filters in order without flow", `
kind: Pipeline
name: p
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`, "a@DEFAULT,b@DEFAULT", ""},
		{"jumpIf skips on a declared result", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: c}}, {filter: b}, {filter: c}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}, {name: c, kind: Step}]`, "a@DEFAULT,c@DEFAULT", ""},
		{"unhandled result ends the run", `
kind: Pipeline
name: p
filters: [{name: a, kind: Step, result: miss}, {name: b, kind: Step}]`, "a@DEFAULT", "miss"},
		{"END in the flow stops", `
kind: Pipeline
name: p
flow: [{filter: a}, {filter: END}, {filter: b}]
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`, "a@DEFAULT", ""},
		{"jump to END", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: END}}, {filter: b}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}]`, "a@DEFAULT", "hit"},
		{"empty result key jumps on success", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {"": c}}, {filter: b}, {filter: c}]
filters: [{name: a, kind: Step}, {name: b, kind: Step}, {name: c, kind: Step}]`, "a@DEFAULT,c@DEFAULT", ""},
		{"aliases make repeats addressable", `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: again}}, {filter: b}, {filter: a, alias: again, namespace: side}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}]`, "a@DEFAULT", "hit"},
	}
	reg := testRegistry()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := build(t, reg, c.doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Init(); err != nil {
				t.Fatal(err)
			}
			trail, result := run(p)
			if trail != c.trail || result != c.result {
				t.Fatalf("trail %q result %q, want %q %q", trail, result, c.trail, c.result)
			}
		})
	}
}

func TestNamespaceGetsItsOwnRequest(t *testing.T) {
	p, err := build(t, testRegistry(), `
kind: Pipeline
name: p
flow: [{filter: a, namespace: side}, {filter: b}]
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`)
	if err != nil {
		t.Fatal(err)
	}
	if trail, _ := run(p); trail != "b@DEFAULT" {
		t.Fatalf("DEFAULT request trail %q: the side namespace leaked into it", trail)
	}
}

func TestCompileErrors(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"undeclared result": {`
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {nope: END}}]
filters: [{name: a, kind: Step}]`, `flow[0].jumpIf["nope"]: filter "a" (kind Step) does not declare result "nope"`},
		"backward jump": {`
kind: Pipeline
name: p
flow: [{filter: a}, {filter: b, jumpIf: {hit: a}}]
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`, `flow[1].jumpIf["hit"]: jump to "a" at flow[0] goes backwards`},
		"unknown target": {`
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: zz}}]
filters: [{name: a, kind: Step}]`, `no flow label "zz"`},
		"undefined filter": {`
kind: Pipeline
name: p
flow: [{filter: zz}]
filters: [{name: a, kind: Step}]`, `flow[0].filter: no filter named "zz"`},
		"duplicate label": {`
kind: Pipeline
name: p
flow: [{filter: a}, {filter: a}]
filters: [{name: a, kind: Step}]`, `label "a" already used by flow[0]`},
		"duplicate filter": {`
kind: Pipeline
name: p
filters: [{name: a, kind: Step}, {name: a, kind: Step}]`, `filters[1] "a": name used twice`},
		"filter named END": {`
kind: Pipeline
name: p
filters: [{name: END, kind: Step}]`, `reserved`},
		"unknown kind": {`
kind: Pipeline
name: p
filters: [{name: a, kind: Nope}]`, `filters[0] "a": unknown filter kind "Nope" (known: Step)`},
		"unknown filter field": {`
kind: Pipeline
name: p
filters: [{name: a, kind: Step, reslt: hit}]`, `filters[0] "a": unknown field "reslt"`},
		"no filters": {`
kind: Pipeline
name: p
filters: []`, `at least one filter`},
		"unknown pipeline field": {`
kind: Pipeline
name: p
flows: []
filters: [{name: a, kind: Step}]`, `unknown field "flows"`},
		"unknown policy kind": {`
kind: Pipeline
name: p
filters: [{name: a, kind: Step}]
resilience: [{name: r, kind: Retry}]`, `resilience[0] "r": unknown policy kind "Retry"`},
	}
	reg := testRegistry()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := build(t, reg, c.doc)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestInheritHandsOverSameNameAndKind(t *testing.T) {
	reg := testRegistry()
	doc := `
kind: Pipeline
name: p
filters: [{name: a, kind: Step}, {name: b, kind: Step}]`
	old, err := build(t, reg, doc)
	if err != nil {
		t.Fatal(err)
	}
	_ = old.Init()
	next, err := build(t, reg, `
kind: Pipeline
name: p
filters: [{name: a, kind: Step}, {name: c, kind: Step}]`)
	if err != nil {
		t.Fatal(err)
	}
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	oldA, _ := old.Filter("a")
	newA, _ := next.Filter("a")
	newC, _ := next.Filter("c")
	if newA.(*step).inherited != oldA {
		t.Fatal("filter a did not inherit from the previous generation")
	}
	if newC.(*step).inherited != nil {
		t.Fatal("new filter c inherited something")
	}
}

func TestCloseWaitsForInflightRequests(t *testing.T) {
	p, err := build(t, testRegistry(), `
kind: Pipeline
name: p
filters: [{name: a, kind: Step}]`)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Init()
	if !p.Acquire() {
		t.Fatal("acquire failed on a live pipeline")
	}
	closed := make(chan struct{})
	go func() { _ = p.Close(); close(closed) }()
	deadline := time.Now().Add(2 * time.Second)
	for p.Acquire() {
		p.Release()
		if time.Now().After(deadline) {
			t.Fatal("closing pipeline still admits requests")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a request was in flight")
	case <-time.After(20 * time.Millisecond):
	}
	a, _ := p.Filter("a")
	if a.(*step).closed.Load() {
		t.Fatal("filter closed under an in-flight request")
	}
	p.Release()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return after the request ended")
	}
	if !a.(*step).closed.Load() {
		t.Fatal("filter not closed")
	}
}

func TestHandleDoesNotAllocate(t *testing.T) {
	p, err := build(t, testRegistry(), `
kind: Pipeline
name: p
flow: [{filter: a, jumpIf: {hit: c}}, {filter: b}, {filter: c}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}, {name: c, kind: Step}]`)
	if err != nil {
		t.Fatal(err)
	}
	req := fasthttp.AcquireRequest()
	ctx := filter.NewContext()
	allocs := testing.AllocsPerRun(200, func() {
		req.Header.Del("X-Trail")
		ctx.ResetDetached(req, []byte("127.0.0.1"), time.Time{})
		p.Handle(ctx)
		ctx.Finish()
	})
	if allocs != 0 {
		t.Fatalf("Handle allocates %.1f objects per run", allocs)
	}
}
