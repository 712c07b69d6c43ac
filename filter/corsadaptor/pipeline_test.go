package corsadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

func TestPipelineResults(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "cors", "jumpIf": {"preflighted": "pre", "rejected": "rej"}}, {"filter": "backend"}, {"filter": "END"},
		         {"filter": "pre"}, {"filter": "END"}, {"filter": "rej"}],
		"filters": [{"name": "cors", "kind": "CORSAdaptor", "allowedOrigins": ["https://ok.example"]},
		            {"name": "backend", "kind": "Marker"}, {"name": "pre", "kind": "Marker"}, {"name": "rej", "kind": "Marker"}]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, origin, marker, allowOrigin string
		code                                int
	}{
		{"OPTIONS", "https://ok.example", "pre", "https://ok.example", 204},
		{"OPTIONS", "https://bad.example", "rej", "", 403},
		{"GET", "https://bad.example", "rej", "", 403},
		{"GET", "https://ok.example", "backend", "https://ok.example", filtertest.MarkerStatus},
	} {
		req := &fasthttp.Request{}
		req.SetRequestURI("/")
		req.Header.SetMethod(tc.method)
		req.Header.Set("Origin", tc.origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		ctx := filtertest.Detached(req)
		p.Handle(ctx)
		// The filter's finisher adds the headers; this one, added after
		// it, sees the final reply.
		var seen seenReply
		ctx.OnFinish(&seen)
		ctx.Finish()
		if seen.code != tc.code || seen.marker != tc.marker || seen.allowOrigin != tc.allowOrigin {
			t.Errorf("%s from %s: got %+v", tc.method, tc.origin, seen)
		}
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "cors", "kind": "CORSAdaptor"}`, "cors", "preflight", Kind)
}

// seenReply records the DEFAULT reply when the request finishes.
type seenReply struct {
	code                int
	marker, allowOrigin string
}

func (s *seenReply) Finish(ctx *filter.Context) {
	if resp := ctx.Response(); resp != nil {
		s.code = resp.StatusCode()
		s.marker = string(resp.Header.Peek("X-Marker"))
		s.allowOrigin = string(resp.Header.Peek("Access-Control-Allow-Origin"))
	}
}
