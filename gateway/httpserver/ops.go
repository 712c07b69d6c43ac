package httpserver

import (
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// serverOps is what one generation of a server needs for telemetry: its
// name, its tracer (nil: tracing off), the propagator of its trace headers
// (nil: W3C traceparent) and its access log format (nil: no access log).
type serverOps struct {
	name       string
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	accessLog  *accessLogFormat
}

// newServerOps prepares a generation's telemetry from its spec and env. A
// server with a tracing spec of its own gets its tracer when it starts
// (useTracing); the others trace with the node's provider, if any.
func newServerOps(name string, body *Spec, env *supervisor.Env) (*serverOps, error) {
	ops := &serverOps{name: name}
	if body.Tracing == nil && env != nil && env.TracerProvider != nil {
		ops.tracer = env.TracerProvider.Tracer(tracerName)
	}
	if body.AccessLogFormat != "" {
		f, err := compileAccessLog(body.AccessLogFormat)
		if err != nil {
			return nil, registry.FieldError{Path: "accessLogFormat", Reason: err.Error()}
		}
		ops.accessLog = f
	}
	return ops, nil
}

// useTracing makes the generation trace with the server's own provider.
// It is called before the snapshot is published.
func (o *serverOps) useTracing(st *serverTracing) {
	o.tracer, o.propagator = st.tracer, st.propagator
}

// runtimeOps is the telemetry that lives as long as the listener: the
// metrics and the access log writer.
type runtimeOps struct {
	metrics serverMetrics
	writer  *accessLogWriter
}

// requestOps is the per-request telemetry state, pooled with the request
// state.
type requestOps struct {
	snap  *serverOps
	span  trace.Span
	entry *accessEntry
}

// begin starts a request's telemetry: in flight, server span, access log
// entry with the parts that the handling may change.
func (rt *listenerRuntime) begin(snap *snapshot, st *requestState, ctx *fasthttp.RequestCtx) {
	rt.ops.metrics.inflight.Add(1)
	ops := snap.ops
	st.ops.snap = ops
	if ops == nil {
		return
	}
	if ops.tracer != nil {
		st.ops.span = startServerSpan(ops, ctx)
	}
	if ops.accessLog != nil && rt.ops.writer != nil {
		st.ops.entry = rt.ops.writer.begin(ctx, ops.accessLog)
	}
}

// attach is called once the filter context carries the request, before
// the pipeline runs: filters see the server span, and the access log
// collects the tags.
func (o *requestOps) attach(fctx *filter.Context) {
	if o.span != nil {
		fctx.SetSpan(o.span)
		fctx.SetTracePropagator(o.snap.propagator)
	}
	if o.entry != nil && o.entry.wantsTags {
		fctx.OnFinish(o.entry)
	}
}

// end finishes a request's telemetry: counters, server span, access log.
func (rt *listenerRuntime) end(st *requestState, ctx *fasthttp.RequestCtx) {
	m := &rt.ops.metrics
	m.inflight.Add(-1)
	code := ctx.Response.StatusCode()
	class := code / 100
	if class < 1 || class > 5 {
		class = 0
	}
	m.byClass[class].Add(1)
	rx, tx := requestSize(ctx), responseSize(ctx)
	m.rxBytes.Add(uint64(rx))
	m.txBytes.Add(uint64(tx))
	d := time.Since(ctx.Time())
	m.latency.Observe(d)
	o := &st.ops
	if o.span != nil {
		endServerSpan(o.span, code)
		st.fctx.SetSpan(nil)
		st.fctx.SetTracePropagator(nil)
	}
	if o.entry != nil {
		rt.ops.writer.finish(o.snap.accessLog, o.entry, ctx, st.ip, code, d, rx, tx)
	}
	*o = requestOps{}
}

// requestSize is the request's header and body bytes as received.
func requestSize(ctx *fasthttp.RequestCtx) int {
	n := len(ctx.Request.Header.RawHeaders())
	if cl := ctx.Request.Header.ContentLength(); cl > 0 {
		n += cl
	}
	return n
}

// responseSize is the response body's bytes (its Content-Length when
// streamed).
func responseSize(ctx *fasthttp.RequestCtx) int {
	r := &ctx.Response
	if r.IsBodyStream() {
		return max(r.Header.ContentLength(), 0)
	}
	return len(r.Body())
}
