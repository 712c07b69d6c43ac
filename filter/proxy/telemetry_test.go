package proxy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/contrib/propagators/b3"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestProxyCollectsPerServerMetrics(t *testing.T) {
	a, b := benchUpstreams(t)
	p := startProxy(t, `{"pools":[`+poolDoc("", a, b)+`]}`)
	run := detachedRunner(t, p)
	for range 4 {
		run()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(p)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var server string
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "server" {
					server = lp.GetValue()
				}
			}
			v := m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
			got[mf.GetName()+" "+server] = v
		}
	}
	for _, srv := range []string{a, b} {
		for name, want := range map[string]float64{
			"gatewright_proxy_requests_total":           2,
			"gatewright_proxy_errors_total":             0,
			"gatewright_proxy_request_duration_seconds": 2,
			"gatewright_proxy_server_healthy":           1,
		} {
			if got[name+" "+srv] != want {
				t.Errorf("%s{server=%s} = %v, want %v", name, srv, got[name+" "+srv], want)
			}
		}
	}
}

func TestTracedRequestSendsTraceparent(t *testing.T) {
	seen := make(chan string, 1)
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		seen <- string(ctx.Request.Header.Peek("traceparent"))
	})
	p := startProxy(t, `{"pools":[`+poolDoc(`"spanName":"catalog"`, up.url)+`]}`)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())
	_, parent := tp.Tracer("test").Start(context.Background(), "parent")
	req := benchRequest()
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("10.0.0.1"), time.Now())
	ctx.SetSpan(parent)
	if r := p.Handle(ctx); r != "" {
		t.Fatalf("result %q", r)
	}
	ctx.Finish()
	parent.End()
	got := <-seen
	var client tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.SpanKind == trace.SpanKindClient {
			client = s
		}
	}
	if client.Name != "catalog" || client.Parent.SpanID() != parent.SpanContext().SpanID() {
		t.Fatalf("client span %+v", client)
	}
	if !strings.Contains(got, client.SpanContext.SpanID().String()) || !strings.HasPrefix(got, "00-"+parent.SpanContext().TraceID().String()) {
		t.Fatalf("traceparent %q, client span %s", got, client.SpanContext.SpanID())
	}
}

// BenchmarkUpstreamCall compares one upstream call without telemetry (do)
// and with it, tracing off (doObserved).
func BenchmarkUpstreamCall(b *testing.B) {
	a, _ := benchUpstreams(b)
	p := startProxy(b, `{"pools":[`+poolDoc("", a)+`]}`)
	srv := p.main.servers[0]
	tmpl := benchRequest()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	ctx := filter.NewContext()
	for _, mode := range []string{"without", "observed"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tmpl.CopyTo(req)
				srv.prepare(req)
				var err error
				if mode == "without" {
					err = srv.do(req, resp, 0)
				} else {
					err = srv.doObserved(ctx, req, resp, 0)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTracedRequestFollowsThePropagator checks a request whose traffic
// gate chose B3 sends B3 headers upstream, replacing those the client
// sent, and no traceparent; an unsampled one still propagates.
func TestTracedRequestFollowsThePropagator(t *testing.T) {
	type seenHeaders struct{ traceID, spanID, sampled, traceparent string }
	seen := make(chan seenHeaders, 1)
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		h := &ctx.Request.Header
		seen <- seenHeaders{string(h.Peek("X-B3-TraceId")), string(h.Peek("X-B3-SpanId")), string(h.Peek("X-B3-Sampled")), string(h.Peek("traceparent"))}
	})
	p := startProxy(t, `{"pools":[`+poolDoc("", up.url)+`]}`)
	exp := tracetest.NewInMemoryExporter()
	for _, sampled := range []bool{true, false} {
		sampler, wantSampled := sdktrace.NeverSample(), "0"
		if sampled {
			sampler, wantSampled = sdktrace.AlwaysSample(), "1"
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithSampler(sampler))
		_, parent := tp.Tracer("test").Start(context.Background(), "parent")
		req := benchRequest()
		req.Header.Set("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124") // stale, from the client
		req.Header.Set("X-B3-SpanId", "0020000000000001")
		ctx := filter.NewContext()
		ctx.ResetDetached(req, []byte("10.0.0.1"), time.Now())
		ctx.SetSpan(parent)
		ctx.SetTracePropagator(b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader)))
		if r := p.Handle(ctx); r != "" {
			t.Fatalf("result %q", r)
		}
		ctx.Finish()
		parent.End()
		got := <-seen
		want := parent.SpanContext().SpanID().String() // unsampled: no client span, the parent's context goes on
		if sampled {
			for _, s := range exp.GetSpans() {
				if s.SpanKind == trace.SpanKindClient {
					want = s.SpanContext.SpanID().String()
				}
			}
		}
		if got.traceID != parent.SpanContext().TraceID().String() || got.spanID != want || got.sampled != wantSampled || got.traceparent != "" {
			t.Fatalf("sampled=%v: upstream saw %+v, want span %s", sampled, got, want)
		}
		_ = tp.Shutdown(context.Background())
		exp.Reset()
	}
}
