package globalfilter

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// tagSpec configures the test filter Tag: it appends its name to the
// response header X-Trail (creating a 200 response if there is none) and
// returns Result.
type tagSpec struct {
	Result string `json:"result,omitempty"`
}

type tag struct {
	filter.Base
	result    string
	inherited filter.Filter
	closed    bool
}

func (f *tag) Init() error                      { return nil }
func (f *tag) Inherit(prev filter.Filter) error { f.inherited = prev; return nil }
func (f *tag) Close() error                     { f.closed = true; return nil }
func (f *tag) Handle(ctx *filter.Context) string {
	resp := ctx.Response()
	if resp == nil {
		resp = ctx.NewResponse()
		resp.SetStatusCode(200)
	}
	resp.Header.Add("X-Trail", f.Name())
	return f.result
}

var tagKind = &filter.Kind{
	Name:        "Tag",
	Description: "test filter",
	Results:     []string{"stop"},
	DefaultSpec: func() any { return &tagSpec{} },
	New: func(spec *filter.Spec) filter.Filter {
		return &tag{Base: filter.NewBase(spec), result: spec.Body.(*tagSpec).Result}
	},
}

func testRegistry() *registry.Registry {
	r := registry.New()
	r.Register(registry.ObjectClass, pipeline.Kind)
	r.Register(registry.ObjectClass, Kind)
	r.Register(registry.FilterClass, tagKind)
	return r
}

// build decodes a YAML document and creates its object (not started).
func build(t *testing.T, reg *registry.Registry, doc string) (supervisor.Object, error) {
	t.Helper()
	return testkit.BuildObject(t, reg, doc, &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
}

// start builds and initialises an object.
func start(t *testing.T, reg *registry.Registry, doc string) supervisor.Object {
	t.Helper()
	obj, err := build(t, reg, doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = obj.Close() })
	return obj
}

// trail runs g around p over a detached request and returns the result
// and the X-Trail values of the response.
func trail(g *GlobalFilter, p Runner) (string, string) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("127.0.0.1"), time.Now())
	defer ctx.Finish()
	result := g.Handle(ctx, p)
	resp := ctx.Response()
	if resp == nil {
		return result, ""
	}
	var parts []string
	for _, v := range resp.Header.PeekAll("X-Trail") {
		parts = append(parts, string(v))
	}
	return result, strings.Join(parts, ",")
}
