package ratelimiter

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

func TestPipelineJumpOnRateLimited(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "limit", "jumpIf": {"rateLimited": "sorry"}}, {"filter": "passed"}, {"filter": "END"}, {"filter": "sorry"}],
		"filters": [
			{"name": "limit", "kind": "RateLimiter", "policies": [{"name": "p", "limitForPeriod": 1, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
			 "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]},
			{"name": "passed", "kind": "Marker"},
			{"name": "sorry", "kind": "Marker"}
		]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	for i, want := range []struct {
		code   int
		marker string
	}{{filtertest.MarkerStatus, "passed"}, {429, "sorry"}, {429, "sorry"}} {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI("/x")
		var resp fasthttp.Response
		if err := s.Do(req, &resp); err != nil {
			t.Fatal(err)
		}
		fasthttp.ReleaseRequest(req)
		if resp.StatusCode() != want.code || string(resp.Header.Peek("X-Marker")) != want.marker {
			t.Fatalf("request %d: %d X-Marker=%q, want %d %q", i, resp.StatusCode(), resp.Header.Peek("X-Marker"), want.code, want.marker)
		}
		if want.code == 429 && string(resp.Header.Peek(HeaderRetryAfter)) == "" {
			t.Fatalf("request %d: the 429 lost its Retry-After on the way", i)
		}
	}
}

func TestPipelineRateLimitedEndsUnhandled(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "limit"}, {"filter": "after"}],
		"filters": [
			{"name": "limit", "kind": "RateLimiter", "policies": [{"name": "p", "limitForPeriod": 1, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
			 "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]},
			{"name": "after", "kind": "Marker"}]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", ResultRateLimited} {
		req := &fasthttp.Request{}
		req.SetRequestURI("/")
		ctx := filtertest.Detached(req)
		if r := p.Handle(ctx); r != want {
			t.Fatalf("request %d: result %q, want %q", i, r, want)
		}
		resp := ctx.Response()
		if want != "" && (resp == nil || resp.StatusCode() != 429 || resp.Header.Peek("X-Marker") != nil) {
			t.Fatalf("request %d: response %v, want the 429 and the flow ended", i, resp)
		}
		ctx.Finish()
	}
}

func TestPipelineRejects(t *testing.T) {
	for _, tc := range []struct{ fields, want string }{
		{`{"flow": [{"filter": "l", "jumpIf": {"limited": "END"}}], "filters": [{"name": "l", "kind": "RateLimiter", "policies": [], "urls": []}]}`,
			`does not declare result "limited"`},
		{`{"filters": [{"name": "l", "kind": "RateLimiter", "policies": [{"name": "p", "limitForPeriod": 0}], "urls": []}]}`,
			`filters[0] "l": policies[0].limitForPeriod`},
		{`{"filters": [{"name": "l", "kind": "RateLimiter", "policies": [{"name": "p"}], "urls": [{"url": {"prefix": "/"}, "policyRef": "q"}]}]}`,
			`filters[0] "l": urls[0].policyRef: policy "q" is not defined`},
	} {
		if _, err := filtertest.NewPipeline(t, tc.fields, Kind); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to contain %q", err, tc.want)
		}
	}
}
