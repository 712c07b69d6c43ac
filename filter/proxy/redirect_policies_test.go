package proxy

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestRedirectTimeoutBoundsTheWholeTry(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{
		"/slow":  {code: 302, loc: "/slow2", delay: 150 * time.Millisecond},
		"/slow2": {code: 302, loc: "/end", delay: 150 * time.Millisecond},
	})
	// Each request takes 150ms, within the timeout, but the try does not.
	p := redirectProxy(t, 3, `"timeout":"250ms"`, up.url)
	r := call(t, p, "10.0.0.1", request("GET", "/slow"))
	if r.result != ResultTimeout || r.status != fasthttp.StatusRequestTimeout {
		t.Fatalf("got %q %d %q", r.result, r.status, r.body)
	}
	roomy := redirectProxy(t, 3, `"timeout":"2s"`, up.url)
	if r := call(t, roomy, "10.0.0.1", request("GET", "/slow")); r.result != "" || !strings.HasPrefix(r.body, "GET /end") {
		t.Fatalf("2s timeout: got %q %d %q", r.result, r.status, r.body)
	}
}

func TestRedirectHopsAreUpstreamCalls(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{"/start": {code: 302, loc: "/end?x=1"}})
	p := redirectProxy(t, 2, `"spanName":"catalog"`, up.url)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())
	_, parent := tp.Tracer("test").Start(context.Background(), "parent")
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/start")
	req.Header.SetHost("example.com")
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("10.0.0.1"), time.Now())
	ctx.SetSpan(parent)
	if r := p.Handle(ctx); r != "" || ctx.Response().StatusCode() != 200 {
		t.Fatalf("result %q status %d", r, ctx.Response().StatusCode())
	}
	ctx.Finish()
	parent.End()

	// One client span per request, the redirected one numbered.
	var urls []string
	for _, s := range exp.GetSpans() {
		if s.SpanKind != trace.SpanKindClient {
			continue
		}
		var url string
		resend := int64(0)
		for _, a := range s.Attributes {
			switch a.Key {
			case "url.full":
				url = a.Value.AsString()
			case "http.request.resend_count":
				resend = a.Value.AsInt64()
			}
		}
		if s.Parent.SpanID() != parent.SpanContext().SpanID() || s.Name != "catalog" {
			t.Fatalf("client span %+v", s)
		}
		urls = append(urls, url+" resend="+strconv.FormatInt(resend, 10))
	}
	if want := []string{up.url + "/start resend=0", up.url + "/end?x=1 resend=1"}; strings.Join(urls, "|") != strings.Join(want, "|") {
		t.Fatalf("client spans %q, want %q", urls, want)
	}

	// Both requests count for the server.
	reg := prometheus.NewRegistry()
	reg.MustRegister(p)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, mf := range mfs {
		switch mf.GetName() {
		case "gatewright_proxy_requests_total":
			found++
			if v := mf.GetMetric()[0].GetCounter().GetValue(); v != 2 {
				t.Errorf("requests_total %v, want 2", v)
			}
		case "gatewright_proxy_request_duration_seconds":
			found++
			if v := mf.GetMetric()[0].GetHistogram().GetSampleCount(); v != 2 {
				t.Errorf("request_duration_seconds count %v, want 2", v)
			}
		}
	}
	if found != 2 {
		t.Fatalf("%d of the 2 metrics gathered", found)
	}
	if st := p.Status().(*Status).Pools[0]; st.Redirects != 1 || st.Servers[0].Requests != 2 {
		t.Fatalf("status: %d redirects, %d requests", st.Redirects, st.Servers[0].Requests)
	}
}

func TestRedirectWithRetryAndCircuitBreaker(t *testing.T) {
	// /start redirects to /flaky, which fails once, then answers.
	var failures atomic.Int64
	failures.Store(1)
	var mu sync.Mutex
	var seen []string
	srv := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		mu.Lock()
		seen = append(seen, string(ctx.RequestURI()))
		mu.Unlock()
		switch string(ctx.Path()) {
		case "/start":
			ctx.Response.Header.Set("Location", "/flaky")
			ctx.SetStatusCode(302)
		case "/flaky":
			if failures.Add(-1) >= 0 {
				ctx.SetStatusCode(503)
				return
			}
			ctx.SetBodyString("ok")
		}
	})
	pols := realPolicies(t,
		`{"name": "again", "kind": "Retry", "maxAttempts": 3, "waitDuration": "0s"}`,
		`{"name": "guard", "kind": "CircuitBreaker", "slidingWindowSize": 10, "minimumNumberOfCalls": 10}`)
	p := startProxyWith(t, `{"maxRedirection":2,"pools":[`+poolDoc(`"retryPolicy":"again","circuitBreakerPolicy":"guard"`, srv.url)+`]}`, pols)
	r := call(t, p, "10.0.0.1", request("GET", "/start"))
	if r.result != "" || r.body != "ok" {
		t.Fatalf("got %+v", r)
	}
	// The retry starts again from the client's URL.
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(seen, " "); got != "/start /flaky /start /flaky" {
		t.Fatalf("upstream saw %s", got)
	}
	st := p.Status().(*Status).Pools[0]
	if st.CircuitBreaker.Calls != 1 || st.Retry.Retries != 1 || st.Redirects != 2 {
		t.Fatalf("breaker calls %d, retries %d, redirects %d", st.CircuitBreaker.Calls, st.Retry.Retries, st.Redirects)
	}
}

func TestRedirectedRepliesAreNotCached(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{"/start": {code: 302, loc: "/end"}})
	cache := `"memoryCache":{"expiration":"1m","maxEntryBytes":1024,"codes":[200,302],"methods":["GET"]}`
	p := redirectProxy(t, 2, cache, up.url)
	for range 2 {
		if r := call(t, p, "10.0.0.1", request("GET", "/start")); r.status != 200 || !strings.HasPrefix(r.body, "GET /end") {
			t.Fatalf("got %d %q", r.status, r.body)
		}
	}
	if n := up.hits.Load(); n != 4 {
		t.Fatalf("%d upstream requests for two redirected requests, want 4", n)
	}
	// The target itself is cached as usual.
	for range 2 {
		call(t, p, "10.0.0.1", request("GET", "/end"))
	}
	if n := up.hits.Load(); n != 5 {
		t.Fatalf("%d upstream requests after two requests for /end, want 5", n)
	}
	// An unfollowed 3xx is cached as any reply (here the limit is 0).
	off := startProxy(t, `{"pools":[`+poolDoc(cache, up.url)+`]}`)
	for range 2 {
		if r := call(t, off, "10.0.0.1", request("GET", "/start")); r.status != 302 {
			t.Fatalf("got %d", r.status)
		}
	}
	if n := up.hits.Load(); n != 6 {
		t.Fatalf("%d upstream requests after two requests for a 302, want 6", n)
	}
}

func TestRedirectWithStreamedClientBody(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{"/upload": {code: 307, loc: "/elsewhere"}})
	p := redirectProxy(t, 2, "", up.url)
	fr := startFront(t, p, func(s *fasthttp.Server) {
		s.StreamRequestBody = true
		s.MaxRequestBodySize = 1024
	})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(fr.url+"/upload", "application/octet-stream", bytes.NewReader(bigBody))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 307 || resp.Header.Get("Location") != "/elsewhere" || up.hits.Load() != 1 {
		t.Fatalf("got %d Location %q after %d upstream requests", resp.StatusCode, resp.Header.Get("Location"), up.hits.Load())
	}
	<-fr.results
}

func TestRedirectFollowingDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	a, b := benchUpstreams(t)
	p := startProxy(t, `{"maxRedirection":5,"pools":[`+poolDoc(`"timeout":"5s"`, a, b)+`]}`)
	run := serverRunner(t, p)
	for range 200 {
		run()
	}
	if allocs := testing.AllocsPerRun(2000, run); allocs > maxAllocsPerRequest {
		t.Fatalf("%v allocations per request that is not redirected", allocs)
	}
}
