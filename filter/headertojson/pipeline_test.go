package headertojson

import (
	"io"
	"net/http"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/valyala/fasthttp"
)

// echoUpstream answers with the request body and its Content-Type and
// Content-Length as headers.
func echoUpstream(t *testing.T) string {
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-Content-Type", r.Header.Get("Content-Type"))
		w.Header().Set("X-Seen-Length", r.Header.Get("Content-Length"))
		_, _ = w.Write(b)
	})
}

func TestThroughProxy(t *testing.T) {
	p, err := filtertest.NewPipeline(t, `{
		"flow": [{"filter": "h2j", "jumpIf": {"jsonEncodeDecodeErr": "bad", "bodyReadErr": "bad"}}, {"filter": "up"}, {"filter": "END"}, {"filter": "bad"}],
		"filters": [{"name": "h2j", "kind": "HeaderToJSON", "headerMap": [{"header": "X-User-Id", "json": "userId"}]},
		            {"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "`+echoUpstream(t)+`"}]}]},
		            {"name": "bad", "kind": "Marker"}]}`, Kind, proxy.Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	send := func(body string) *fasthttp.Response {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		req.SetRequestURI("/orders")
		req.Header.SetMethod("POST")
		req.Header.SetContentType("application/json")
		req.Header.Set("X-User-Id", "u-7")
		req.SetBodyString(body)
		resp := &fasthttp.Response{}
		if err := s.Do(req, resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := send(`{"item": 3}`)
	want := `{"item":3,"userId":"u-7"}`
	if resp.StatusCode() != 200 || string(resp.Body()) != want || string(resp.Header.Peek("X-Seen-Length")) != "25" {
		t.Fatalf("upstream saw %q (length %s), status %d", resp.Body(), resp.Header.Peek("X-Seen-Length"), resp.StatusCode())
	}
	resp = send(`<xml/>`)
	if string(resp.Header.Peek("X-Marker")) != "bad" {
		t.Fatalf("invalid JSON must jump to bad: %d %q", resp.StatusCode(), resp.Body())
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "h", "kind": "HeaderToJSON", "headerMap": [{"header": "X-A", "json": "a"}]}`, "h", "jsonError", Kind)
}
