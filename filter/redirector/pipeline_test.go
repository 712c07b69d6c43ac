package redirector

import (
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

func TestPipelineJumpOnRedirected(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "legacy", "jumpIf": {"redirected": "mark"}}, {"filter": "backend"}, {"filter": "END"}, {"filter": "mark"}],
		"filters": [{"name": "legacy", "kind": "Redirector", "match": "^/old$", "matchPart": "path", "replacement": "/new"},
		            {"name": "backend", "kind": "Marker"}, {"name": "mark", "kind": "Marker"}]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, marker, location string }{
		{"/old", "mark", "/new"},
		{"/other", "backend", ""},
	} {
		req := &fasthttp.Request{}
		req.SetRequestURI(tc.path)
		ctx := filtertest.Detached(req)
		p.Handle(ctx)
		resp := ctx.Response()
		if resp == nil || string(resp.Header.Peek("X-Marker")) != tc.marker || string(resp.Header.Peek("Location")) != tc.location {
			t.Errorf("%s: %v", tc.path, resp)
		}
		ctx.Finish()
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "r", "kind": "Redirector", "match": "a", "replacement": "b"}`, "r", "redirect", Kind)
}
