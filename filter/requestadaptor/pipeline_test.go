package requestadaptor

import (
	"strings"
	"testing"

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

func TestPipelineJumpOnDecompressFailed(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "unzip", "jumpIf": {"decompressFailed": "bad"}}, {"filter": "ok"}, {"filter": "END"}, {"filter": "bad"}],
		"filters": [{"name": "unzip", "kind": "RequestAdaptor", "decompress": "gzip"}, {"name": "ok", "kind": "Marker"}, {"name": "bad", "kind": "Marker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		body   []byte
		marker string
	}{
		{fasthttp.AppendGzipBytes(nil, []byte("fine")), "ok"},
		{[]byte("broken"), "bad"},
	} {
		req := &fasthttp.Request{}
		req.SetRequestURI("/")
		req.Header.SetContentEncoding("gzip")
		req.SetBody(tc.body)
		ctx := filtertest.Detached(req)
		p.Handle(ctx)
		if resp := ctx.Response(); resp == nil || string(resp.Header.Peek("X-Marker")) != tc.marker {
			t.Errorf("body %q: response %v, want marker %q", tc.body, resp, tc.marker)
		}
		ctx.Finish()
	}
}

func TestPipelineBuildErrEnds(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "tpl"}, {"filter": "after"}],
		"filters": [{"name": "tpl", "kind": "RequestAdaptor", "template": "unknown: key"}, {"name": "after", "kind": "Marker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if result := p.Handle(ctx); result != ResultBuildErr || ctx.Response() != nil {
		t.Fatalf("result %q, response %v: an unhandled buildErr must end the flow", result, ctx.Response())
	}
}

// TestPipelineJumpOnBuildErr: buildErr is declared (Easegress returns it
// undeclared), so a flow can route it.
func TestPipelineJumpOnBuildErr(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "tpl", "jumpIf": {"buildErr": "bad"}}, {"filter": "ok"}, {"filter": "END"}, {"filter": "bad"}],
		"filters": [{"name": "tpl", "kind": "RequestAdaptor", "template": "unknown: key"}, {"name": "ok", "kind": "Marker"}, {"name": "bad", "kind": "Marker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	p.Handle(ctx)
	if resp := ctx.Response(); resp == nil || string(resp.Header.Peek("X-Marker")) != "bad" {
		t.Fatalf("response %v: want the flow to jump to bad", resp)
	}
}

func TestPipelineRejects(t *testing.T) {
	for _, tc := range []struct{ fields, want string }{
		{`{"filters": [{"name": "a", "kind": "RequestAdaptor", "compress": "gzip", "decompress": "gzip"}]}`,
			`filters[0] "a": decompress: cannot be set together with compress`},
		{`{"filters": [{"name": "a", "kind": "RequestAdaptor", "sign": {}}]}`,
			`filters[0] "a": sign.accessKeyId: required to sign requests`},
	} {
		if _, err := newPipeline(t, tc.fields); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to contain %q", err, tc.want)
		}
	}
}
