package redirector

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/internal/pipetest"
	"github.com/valyala/fasthttp"
)

func TestPipelineJumpOnRedirected(t *testing.T) {
	p, err := pipetest.New(t, `{
		"flow": [{"filter": "legacy", "jumpIf": {"redirected": "mark"}}, {"filter": "backend"}, {"filter": "END"}, {"filter": "mark"}],
		"filters": [{"name": "legacy", "kind": "Redirector", "match": "^/old$", "matchPart": "path", "replacement": "/new"},
		            {"name": "backend", "kind": "Marker"}, {"name": "mark", "kind": "Marker"}]}`, nil, Kind)
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
	if _, err := pipetest.New(t, `{"flow": [{"filter": "r", "jumpIf": {"redirect": "END"}}], "filters": [{"name": "r", "kind": "Redirector", "match": "a", "replacement": "b"}]}`, nil, Kind); err == nil ||
		!strings.Contains(err.Error(), `does not declare result "redirect"`) {
		t.Fatalf("an undeclared result must be refused: %v", err)
	}
}
