package certextractor

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/internal/pipetest"
	"github.com/valyala/fasthttp"
)

// CertExtractor declares no result: only the success key "" can be
// routed.
func TestPipelineResults(t *testing.T) {
	p, err := pipetest.New(t, `{
		"flow": [{"filter": "cn", "jumpIf": {"": "mark"}}, {"filter": "skipped"}, {"filter": "mark"}],
		"filters": [{"name": "cn", "kind": "CertExtractor", "certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X-CN"},
		            {"name": "skipped", "kind": "Marker"}, {"name": "mark", "kind": "Marker"}]}`, nil, Kind)
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
	if _, err := pipetest.New(t, `{"flow": [{"filter": "cn", "jumpIf": {"noCert": "END"}}],
		"filters": [{"name": "cn", "kind": "CertExtractor", "certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X-CN"}]}`, nil, Kind); err == nil ||
		!strings.Contains(err.Error(), `does not declare result "noCert"`) {
		t.Fatalf("an undeclared result must be refused: %v", err)
	}
}
