package httpserver

import (
	"context"

	"go.opentelemetry.io/contrib/propagators/b3"
	"go.opentelemetry.io/otel/propagation"
)

// b3Propagator is the trace header format of a server with headerFormat
// b3: it reads both B3 encodings (the single b3 header first) and writes
// the multiple-header one (X-B3-TraceId, X-B3-SpanId, X-B3-Sampled), which
// most Zipkin-instrumented services read.
type b3Propagator struct {
	inner  propagation.TextMapPropagator
	fields []string
}

var _ propagation.TextMapPropagator = b3Propagator{}

// newB3Propagator returns the B3 propagator of a server.
func newB3Propagator() b3Propagator {
	return b3Propagator{
		inner:  b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader)),
		fields: []string{"b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags"},
	}
}

// Inject writes the span context of ctx as B3 multiple headers.
func (p b3Propagator) Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	p.inner.Inject(ctx, carrier)
}

// Extract reads a B3 context, single header or multiple headers.
func (p b3Propagator) Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	return p.inner.Extract(ctx, carrier)
}

// Fields lists every B3 header of either encoding, not only those Inject
// writes, so that whoever injects toward an upstream (the Proxy) first
// removes the ones the client sent: a stale b3 or X-B3-ParentSpanId would
// otherwise contradict the new context. It does not allocate.
func (p b3Propagator) Fields() []string { return p.fields }
