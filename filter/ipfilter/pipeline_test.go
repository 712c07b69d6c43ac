package ipfilter

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

func TestPipelineJumpOnForbidden(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "ips", "jumpIf": {"forbidden": "denied"}}, {"filter": "passed"}, {"filter": "END"}, {"filter": "denied"}],
		"filters": [{"name": "ips", "kind": "IPFilter", "blockIPs": ["127.0.0.1"]}, {"name": "passed", "kind": "Marker"}, {"name": "denied", "kind": "Marker"}]}`,
		Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 403 || string(resp.Header.Peek("X-Marker")) != "denied" {
		t.Fatalf("got %d X-Marker=%q, want the 403 marked by denied", resp.StatusCode(), resp.Header.Peek("X-Marker"))
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "ips", "kind": "IPFilter"}`, "ips", "blocked", Kind)
}
