package remotefilter

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/gateway"
	"github.com/valyala/fasthttp"
)

// seenUpstream answers with what it received: method, request URI,
// X-Checked and X-Secret headers and the body, and counts its requests.
func seenUpstream(t *testing.T, hits *atomic.Int64) string {
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Up", "1")
		fmt.Fprintf(w, "%s %s checked=%s secret=%s body=%s", r.Method, r.RequestURI, r.Header.Get("X-Checked"), r.Header.Get("X-Secret"), b)
	})
}

// policyService rewrites requests, refuses those with X-Deny (205 with a
// 403 response) and answers 500 to those with X-Break; after the
// upstream it uppercases the response body.
func policyService(t *testing.T) *service {
	return startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
		r := doc.Request
		switch {
		case r.Header.Get("X-Break") != "":
			return raw(w, 500, "broken")
		case r.Header.Get("X-Deny") != "":
			doc.Response.StatusCode = 403
			doc.Response.Header = http.Header{"Content-Type": {"text/plain"}}
			doc.Response.Body = []byte("denied by policy")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusResetContent)
			_ = jsonEncode(w, doc)
			return nil
		case doc.Response.Header.Get("X-Up") != "":
			doc.Response.Body = []byte(strings.ToUpper(string(doc.Response.Body)))
			return doc
		}
		r.Method, r.Path, r.Query = "PUT", "/v2"+r.Path, r.Query+"&via=remote"
		r.Header.Set("X-Checked", "yes")
		r.Header.Del("X-Secret")
		r.Body = append(r.Body, " +remote"...)
		return doc
	})
}

const flowSpec = `{
	"flow": [{"filter": "hook", "jumpIf": {"responseAlready": "END", "failed": "END"}}, {"filter": "up"}, {"filter": "after"}],
	"filters": [{"name": "hook", "kind": "RemoteFilter", "url": "%s", "timeout": "5s"},
	            {"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "%s"}]}]},
	            {"name": "after", "kind": "RemoteFilter", "url": "%s"}]}`

// TestThroughProxy runs RemoteFilter, Proxy and RemoteFilter in a
// pipeline served on a real port, with a real upstream.
func TestThroughProxy(t *testing.T) {
	var hits atomic.Int64
	svc := policyService(t)
	p, err := filtertest.NewPipeline(t, fmt.Sprintf(flowSpec, svc.url, seenUpstream(t, &hits), svc.url), Kind, proxy.Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	send := func(header string) *fasthttp.Response {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		req.SetRequestURI("/orders?id=7")
		req.Header.SetMethod("POST")
		req.Header.Set("X-Secret", "s3cret")
		if header != "" {
			req.Header.Set(header, "1")
		}
		req.SetBodyString("order")
		resp := &fasthttp.Response{}
		if err := s.Do(req, resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := send("")
	want := "PUT /V2/ORDERS?ID=7&VIA=REMOTE CHECKED=YES SECRET= BODY=ORDER +REMOTE"
	if resp.StatusCode() != 200 || string(resp.Body()) != want {
		t.Fatalf("got %d %q, want %q", resp.StatusCode(), resp.Body(), want)
	}
	if hits.Load() != 1 {
		t.Fatalf("upstream hits %d", hits.Load())
	}
	resp = send("X-Deny")
	if resp.StatusCode() != 403 || string(resp.Body()) != "denied by policy" || hits.Load() != 1 {
		t.Fatalf("205 must end the flow with the service's response: %d %q, upstream hits %d", resp.StatusCode(), resp.Body(), hits.Load())
	}
	resp = send("X-Break")
	if resp.StatusCode() != 503 || hits.Load() != 1 {
		t.Fatalf("a failing service must answer 503: %d %q, upstream hits %d", resp.StatusCode(), resp.Body(), hits.Load())
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "h", "kind": "RemoteFilter", "url": "http://127.0.0.1:1/"}`, "h", "timeout", Kind)
}

// TestThroughGateway loads Easegress-style YAML into a real gateway.
func TestThroughGateway(t *testing.T) {
	var hits atomic.Int64
	svc := policyService(t)
	port := filtertest.FreePort(t)
	docs := fmt.Sprintf(`
kind: Pipeline
name: hooked
flow:
- filter: hook
  jumpIf: {responseAlready: END, failed: END}
- filter: up
filters:
- {name: hook, kind: RemoteFilter, url: "%s", timeout: 300ms}
- {name: up, kind: Proxy, pools: [{servers: [{url: "%s"}]}]}
---
kind: HTTPServer
name: edge
port: %d
rules:
- paths:
  - pathPrefix: /
    backend: hooked
`, svc.url, seenUpstream(t, &hits), port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g := filtertest.StartGateway(ctx, t, []*filter.Kind{proxy.Kind, Kind}, gateway.WithTrafficIP("127.0.0.1"))
	if _, err := g.Apply(ctx, []byte(docs)); err != nil {
		t.Fatal(err)
	}
	filtertest.WaitRunning(t, g, "hooked", "edge")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	get := func(header string) (int, string) {
		req, _ := http.NewRequest("POST", base+"/orders?id=7", strings.NewReader("order"))
		req.Header.Set("X-Secret", "s3cret")
		if header != "" {
			req.Header.Set(header, "1")
		}
		resp, err := (&http.Client{Timeout: filtertest.Timeout}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(""); code != 200 || body != "PUT /v2/orders?id=7&via=remote checked=yes secret= body=order +remote" {
		t.Fatalf("got %d %q", code, body)
	}
	if code, body := get("X-Deny"); code != 403 || body != "denied by policy" {
		t.Fatalf("got %d %q", code, body)
	}
	if code, _ := get("X-Break"); code != 503 || hits.Load() != 1 {
		t.Fatalf("got %d, upstream hits %d", code, hits.Load())
	}
}
