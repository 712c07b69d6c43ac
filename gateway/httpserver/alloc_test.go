package httpserver

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// benchFields is a routing table of some size: the request used by the
// allocation test and the benchmarks matches a path in the middle of it.
func benchFields(extraRules int) string {
	var b strings.Builder
	b.WriteString(`xForwardedFor: true
ipFilter: {blockIPs: [203.0.113.0/24]}
rules:
`)
	for i := 0; i < extraRules; i++ {
		fmt.Fprintf(&b, "- host: svc%d.example.com\n  paths: [{pathPrefix: /, backend: p}]\n", i)
	}
	b.WriteString(`- hosts: [{value: "*.internal"}, {value: "^api[0-9]*\\.example\\.com$", isRegexp: true}]
  paths:
  - {path: /healthz, backend: p}
  - {pathRegexp: "^/u/([0-9]+)$", rewriteTarget: "/users/$1", backend: p}
  - {pathPrefix: /api/v1/, methods: [POST], backend: p}
  - pathPrefix: /api/v1/
    rewriteTarget: /v1/
    methods: [GET, HEAD]
    headers: [{key: X-Tenant, values: [a, b]}]
    queries: [{key: x, regexp: "^[0-9]+$"}]
    ipFilter: {allowIPs: [198.51.100.0/24]}
    setHeaders: {X-Gateway: gatewright, X-Orig-Host: "$host"}
    backend: p
- paths: [{pathPrefix: /, backend: p}]
`)
	return b.String()
}

// newTestRuntime returns a runtime that is not listening, for driving the
// handler directly.
func newTestRuntime(t testing.TB, fields string) *listenerRuntime {
	t.Helper()
	h := newHarness(t)
	h.pipeline("p", `body: "hello"`)
	spec, _, err := h.decode("kind: HTTPServer\nname: bench\nport: 8080\n" + fields)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := compile(spec.Body.(*Spec), h.refs)
	if err != nil {
		t.Fatal(err)
	}
	rt := &listenerRuntime{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rt.states.New = func() any { return newRequestState() }
	rt.snap.Store(snap)
	return rt
}

const benchTarget = "/api/v1/orders/42?x=7"

func benchCtx() *fasthttp.RequestCtx {
	return testCtx("GET", benchTarget, "192.0.2.10",
		"Host: api2.example.com", "X-Tenant: b", "X-Forwarded-For: 198.51.100.7, 10.0.0.1")
}

// runOnce serves the request again on the same context, restoring what
// the previous run rewrote.
func runOnce(rt *listenerRuntime, ctx *fasthttp.RequestCtx) {
	ctx.Request.SetRequestURI(benchTarget)
	ctx.Response.Reset()
	rt.handle(ctx)
}

func TestMatchedRouteAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items)")
	}
	rt := newTestRuntime(t, benchFields(20))
	ctx := benchCtx()
	runOnce(rt, ctx)
	checkBenchRequestServed(t, ctx)
	allocs := testing.AllocsPerRun(2000, func() { runOnce(rt, ctx) })
	if allocs != 0 {
		t.Fatalf("routing and dispatch allocate %.2f times per request", allocs)
	}
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("status %d", ctx.Response.StatusCode())
	}
	// Refusals allocate nothing either.
	miss := testCtx("GET", "/api/v1/orders/42?x=7", "192.0.2.10", "Host: api2.example.com", "X-Forwarded-For: 203.0.113.5")
	allocs = testing.AllocsPerRun(2000, func() { miss.Response.Reset(); rt.handle(miss) })
	if allocs != 0 || miss.Response.StatusCode() != 403 {
		t.Fatalf("refusal: status %d, %.2f allocations", miss.Response.StatusCode(), allocs)
	}
}

// BenchmarkHandler measures routing and dispatch of a matched request
// (server IP filter, 20 non-matching rules, host regexp, path prefix,
// methods, header and query conditions, path IP filter, setHeaders,
// rewrite, X-Forwarded-For, body cap, pooled context, one-filter pipeline).
func BenchmarkHandler(b *testing.B) {
	rt := newTestRuntime(b, benchFields(20))
	ctx := benchCtx()
	b.ReportAllocs()
	for b.Loop() {
		runOnce(rt, ctx)
	}
	if ctx.Response.StatusCode() != 200 {
		b.Fatalf("status %d", ctx.Response.StatusCode())
	}
}

// BenchmarkRouterSearch measures the route search alone, over routing
// tables of growing size.
func BenchmarkRouterSearch(b *testing.B) {
	for _, n := range []int{0, 20, 200} {
		b.Run(fmt.Sprintf("rules=%d", n+2), func(b *testing.B) {
			rt := newTestRuntime(b, benchFields(n))
			snap := rt.snap.Load()
			ctx := benchCtx()
			st := newRequestState()
			b.ReportAllocs()
			for b.Loop() {
				if r, _ := routeRequest(snap, st, ctx); r == nil {
					b.Fatal("no route")
				}
			}
		})
	}
}

// checkBenchRequestServed checks that the benchmark request went through
// the matched route: its rewrite and setHeaders applied, the pipeline's
// reply in the response.
func checkBenchRequestServed(t *testing.T, ctx *fasthttp.RequestCtx) {
	t.Helper()
	if code, body := ctx.Response.StatusCode(), string(ctx.Response.Body()); code != 200 || body != "hello" {
		t.Fatalf("status %d body %q", code, body)
	}
	if got := string(ctx.Request.URI().RequestURI()); got != "/v1/orders/42?x=7" {
		t.Fatalf("rewritten to %s", got)
	}
	if got := string(ctx.Request.Header.Peek("X-Orig-Host")); got != "api2.example.com" {
		t.Fatalf("X-Orig-Host %q", got)
	}
}
