package certextractor

import (
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// CertExtractor declares no result: only the success key "" can be
// routed.
func TestPipelineResults(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "cn", "jumpIf": {"": "mark"}}, {"filter": "skipped"}, {"filter": "mark"}],
		"filters": [{"name": "cn", "kind": "CertExtractor", "certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X-CN"},
		            {"name": "skipped", "kind": "Marker"}, {"name": "mark", "kind": "Marker"}]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	p.Handle(ctx)
	if resp := ctx.Response(); resp == nil || string(resp.Header.Peek("X-Marker")) != "mark" {
		t.Fatalf("the success jump was not taken: %v", resp)
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "cn", "kind": "CertExtractor", "certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X-CN"}`, "cn", "noCert", Kind)
}
