package filter

import "go.opentelemetry.io/otel/trace"

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
