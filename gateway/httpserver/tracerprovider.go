package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/zipkin"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tracingShutdownTimeout bounds how long closing a server waits for its
// tracer provider to export the spans it still holds.
const tracingShutdownTimeout = 5 * time.Second

// serverTracing is the tracer provider an HTTPServer built from its own
// tracing spec, with the tracer and propagator its requests use. One
// generation owns it at a time: a generation whose tracing spec is
// unchanged takes it over (routes-only updates keep it); the owner shuts
// it down, flushing, when it closes.
type serverTracing struct {
	spec       *TracingSpec
	provider   *sdktrace.TracerProvider
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator // nil: W3C traceparent
}

// newServerTracing builds the provider of a checked tracing spec: its
// exporters (each behind a batcher), sampler, span limits and resource.
// Nothing is sent before a span ends; no connection is made here.
func newServerTracing(t *TracingSpec) (*serverTracing, error) {
	exporters, err := newSpanExporters(t)
	if err != nil {
		return nil, err
	}
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(t.sampleRate()))),
		sdktrace.WithRawSpanLimits(t.spanLimits()),
		sdktrace.WithResource(t.resource()),
	}
	batch := t.batchOptions()
	for _, exp := range exporters {
		opts = append(opts, sdktrace.WithBatcher(exp, batch...))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	st := &serverTracing{spec: t, provider: tp, tracer: tp.Tracer(tracerName)}
	if t.HeaderFormat == HeaderFormatB3 {
		st.propagator = newB3Propagator()
	}
	return st, nil
}

// sameSpec tells whether t would build the same provider.
func (st *serverTracing) sameSpec(t *TracingSpec) bool {
	return st != nil && t != nil && reflect.DeepEqual(st.spec, t)
}

// shutdown exports what the provider still holds (bounded) and stops it.
func (st *serverTracing) shutdown() error {
	if st == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), tracingShutdownTimeout)
	defer cancel()
	if err := st.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("shutting the tracer provider down: %w", err)
	}
	return nil
}

// newSpanExporters builds the exporters of the spec: those under exporter,
// or Zipkin for the deprecated zipkin block (none with disableReport).
func newSpanExporters(t *TracingSpec) ([]sdktrace.SpanExporter, error) {
	if z := t.Zipkin; z != nil {
		if z.DisableReport {
			return nil, nil
		}
		exp, err := zipkin.New(z.ServerURL)
		if err != nil {
			return nil, fmt.Errorf("tracing.zipkin.serverURL: %w", err)
		}
		return []sdktrace.SpanExporter{exp}, nil
	}
	e := t.Exporter
	if e == nil {
		return nil, errors.New("tracing: needs an exporter")
	}
	if e.Jaeger != nil {
		return nil, errors.New("tracing.exporter.jaeger: " + jaegerRefusal)
	}
	var out []sdktrace.SpanExporter
	if z := e.Zipkin; z != nil {
		exp, err := zipkin.New(z.Endpoint, zipkin.WithHeaders(z.Headers))
		if err != nil {
			return nil, fmt.Errorf("tracing.exporter.zipkin: %w", err)
		}
		out = append(out, exp)
	}
	if o := e.OTLP; o != nil {
		exp, err := newOTLPExporter(o)
		if err != nil {
			shutdownExporters(out)
			return nil, fmt.Errorf("tracing.exporter.otlp: %w", err)
		}
		out = append(out, exp)
	}
	return out, nil
}

// newOTLPExporter builds an OTLP exporter over HTTP or gRPC.
func newOTLPExporter(o *OTLPSpec) (sdktrace.SpanExporter, error) {
	ctx := context.Background()
	switch o.Protocol {
	case OTLPProtocolHTTP:
		var opts []otlptracehttp.Option
		if hasScheme(o.Endpoint) {
			opts = append(opts, otlptracehttp.WithEndpointURL(otlpHTTPURL(o.Endpoint)))
		} else {
			opts = append(opts, otlptracehttp.WithEndpoint(o.Endpoint))
		}
		if o.Insecure {
			opts = append(opts, otlptracehttp.WithInsecure())
		}
		if o.Compression == "gzip" {
			opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
		}
		if len(o.Headers) > 0 {
			opts = append(opts, otlptracehttp.WithHeaders(o.Headers))
		}
		return otlptracehttp.New(ctx, opts...)
	case OTLPProtocolGRPC:
		var opts []otlptracegrpc.Option
		if hasScheme(o.Endpoint) {
			opts = append(opts, otlptracegrpc.WithEndpointURL(o.Endpoint))
		} else {
			opts = append(opts, otlptracegrpc.WithEndpoint(o.Endpoint))
		}
		if o.Insecure {
			opts = append(opts, otlptracegrpc.WithInsecure())
		}
		if o.Compression == "gzip" {
			opts = append(opts, otlptracegrpc.WithCompressor("gzip"))
		}
		if len(o.Headers) > 0 {
			opts = append(opts, otlptracegrpc.WithHeaders(o.Headers))
		}
		return otlptracegrpc.New(ctx, opts...)
	}
	return nil, fmt.Errorf("protocol %q is not http or grpc", o.Protocol)
}

// otlpHTTPURL gives an OTLP/HTTP endpoint URL without a path the standard
// traces path.
func otlpHTTPURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return v
	}
	u.Path = "/v1/traces"
	return u.String()
}

// shutdownExporters stops exporters built before a later one failed.
func shutdownExporters(exps []sdktrace.SpanExporter) {
	for _, e := range exps {
		_ = e.Shutdown(context.Background())
	}
}

// sampleRate is the share of new traces recorded: the deprecated zipkin
// block's, else sampleRate, else 1.
func (t *TracingSpec) sampleRate() float64 {
	switch {
	case t.Zipkin != nil:
		return t.Zipkin.SampleRate
	case t.SampleRate != nil:
		return *t.SampleRate
	}
	return 1
}

// resource is service.name with the attributes (or their deprecated alias
// tags).
func (t *TracingSpec) resource() *resource.Resource {
	extra := t.Attributes
	if extra == nil {
		extra = t.Tags
	}
	attrs := make([]attribute.KeyValue, 0, len(extra)+1)
	for k, v := range extra {
		attrs = append(attrs, attribute.String(k, v))
	}
	// service.name last: it wins over an attribute of the same key.
	attrs = append(attrs, attribute.String("service.name", t.ServiceName))
	return resource.NewSchemaless(attrs...)
}

// spanLimits applies the spec's limits over the defaults.
func (t *TracingSpec) spanLimits() sdktrace.SpanLimits {
	l := sdktrace.SpanLimits{
		AttributeValueLengthLimit:   -1,
		AttributeCountLimit:         DefaultSpanLimit,
		EventCountLimit:             DefaultSpanLimit,
		LinkCountLimit:              DefaultSpanLimit,
		AttributePerEventCountLimit: DefaultSpanLimit,
		AttributePerLinkCountLimit:  DefaultSpanLimit,
	}
	s := t.SpanLimits
	if s == nil {
		return l
	}
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&l.AttributeValueLengthLimit, s.AttributeValueLengthLimit)
	set(&l.AttributeCountLimit, s.AttributeCountLimit)
	set(&l.EventCountLimit, s.EventCountLimit)
	set(&l.LinkCountLimit, s.LinkCountLimit)
	set(&l.AttributePerEventCountLimit, s.AttributePerEventCountLimit)
	set(&l.AttributePerLinkCountLimit, s.AttributePerLinkCountLimit)
	return l
}

// batchOptions are the batcher's options over the defaults.
func (t *TracingSpec) batchOptions() []sdktrace.BatchSpanProcessorOption {
	b := BatchLimitsSpec{}
	if t.BatchLimits != nil {
		b = *t.BatchLimits
	}
	or := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	return []sdktrace.BatchSpanProcessorOption{
		sdktrace.WithMaxQueueSize(or(b.MaxQueueSize, DefaultMaxQueueSize)),
		sdktrace.WithBatchTimeout(time.Duration(or(b.BatchTimeout, DefaultBatchTimeoutMillis)) * time.Millisecond),
		sdktrace.WithExportTimeout(time.Duration(or(b.ExportTimeout, DefaultExportTimeoutMillis)) * time.Millisecond),
		sdktrace.WithMaxExportBatchSize(or(b.MaxExportBatchSize, DefaultMaxExportBatchSize)),
	}
}
