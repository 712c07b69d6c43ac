package mock

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/valyala/fasthttp"
)

// newPipeline builds and starts a Pipeline from its JSON fields with a
// registry holding the kinds this test needs and Marker.
func newPipeline(t *testing.T, fields string) (*pipeline.Pipeline, error) {
	t.Helper()
	return filtertest.NewPipeline(t, fields, Kind)
}

func TestPipelineJumpOnMocked(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "stub", "jumpIf": {"mocked": "after-mock"}}, {"filter": "passed"}, {"filter": "END"}, {"filter": "mark", "alias": "after-mock"}],
		"filters": [
			{"name": "stub", "kind": "Mock", "rules": [{"match": {"pathPrefix": "/mocked"}, "code": 200, "body": "stub"}]},
			{"name": "passed", "kind": "Marker"},
			{"name": "mark", "kind": "Marker"}
		]}`)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	for _, tc := range []struct {
		path, marker, body string
		code               int
	}{
		{"/mocked/x", "mark", "stub", 200},
		{"/other", "passed", "marker", filtertest.MarkerStatus},
	} {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI(tc.path)
		var resp fasthttp.Response
		if err := s.Do(req, &resp); err != nil {
			t.Fatal(err)
		}
		fasthttp.ReleaseRequest(req)
		if resp.StatusCode() != tc.code || string(resp.Body()) != tc.body || string(resp.Header.Peek("X-Marker")) != tc.marker {
			t.Errorf("%s: got %d %q X-Marker=%q, want %d %q %q", tc.path, resp.StatusCode(), resp.Body(),
				resp.Header.Peek("X-Marker"), tc.code, tc.body, tc.marker)
		}
	}
}

func TestPipelineMockedEnds(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "stub", "jumpIf": {"mocked": "END"}}, {"filter": "mark"}],
		"filters": [{"name": "stub", "kind": "Mock", "rules": [{"code": 204}]}, {"name": "mark", "kind": "Marker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if result := p.Handle(ctx); result != ResultMocked {
		t.Fatalf("pipeline result %q", result)
	}
	if resp := ctx.Response(); resp == nil || resp.StatusCode() != 204 || resp.Header.Peek("X-Marker") != nil {
		t.Fatalf("response %v: the flow should have ended at the mock", resp)
	}
}

func TestPipelineRejectsUndeclaredResult(t *testing.T) {
	_, err := newPipeline(t, `{
		"flow": [{"filter": "stub", "jumpIf": {"mock": "END"}}],
		"filters": [{"name": "stub", "kind": "Mock", "rules": []}]}`)
	if err == nil || !strings.Contains(err.Error(), `does not declare result "mock"`) {
		t.Fatalf("err = %v", err)
	}
	_, err = newPipeline(t, `{"filters": [{"name": "stub", "kind": "Mock", "rules": [{"code": 200, "bogus": 1}]}]}`)
	if err == nil || !strings.Contains(err.Error(), `filters[0] "stub": rules[0]: unknown field "bogus"`) {
		t.Fatalf("err = %v", err)
	}
}
