package headertojson

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/internal/pipetest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/valyala/fasthttp"
)

// echoUpstream answers with the request body and its Content-Type and
// Content-Length as headers.
func echoUpstream(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-Content-Type", r.Header.Get("Content-Type"))
		w.Header().Set("X-Seen-Length", r.Header.Get("Content-Length"))
		_, _ = w.Write(b)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestThroughProxy(t *testing.T) {
	p, err := pipetest.New(t, `{
		"flow": [{"filter": "h2j", "jumpIf": {"jsonEncodeDecodeErr": "bad", "bodyReadErr": "bad"}}, {"filter": "up"}, {"filter": "END"}, {"filter": "bad"}],
		"filters": [{"name": "h2j", "kind": "HeaderToJSON", "headerMap": [{"header": "X-User-Id", "json": "userId"}]},
		            {"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "`+echoUpstream(t)+`"}]}]},
		            {"name": "bad", "kind": "Marker"}]}`, nil, Kind, proxy.Kind)
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
	if _, err := pipetest.New(t, `{"flow": [{"filter": "h", "jumpIf": {"jsonError": "END"}}], "filters": [{"name": "h", "kind": "HeaderToJSON", "headerMap": [{"header": "X-A", "json": "a"}]}]}`, nil, Kind); err == nil ||
		!strings.Contains(err.Error(), `does not declare result "jsonError"`) {
		t.Fatalf("an undeclared result must be refused: %v", err)
	}
}
