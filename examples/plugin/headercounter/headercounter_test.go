package headercounter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/examples/plugin/headercounter"
	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// mark is a test filter that records that it ran.
var mark = &filter.Kind{
	Name:        "Mark",
	DefaultSpec: func() any { return &struct{}{} },
	New:         func(s *filter.Spec) filter.Filter { return &marker{Base: filter.NewBase(s)} },
}

type marker struct{ filter.Base }

func (m *marker) Init() error                 { return nil }
func (m *marker) Inherit(filter.Filter) error { return nil }
func (m *marker) Handle(ctx *filter.Context) string {
	ctx.Request().Header.Add("X-Ran", m.Name())
	return ""
}

func newPipeline(t *testing.T, doc string) *pipeline.Pipeline {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.FilterClass, headercounter.Kind)
	reg.Register(registry.FilterClass, mark)
	sup := supervisor.New(supervisor.Config{Registry: reg})
	spec, err := supervisor.ParseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	obj, _, err := sup.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		t.Fatal(err)
	}
	return obj.(*pipeline.Pipeline)
}

const flowDoc = `
kind: Pipeline
name: counted
flow:
- {filter: counter, jumpIf: {invalidHeader: rejected}}
- {filter: accepted}
- {filter: END}
- {filter: rejected}
filters:
- {name: counter, kind: HeaderCounter, headers: [X-Tenant, X-Api-Key]}
- {name: accepted, kind: Mark}
- {name: rejected, kind: Mark}
`

func send(p *pipeline.Pipeline, headers ...string) string {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("127.0.0.1"), time.Now())
	p.Handle(ctx)
	ran := string(req.Header.Peek("X-Ran"))
	ctx.Finish()
	return ran
}

func TestJumpIfOnInvalidHeaderAndCounts(t *testing.T) {
	p := newPipeline(t, flowDoc)
	if got := send(p, "X-Tenant", "t-1"); got != "accepted" {
		t.Fatalf("with X-Tenant ran %q", got)
	}
	if got := send(p, "X-Tenant", "t-1", "X-Api-Key", "k"); got != "accepted" {
		t.Fatalf("with both ran %q", got)
	}
	if got := send(p, "X-Other", "x"); got != "rejected" {
		t.Fatalf("without the headers ran %q", got)
	}
	f, _ := p.Filter("counter")
	st := f.Status().(headercounter.Status)
	if st.Counts["X-Tenant"] != 2 || st.Counts["X-Api-Key"] != 1 || st.Missing != 1 {
		t.Fatalf("status %+v", st)
	}
	next := newPipeline(t, flowDoc)
	nf, _ := next.Filter("counter")
	if err := nf.Inherit(f); err != nil {
		t.Fatal(err)
	}
	if nf.Status().(headercounter.Status).Counts["X-Tenant"] != 2 {
		t.Fatal("counts lost across an update with the same headers")
	}
}

func TestSpecErrors(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.FilterClass, headercounter.Kind)
	e, _ := reg.Lookup(registry.FilterClass, headercounter.KindName)
	for in, want := range map[string]string{
		`{}`:                            `required field "headers" is missing`,
		`{"headers": []}`:               "headers",
		`{"headers": ["a"], "hdrs": 1}`: `unknown field "hdrs"`,
	} {
		if _, err := e.DecodeSpec([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}
