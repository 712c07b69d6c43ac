package pipeline

import (
	"context"
	"time"

	"github.com/gatewright/gatewright/filter"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// tracerName names the tracer of pipeline spans.
const tracerName = "github.com/gatewright/gatewright/pipeline"

// handleTraced runs the node's filter in a child span of parent; the span
// is the request's current span while the filter runs, so spans the
// filter starts (a proxy's client span) are its children.
func (n *node) handleTraced(ctx *filter.Context, parent trace.Span) (string, time.Time) {
	st := n.stats
	tracer := parent.TracerProvider().Tracer(tracerName)
	_, span := tracer.Start(trace.ContextWithSpan(context.Background(), parent), st.spanName,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(
			attribute.String("gatewright.filter.name", st.name),
			attribute.String("gatewright.filter.kind", st.kind),
		))
	ctx.SetSpan(span)
	start := time.Now()
	result := n.filter.Handle(ctx)
	end := time.Now()
	st.counts.add(result)
	st.latency.Observe(end.Sub(start))
	ctx.SetSpan(parent)
	if result != "" {
		span.SetAttributes(attribute.String("gatewright.filter.result", result))
	}
	span.End()
	return result, end
}
