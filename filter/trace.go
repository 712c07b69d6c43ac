package filter

import (
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Span returns the request's current trace span: the traffic gate's server
// span, or the span of the filter running now. It is nil when the request
// is not traced (tracing off), so a filter pays nothing then:
//
//	if sp := ctx.Span(); sp != nil && sp.IsRecording() { ... }
func (c *Context) Span() trace.Span { return c.span }

// SetSpan makes span the request's current span (nil: none). The traffic
// gate sets its server span before the pipeline runs and clears it after;
// a pipeline sets each filter's span while the filter runs. Finish does
// not end or clear it: whoever set it does.
func (c *Context) SetSpan(span trace.Span) { c.span = span }

// TracePropagator returns the propagator that writes the request's trace
// context into requests sent upstream, as the traffic gate chose it (B3
// for an HTTPServer with tracing.headerFormat b3). It is nil for the
// default, the W3C traceparent header, which filters write without
// allocating (the Proxy does). A filter that injects with it first
// removes the headers named by its Fields, which may list more than
// Inject writes: every header of the format.
func (c *Context) TracePropagator() propagation.TextMapPropagator { return c.propagator }

// SetTracePropagator sets the propagator TracePropagator returns (nil:
// W3C traceparent). The traffic gate sets it with the server span and
// clears it after the request; Finish does not clear it.
func (c *Context) SetTracePropagator(p propagation.TextMapPropagator) { c.propagator = p }
