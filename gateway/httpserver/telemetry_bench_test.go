package httpserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// proxyRuntime is a runtime (not listening) whose only route goes to a
// pipeline with a Proxy filter in front of a real upstream on loopback.
func proxyRuntime(b testing.TB, accessLog string) *listenerRuntime {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	up := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString(`{"ok":true}`) }}
	go func() { _ = up.Serve(ln) }()
	b.Cleanup(func() { _ = up.Shutdown() })

	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.ObjectClass, Kind)
	reg.Register(registry.FilterClass, proxy.Kind)
	h := &harness{t: b, reg: reg, refs: &supervisor.RefTable{}}
	obj, err := h.build("kind: Pipeline\nname: p\nfilters:\n- {name: up, kind: Proxy, pools: [{servers: [{url: \"http://" + ln.Addr().String() + "\"}]}]}\n")
	if err != nil {
		b.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = obj.Close() })
	h.refs.Set("p", obj)
	doc := "kind: HTTPServer\nname: bench\nport: 8080\nrules: [{paths: [{pathPrefix: /, backend: p}]}]\n"
	if accessLog != "" {
		doc += "accessLogFormat: '" + accessLog + "'\n"
	}
	srv, err := h.build(doc)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := &listenerRuntime{log: log}
	rt.states.New = func() any { return newRequestState() }
	rt.snap.Store(srv.(*Server).snap)
	rt.ops.writer = newAccessLogWriter(log, &rt.ops.metrics.logDropped)
	b.Cleanup(rt.ops.writer.close)
	return rt
}

// handleBare is handle without the telemetry hooks: the request path of a
// build without metrics, tracing and access log.
func (rt *listenerRuntime) handleBare(ctx *fasthttp.RequestCtx) {
	st := rt.states.Get().(*requestState)
	snap := rt.snap.Load()
	_ = serve(snap, st, ctx)
	st.clear()
	rt.states.Put(st)
}

// BenchmarkProxyTelemetry compares one proxied request through the
// handler, the pipeline and the Proxy to a loopback upstream: without the
// server's telemetry hooks (bare), with metrics on and tracing off (the
// default), with an access log, and with every request traced.
func BenchmarkProxyTelemetry(b *testing.B) {
	run := func(b *testing.B, rt *listenerRuntime, handle func(*fasthttp.RequestCtx)) {
		ctx := testCtx("GET", "/items/42", "192.0.2.10", "Host: api.example")
		for range 100 {
			ctx.Response.Reset()
			handle(ctx)
		}
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d", ctx.Response.StatusCode())
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			ctx.Response.Reset()
			handle(ctx)
		}
	}
	b.Run("bare", func(b *testing.B) {
		rt := proxyRuntime(b, "")
		run(b, rt, rt.handleBare)
	})
	b.Run("metrics", func(b *testing.B) {
		rt := proxyRuntime(b, "")
		run(b, rt, rt.handle)
	})
	b.Run("metrics+accesslog", func(b *testing.B) {
		rt := proxyRuntime(b, DefaultAccessLogFormat)
		run(b, rt, rt.handle)
	})
	b.Run("metrics+tracing", func(b *testing.B) {
		rt := proxyRuntime(b, "")
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(discardExporter{}))
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		snap := *rt.snap.Load()
		ops := *snap.ops
		ops.tracer = tp.Tracer(tracerName)
		snap.ops = &ops
		rt.snap.Store(&snap)
		run(b, rt, rt.handle)
	})
}

// discardExporter drops spans.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// TestProxyPathWithMetricsAllocatesNothing checks the default telemetry
// (metrics on, tracing off, no access log) keeps a proxied request free of
// allocations.
func TestProxyPathWithMetricsAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	rt := proxyRuntime(t, "")
	ctx := testCtx("GET", "/items/42", "192.0.2.10", "Host: api.example")
	for range 100 {
		ctx.Response.Reset()
		rt.handle(ctx)
	}
	if allocs := testing.AllocsPerRun(1000, func() { ctx.Response.Reset(); rt.handle(ctx) }); allocs != 0 {
		t.Fatalf("%v allocations per proxied request with metrics on", allocs)
	}
	if n := rt.ops.metrics.byClass[2].Load(); n < 1100 {
		t.Fatalf("2xx counted %d times", n)
	}
}

// BenchmarkHandlerTelemetry isolates the cost of the server's telemetry
// hooks on the routing benchmark's request (no network): bare handler
// against the handler with metrics on and tracing off.
func BenchmarkHandlerTelemetry(b *testing.B) {
	for _, mode := range []string{"bare", "metrics"} {
		b.Run(mode, func(b *testing.B) {
			rt := newTestRuntime(b, benchFields(20))
			handle := rt.handle
			if mode == "bare" {
				handle = rt.handleBare
			}
			ctx := benchCtx()
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.SetRequestURI(benchTarget)
				ctx.Response.Reset()
				handle(ctx)
			}
		})
	}
}
