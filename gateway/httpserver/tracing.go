package httpserver

import (
	"context"

	"github.com/gatewright/gatewright/internal/telemetry"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names the tracer of server spans.
const tracerName = "github.com/gatewright/gatewright/gateway/httpserver"

// startServerSpan starts the server span of a request, continuing the
// trace of an incoming W3C traceparent, or of incoming B3 headers when the
// server's headerFormat is b3.
func startServerSpan(ops *serverOps, ctx *fasthttp.RequestCtx) trace.Span {
	parent := context.Background()
	if ops.propagator != nil {
		parent = ops.propagator.Extract(parent, telemetry.RequestHeaderCarrier{Header: &ctx.Request.Header})
	} else if sc, ok := telemetry.ParseTraceparent(ctx.Request.Header.Peek(telemetry.TraceparentHeader)); ok {
		parent = trace.ContextWithRemoteSpanContext(parent, sc)
	}
	method := string(ctx.Method())
	_, span := ops.tracer.Start(parent, method+" "+ops.name,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("http.request.method", method),
			attribute.String("url.path", string(ctx.Path())),
			attribute.String("server.address", string(ctx.Host())),
			attribute.String("client.address", ctx.RemoteIP().String()),
			attribute.String("gatewright.server", ops.name),
		))
	return span
}

// endServerSpan records the status and ends the span.
func endServerSpan(span trace.Span, code int) {
	span.SetAttributes(attribute.Int("http.response.status_code", code))
	if code >= 500 {
		span.SetStatus(codes.Error, "")
	}
	span.End()
}
