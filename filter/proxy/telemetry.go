package proxy

import (
	"context"
	"strconv"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names the tracer of the Proxy's client spans.
const tracerName = "github.com/gatewright/gatewright/filter/proxy"

// doObserved is do with the request's telemetry: the upstream latency is
// recorded, and when the request is traced a client span wraps the call
// and the upstream gets the trace context in the traffic gate's header
// format: W3C traceparent by default, B3 when the HTTPServer asks for it
// (an unsampled request still propagates its trace context). With tracing
// off it costs two clock readings and an atomic add.
func (s *server) doObserved(ctx *filter.Context, req *fasthttp.Request, resp *fasthttp.Response, timeout time.Duration) error {
	return s.doObservedHop(ctx, req, resp, timeout, 0)
}

// doObservedHop is doObserved for the hop-th request of a redirect chain
// (0: the first); a followed redirect is an upstream call like any other,
// and its span carries http.request.resend_count.
func (s *server) doObservedHop(ctx *filter.Context, req *fasthttp.Request, resp *fasthttp.Response, timeout time.Duration, hop int) error {
	var span trace.Span
	if parent := ctx.Span(); parent != nil {
		if parent.IsRecording() {
			span = s.startClientSpan(parent, req, hop)
			injectTraceContext(ctx, req, span.SpanContext())
		} else if sc := parent.SpanContext(); sc.IsValid() {
			injectTraceContext(ctx, req, sc)
		}
	}
	start := time.Now()
	err := s.do(req, resp, timeout)
	s.up.latency.Observe(time.Since(start))
	if span != nil {
		endClientSpan(span, resp, err)
	}
	return err
}

// startClientSpan starts the client span of an upstream call; hop > 0
// marks a followed redirect.
func (s *server) startClientSpan(parent trace.Span, req *fasthttp.Request, hop int) trace.Span {
	name := s.spanName
	if name == "" {
		name = "proxy " + string(req.Header.Method())
	}
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", string(req.Header.Method())),
		attribute.String("url.full", s.spec.URL+string(req.URI().RequestURI())),
		attribute.String("server.address", s.url.host),
	}
	if hop > 0 {
		attrs = append(attrs, attribute.Int("http.request.resend_count", hop))
	}
	_, span := parent.TracerProvider().Tracer(tracerName).Start(
		trace.ContextWithSpan(context.Background(), parent), name,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attrs...))
	return span
}

// endClientSpan records the outcome and ends the span.
func endClientSpan(span trace.Span, resp *fasthttp.Response, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	} else {
		code := resp.StatusCode()
		span.SetAttributes(attribute.Int("http.response.status_code", code))
		if code >= 500 {
			span.SetStatus(codes.Error, strconv.Itoa(code))
		}
	}
	span.End()
}

// injectTraceContext writes sc into the upstream request's headers with
// the request's propagator, replacing the headers of its Fields that the
// client sent, or as a traceparent header (no allocation) when the traffic
// gate chose none.
func injectTraceContext(ctx *filter.Context, req *fasthttp.Request, sc trace.SpanContext) {
	if p := ctx.TracePropagator(); p != nil {
		for _, f := range p.Fields() {
			req.Header.Del(f)
		}
		p.Inject(trace.ContextWithSpanContext(context.Background(), sc), telemetry.RequestHeaderCarrier{Header: &req.Header})
		return
	}
	setTraceparent(req, sc)
}

// setTraceparent sets the upstream request's traceparent header.
func setTraceparent(req *fasthttp.Request, sc trace.SpanContext) {
	var buf [64]byte
	req.Header.SetBytesV(telemetry.TraceparentHeader, telemetry.AppendTraceparent(buf[:0], sc))
}

// Describe implements prometheus.Collector; it describes nothing, as the
// servers follow the configuration (an unchecked collector).
func (p *Proxy) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector: per pool and server, requests,
// errors (no reply: network error or timeout), latency, health and open
// connections. Counts live in the connection pools, which survive
// configuration updates.
func (p *Proxy) Collect(ch chan<- prometheus.Metric) {
	labels := []string{"pipeline", "filter", "pool", "server"}
	requests := prometheus.NewDesc("gatewright_proxy_requests_total", "Requests sent to an upstream server.", labels, nil)
	errs := prometheus.NewDesc("gatewright_proxy_errors_total", "Requests to an upstream server that got no reply (network error or timeout).", labels, nil)
	latency := prometheus.NewDesc("gatewright_proxy_request_duration_seconds", "Time from sending a request to an upstream server to its reply.", labels, nil)
	healthy := prometheus.NewDesc("gatewright_proxy_server_healthy", "1 while the health check lets the server be chosen.", labels, nil)
	conns := prometheus.NewDesc("gatewright_proxy_connections", "Open connections to an upstream server.", labels, nil)
	pipeline, name := p.Spec().Pipeline, p.Name()
	for _, pl := range p.pools() {
		for _, s := range pl.servers {
			lv := []string{pipeline, name, pl.name, s.spec.URL}
			ch <- prometheus.MustNewConstMetric(requests, prometheus.CounterValue, float64(s.up.requests.Load()), lv...)
			ch <- prometheus.MustNewConstMetric(errs, prometheus.CounterValue, float64(s.up.failures.Load()), lv...)
			ch <- s.up.latency.Metric(latency, lv...)
			h := 0.0
			if s.healthy() {
				h = 1
			}
			ch <- prometheus.MustNewConstMetric(healthy, prometheus.GaugeValue, h, lv...)
			ch <- prometheus.MustNewConstMetric(conns, prometheus.GaugeValue, float64(s.up.client.ConnsCount()), lv...)
		}
	}
}
