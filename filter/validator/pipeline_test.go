package validator

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

func TestPipelineJumpOnInvalid(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "auth", "jumpIf": {"invalid": "denied"}}, {"filter": "passed"}, {"filter": "END"}, {"filter": "denied"}],
		"filters": [
			{"name": "auth", "kind": "Validator", "headers": {"X-Api-Key": {"regexp": "^k_[a-z]+$"}}},
			{"name": "passed", "kind": "Marker"},
			{"name": "denied", "kind": "Marker"}
		]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	for _, tc := range []struct {
		key, marker string
		code        int
	}{
		{"k_live", "passed", filtertest.MarkerStatus},
		{"bogus", "denied", 400},
		{"", "denied", 400},
	} {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI("/")
		if tc.key != "" {
			req.Header.Set("X-Api-Key", tc.key)
		}
		var resp fasthttp.Response
		if err := s.Do(req, &resp); err != nil {
			t.Fatal(err)
		}
		fasthttp.ReleaseRequest(req)
		if resp.StatusCode() != tc.code || string(resp.Header.Peek("X-Marker")) != tc.marker {
			t.Errorf("key %q: %d X-Marker=%q, want %d %q", tc.key, resp.StatusCode(), resp.Header.Peek("X-Marker"), tc.code, tc.marker)
		}
	}
}

func TestPipelineInvalidEndsUnhandled(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "auth"}, {"filter": "after"}],
		"filters": [{"name": "auth", "kind": "Validator", "headers": {"X-A": {"values": ["1"]}}}, {"name": "after", "kind": "Marker"}]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if r := p.Handle(ctx); r != ResultInvalid || ctx.Response().StatusCode() != 400 || ctx.Response().Header.Peek("X-Marker") != nil {
		t.Fatalf("result %q, response %v: an unhandled invalid must end the flow", r, ctx.Response())
	}
	if !strings.Contains(string(ctx.Tags()), "validator: headers: header X-A is missing") {
		t.Errorf("tags %q", ctx.Tags())
	}
}

func TestPipelineRejects(t *testing.T) {
	for _, tc := range []struct{ fields, want string }{
		{`{"flow": [{"filter": "v", "jumpIf": {"unauthorized": "END"}}], "filters": [{"name": "v", "kind": "Validator", "headers": {"X-A": {"values": ["1"]}}}]}`,
			`does not declare result "unauthorized"`},
		{`{"filters": [{"name": "v", "kind": "Validator"}]}`,
			`filters[0] "v": configure at least one`},
		{`{"filters": [{"name": "v", "kind": "Validator", "jwt": {"algorithm": "HS256"}}]}`,
			`filters[0] "v": jwt.secret: is required for HS256`},
	} {
		if _, err := filtertest.NewPipeline(t, tc.fields, Kind); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to contain %q", err, tc.want)
		}
	}
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "v", Kind: Kind, Body: 42})
	if f.Init() == nil || f.(*Validator).Validate() == nil || f.Inherit(f) == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestNoRequest(t *testing.T) {
	f := filtertest.New(t, Kind, `{"headers": {"X-A": {"values": ["1"]}}}`)
	ctx := filtertest.Detached(&fasthttp.Request{})
	defer ctx.Finish()
	ctx.UseNamespace("empty")
	if r := f.Handle(ctx); r != ResultInvalid || ctx.Response() == nil || ctx.Response().StatusCode() != 400 {
		t.Fatalf("a namespace without a request: result %q", r)
	}
}
