package requestadaptor

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// newPipeline builds and starts a Pipeline from its JSON fields with a
// registry holding RequestAdaptor and Marker.
func newPipeline(t *testing.T, fields string) (*pipeline.Pipeline, error) {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.FilterClass, Kind)
	reg.Register(registry.FilterClass, filtertest.MarkerKind)
	ent, err := reg.Lookup(registry.ObjectClass, pipeline.KindName)
	if err != nil {
		return nil, err
	}
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		return nil, err
	}
	obj, err := pipeline.Kind.New(&supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: body}, &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	if err := obj.Init(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = obj.Close() })
	return obj.(*pipeline.Pipeline), nil
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

func TestPipelineRejects(t *testing.T) {
	for _, tc := range []struct{ fields, want string }{
		{`{"flow": [{"filter": "a", "jumpIf": {"buildErr": "END"}}], "filters": [{"name": "a", "kind": "RequestAdaptor"}]}`,
			`does not declare result "buildErr"`},
		{`{"filters": [{"name": "a", "kind": "RequestAdaptor", "compress": "gzip", "decompress": "gzip"}]}`,
			`filters[0] "a": decompress: cannot be set together with compress`},
		{`{"filters": [{"name": "a", "kind": "RequestAdaptor", "sign": {}}]}`,
			`filters[0] "a": unknown field "sign"`},
	} {
		if _, err := newPipeline(t, tc.fields); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to contain %q", err, tc.want)
		}
	}
}
