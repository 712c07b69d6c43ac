package fallback

import (
	"net"
	"net/http"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/valyala/fasthttp"
)

// failingUpstream answers 502 to everything.
func failingUpstream(t *testing.T) string {
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad gateway upstream", http.StatusBadGateway)
	})
}

// deadAddr returns an address nothing listens on.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr
}

// TestProxyFailureFallsBack sends real requests through a Proxy to a
// failing upstream and to a dead one; jumpIf routes both failures to the
// Fallback.
func TestProxyFailureFallsBack(t *testing.T) {
	for _, tc := range []struct{ name, url, result string }{
		{"failure code", failingUpstream(t), proxy.ResultFailureCode},
		{"unreachable", deadAddr(t), proxy.ResultServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := filtertest.NewPipeline(t, `{
				"flow": [{"filter": "up", "jumpIf": {"`+tc.result+`": "degrade"}}, {"filter": "END"}, {"filter": "degrade"}],
				"filters": [{"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "`+tc.url+`"}]}]},
				            {"name": "degrade", "kind": "Fallback", "mockCode": 503, "mockHeaders": {"Retry-After": "30"}, "mockBody": "try later"}]}`,
				Kind, proxy.Kind)
			if err != nil {
				t.Fatal(err)
			}
			s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
			req := fasthttp.AcquireRequest()
			defer fasthttp.ReleaseRequest(req)
			req.SetRequestURI("/orders")
			var resp fasthttp.Response
			if err := s.Do(req, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != 503 || string(resp.Body()) != "try later" || string(resp.Header.Peek("Retry-After")) != "30" {
				t.Fatalf("got %d %q Retry-After=%q", resp.StatusCode(), resp.Body(), resp.Header.Peek("Retry-After"))
			}
		})
	}
}

func TestPipelineResponseNotFound(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "degrade", "jumpIf": {"responseNotFound": "mark"}}, {"filter": "END"}, {"filter": "mark"}],
		"filters": [{"name": "degrade", "kind": "Fallback", "mockCode": 503}, {"name": "mark", "kind": "Marker"}]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	p.Handle(ctx)
	if resp := ctx.Response(); resp == nil || string(resp.Header.Peek("X-Marker")) != "mark" {
		t.Fatalf("responseNotFound did not jump: %v", resp)
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "d", "kind": "Fallback", "mockCode": 500}`, "d", "fallen", Kind)
}
