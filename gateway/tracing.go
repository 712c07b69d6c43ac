package gateway

import (
	"context"
	"fmt"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing exporters.
const (
	ExporterOTLPHTTP = "otlp-http"
	ExporterOTLPGRPC = "otlp-grpc"
	ExporterStdout   = "stdout"
)

// TracingConfig is the tracing section of the node configuration. Tracing
// is off unless an exporter is set; when off, requests pay nothing for it.
type TracingConfig struct {
	// Exporter is otlp-http, otlp-grpc or stdout; empty turns tracing off.
	Exporter string `json:"exporter,omitempty"`
	// Endpoint is the OTLP collector's host:port (default localhost:4318
	// for HTTP, localhost:4317 for gRPC).
	Endpoint string `json:"endpoint,omitempty"`
	// Insecure sends OTLP without TLS.
	Insecure bool `json:"insecure,omitempty"`
	// SampleRatio is the share of new traces recorded, 0 to 1 (default
	// 1); a request carrying a sampled traceparent is always recorded.
	SampleRatio *float64 `json:"sampleRatio,omitempty"`
	// ServiceName is the service.name resource attribute (default
	// gatewright).
	ServiceName string `json:"serviceName,omitempty"`
}

// WithTracing turns tracing on with an exporter.
func WithTracing(c TracingConfig) Option { return func(s *settings) { s.ops.tracing = c } }

// WithTracerProvider makes the gateway trace with a provider of one's own
// (an SDK provider with an in-memory exporter in tests, say); it wins over
// WithTracing and the gateway does not shut it down.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(s *settings) { s.ops.tracer = tp }
}

// newTracerProvider builds the provider the configuration asks for: the
// one given, one with an exporter, or nil (tracing off). own is the
// provider to shut down at Close.
func newTracerProvider(ctx context.Context, node string, o opsSettings) (tp trace.TracerProvider, own *sdktrace.TracerProvider, err error) {
	if o.tracer != nil {
		return o.tracer, nil, nil
	}
	c := o.tracing
	if c.Exporter == "" {
		return nil, nil, nil
	}
	ratio := 1.0
	if c.SampleRatio != nil {
		ratio = *c.SampleRatio
	}
	if ratio < 0 || ratio > 1 {
		return nil, nil, fmt.Errorf("tracing.sampleRatio: %v is not between 0 and 1", ratio)
	}
	var exp sdktrace.SpanExporter
	switch c.Exporter {
	case ExporterOTLPHTTP:
		opts := []otlptracehttp.Option{}
		if c.Endpoint != "" {
			opts = append(opts, otlptracehttp.WithEndpoint(c.Endpoint))
		}
		if c.Insecure {
			opts = append(opts, otlptracehttp.WithInsecure())
		}
		exp, err = otlptracehttp.New(ctx, opts...)
	case ExporterOTLPGRPC:
		opts := []otlptracegrpc.Option{}
		if c.Endpoint != "" {
			opts = append(opts, otlptracegrpc.WithEndpoint(c.Endpoint))
		}
		if c.Insecure {
			opts = append(opts, otlptracegrpc.WithInsecure())
		}
		exp, err = otlptracegrpc.New(ctx, opts...)
	case ExporterStdout:
		exp, err = stdouttrace.New(stdouttrace.WithWriter(os.Stdout))
	default:
		return nil, nil, fmt.Errorf("tracing.exporter: %q is not one of %s, %s, %s", c.Exporter, ExporterOTLPHTTP, ExporterOTLPGRPC, ExporterStdout)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("tracing.exporter %s: %w", c.Exporter, err)
	}
	service := c.ServiceName
	if service == "" {
		service = "gatewright"
	}
	p := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))),
		sdktrace.WithResource(resource.NewSchemaless(
			attribute.String("service.name", service),
			attribute.String("service.instance.id", node),
			attribute.String("service.version", Version()),
		)),
	)
	return p, p, nil
}
