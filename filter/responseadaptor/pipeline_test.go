package responseadaptor

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/mock"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/valyala/fasthttp"
)

// newPipeline builds and starts a Pipeline from its JSON fields with a
// registry holding the kinds this test needs and Marker.
func newPipeline(t *testing.T, fields string) (*pipeline.Pipeline, error) {
	t.Helper()
	return filtertest.NewPipeline(t, fields, Kind, mock.Kind)
}

func TestPipelineResponseNotFound(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "brand", "jumpIf": {"responseNotFound": "sorry"}}, {"filter": "END"}, {"filter": "sorry"}],
		"filters": [{"name": "brand", "kind": "ResponseAdaptor", "header": {"set": {"Server": "gw"}}}, {"name": "sorry", "kind": "Marker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if result := p.Handle(ctx); result != "" {
		t.Fatalf("result %q", result)
	}
	if resp := ctx.Response(); resp == nil || resp.StatusCode() != filtertest.MarkerStatus || string(resp.Header.Peek("X-Marker")) != "sorry" {
		t.Fatalf("response %v: want the jump to sorry", resp)
	}
}

func TestPipelineMockThenBrand(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "stub", "jumpIf": {"mocked": "brand"}}, {"filter": "origin"}, {"filter": "brand"}],
		"filters": [
			{"name": "stub", "kind": "Mock", "rules": [{"match": {"pathPrefix": "/v1/ping"}, "code": 200, "body": "pong", "headers": {"X-Powered-By": "mock"}}]},
			{"name": "origin", "kind": "Marker"},
			{"name": "brand", "kind": "ResponseAdaptor", "header": {"set": {"Server": "gatewright"}, "del": ["X-Powered-By"]}}
		]}`)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	for _, tc := range []struct {
		path, body, marker string
		code               int
	}{
		{"/v1/ping", "pong", "", 200},
		{"/v2/other", "marker", "origin", filtertest.MarkerStatus},
	} {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI(tc.path)
		var resp fasthttp.Response
		if err := s.Do(req, &resp); err != nil {
			t.Fatal(err)
		}
		fasthttp.ReleaseRequest(req)
		if resp.StatusCode() != tc.code || string(resp.Body()) != tc.body || string(resp.Header.Peek("X-Marker")) != tc.marker ||
			string(resp.Header.Peek("Server")) != "gatewright" || resp.Header.Peek("X-Powered-By") != nil {
			t.Errorf("%s: got %d %q X-Marker=%q Server=%q X-Powered-By=%q", tc.path, resp.StatusCode(), resp.Body(),
				resp.Header.Peek("X-Marker"), resp.Header.Peek("Server"), resp.Header.Peek("X-Powered-By"))
		}
	}
}

// TestPipelineAcceptsJumpOnBuildErr: buildErr is declared (Easegress
// returns it undeclared), so a flow may route it.
func TestPipelineAcceptsJumpOnBuildErr(t *testing.T) {
	if _, err := newPipeline(t, `{"flow": [{"filter": "a", "jumpIf": {"buildErr": "END"}}], "filters": [{"name": "a", "kind": "ResponseAdaptor"}]}`); err != nil {
		t.Fatalf("jumpIf on buildErr: %v", err)
	}
}

func TestPipelineRejects(t *testing.T) {
	for _, tc := range []struct{ fields, want string }{
		{`{"filters": [{"name": "a", "kind": "ResponseAdaptor", "compress": "gzip", "decompress": "gzip"}]}`,
			`filters[0] "a": decompress: cannot be set together with compress`},
	} {
		if _, err := newPipeline(t, tc.fields); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to contain %q", err, tc.want)
		}
	}
}
