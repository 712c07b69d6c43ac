package httpserver

// Values of TracingSpec.HeaderFormat.
const (
	// HeaderFormatTraceContext propagates W3C traceparent (the default).
	HeaderFormatTraceContext = "trace-context"
	// HeaderFormatB3 propagates Zipkin B3 headers.
	HeaderFormatB3 = "b3"
)

// Values of OTLPSpec.Protocol.
const (
	// OTLPProtocolHTTP sends OTLP as protobuf over HTTP.
	OTLPProtocolHTTP = "http"
	// OTLPProtocolGRPC sends OTLP over gRPC.
	OTLPProtocolGRPC = "grpc"
)

// Defaults of the tracing spec.
const (
	// DefaultSpanLimit is the default of every span limit but the
	// attribute value length.
	DefaultSpanLimit = 128
	// DefaultMaxQueueSize is the default span queue of the batcher.
	DefaultMaxQueueSize = 2048
	// DefaultBatchTimeoutMillis is the default longest wait before a batch
	// is sent, in milliseconds.
	DefaultBatchTimeoutMillis = 5000
	// DefaultExportTimeoutMillis is the default bound of one export, in
	// milliseconds.
	DefaultExportTimeoutMillis = 30000
	// DefaultMaxExportBatchSize is the default largest batch.
	DefaultMaxExportBatchSize = 512
)

// TracingSpec is an HTTPServer's own distributed tracing (the vocabulary's
// Tracing): with it the server traces its requests with a tracer provider
// of its own, built from this spec, instead of the node's.
type TracingSpec struct {
	// ServiceName is the service.name resource attribute of the spans.
	ServiceName string `json:"serviceName" jsonschema:"required,minLength=1" jsonschema_description:"service.name of the spans"`
	// Attributes are further resource attributes of the spans.
	Attributes map[string]string `json:"attributes,omitempty" jsonschema_description:"further resource attributes of the spans"`
	// Tags is the deprecated name of Attributes; give one, not both.
	Tags map[string]string `json:"tags,omitempty" jsonschema_description:"deprecated alias of attributes; give one, not both"`
	// SampleRate is the share of new traces recorded, 0 to 1 (nil: 1). A
	// request carrying a sampled trace context is always recorded.
	SampleRate *float64 `json:"sampleRate,omitempty" jsonschema:"minimum=0,maximum=1" jsonschema_description:"share of new traces recorded, 0 to 1 (default 1); a request carrying a sampled trace context is always recorded"`
	// HeaderFormat is how trace context is read from requests and written
	// toward upstreams: trace-context (W3C traceparent, the default) or b3.
	HeaderFormat string `json:"headerFormat,omitempty" jsonschema:"enum=trace-context,enum=b3" jsonschema_description:"trace context headers read from clients and sent upstream: trace-context (W3C traceparent, default) or b3 (Zipkin B3)"`
	// SpanLimits bounds what one span records.
	SpanLimits *SpanLimitsSpec `json:"spanLimits,omitempty" jsonschema_description:"what one span may record"`
	// BatchLimits tunes the batching of spans before export.
	BatchLimits *BatchLimitsSpec `json:"batchLimits,omitempty" jsonschema_description:"batching of spans before export"`
	// Exporter says where spans go; give it or the deprecated Zipkin.
	Exporter *ExporterSpec `json:"exporter,omitempty" jsonschema_description:"where spans go (one or more exporters); give it or the deprecated zipkin"`
	// Zipkin is the deprecated way of exporting to Zipkin; give it or
	// Exporter.
	Zipkin *DeprecatedZipkinSpec `json:"zipkin,omitempty" jsonschema_description:"deprecated: use exporter.zipkin; give exporter or zipkin, not both"`
}

// SpanLimitsSpec bounds what one span records. A nil field takes its
// default (attributeValueLengthLimit -1, the others 128); a negative
// value means no limit.
type SpanLimitsSpec struct {
	// AttributeValueLengthLimit truncates string attribute values.
	AttributeValueLengthLimit *int `json:"attributeValueLengthLimit,omitempty" jsonschema:"minimum=-1,default=-1" jsonschema_description:"longest string attribute value; -1 = no limit (default)"`
	// AttributeCountLimit caps the attributes of a span.
	AttributeCountLimit *int `json:"attributeCountLimit,omitempty" jsonschema:"minimum=-1,default=128" jsonschema_description:"attributes per span; -1 = no limit (default 128)"`
	// EventCountLimit caps the events of a span.
	EventCountLimit *int `json:"eventCountLimit,omitempty" jsonschema:"minimum=-1,default=128" jsonschema_description:"events per span; -1 = no limit (default 128)"`
	// LinkCountLimit caps the links of a span.
	LinkCountLimit *int `json:"linkCountLimit,omitempty" jsonschema:"minimum=-1,default=128" jsonschema_description:"links per span; -1 = no limit (default 128)"`
	// AttributePerEventCountLimit caps the attributes of an event.
	AttributePerEventCountLimit *int `json:"attributePerEventCountLimit,omitempty" jsonschema:"minimum=-1,default=128" jsonschema_description:"attributes per span event; -1 = no limit (default 128)"`
	// AttributePerLinkCountLimit caps the attributes of a link.
	AttributePerLinkCountLimit *int `json:"attributePerLinkCountLimit,omitempty" jsonschema:"minimum=-1,default=128" jsonschema_description:"attributes per span link; -1 = no limit (default 128)"`
}

// BatchLimitsSpec tunes the batch span processor; 0 takes the default.
type BatchLimitsSpec struct {
	// MaxQueueSize is the number of ended spans buffered for export;
	// further spans are dropped while it is full.
	MaxQueueSize int `json:"maxQueueSize,omitempty" jsonschema:"minimum=0" jsonschema_description:"spans buffered for export; more are dropped (default 2048)"`
	// BatchTimeout is the longest wait, in milliseconds, before the
	// buffered spans are sent.
	BatchTimeout int `json:"batchTimeout,omitempty" jsonschema:"minimum=0" jsonschema_description:"longest wait before buffered spans are sent, in milliseconds (default 5000)"`
	// ExportTimeout bounds one export, in milliseconds.
	ExportTimeout int `json:"exportTimeout,omitempty" jsonschema:"minimum=0" jsonschema_description:"bound of one export, in milliseconds (default 30000)"`
	// MaxExportBatchSize is the largest number of spans sent at once.
	MaxExportBatchSize int `json:"maxExportBatchSize,omitempty" jsonschema:"minimum=0" jsonschema_description:"most spans sent at once (default 512)"`
}

// ExporterSpec names one or more exporters; at least one is required.
type ExporterSpec struct {
	// Jaeger is accepted for compatibility and refused: OpenTelemetry
	// removed its Jaeger exporter, and Jaeger accepts OTLP.
	Jaeger *JaegerSpec `json:"jaeger,omitempty" jsonschema_description:"refused: OpenTelemetry removed its Jaeger exporter; point exporter.otlp at Jaeger's OTLP port (4318 http, 4317 grpc) instead"`
	// Zipkin sends spans to a Zipkin collector (JSON over HTTP).
	Zipkin *ZipkinSpec `json:"zipkin,omitempty" jsonschema_description:"send spans to a Zipkin collector"`
	// OTLP sends spans to an OpenTelemetry collector.
	OTLP *OTLPSpec `json:"otlp,omitempty" jsonschema_description:"send spans with OTLP (OpenTelemetry collector, Jaeger, Tempo, ...)"`
}

// JaegerSpec is Easegress's Jaeger exporter. gatewright decodes it, so
// that the error is about the exporter rather than an unknown field, and
// refuses it.
type JaegerSpec struct {
	// Mode is agent or collector.
	Mode string `json:"mode" jsonschema:"required,enum=agent,enum=collector" jsonschema_description:"agent or collector"`
	// Endpoint is the agent's host:port or the collector's URL.
	Endpoint string `json:"endpoint,omitempty" jsonschema_description:"agent host:port or collector URL"`
	// Username authenticates to the collector.
	Username string `json:"username,omitempty" jsonschema_description:"collector user name"`
	// Password authenticates to the collector.
	Password string `json:"password,omitempty" secret:"true" jsonschema_description:"collector password"`
}

// ZipkinSpec is a Zipkin collector.
type ZipkinSpec struct {
	// Endpoint is the collector's span URL, e.g.
	// http://zipkin:9411/api/v2/spans.
	Endpoint string `json:"endpoint" jsonschema:"required,minLength=1" jsonschema_description:"collector span URL, e.g. http://zipkin:9411/api/v2/spans"`
	// Headers are sent with every export (credentials, say); a gatewright
	// addition to the vocabulary.
	Headers map[string]string `json:"headers,omitempty" secret:"true" jsonschema_description:"HTTP headers sent with every export, e.g. credentials (gatewright addition)"`
}

// OTLPSpec is an OTLP receiver.
type OTLPSpec struct {
	// Protocol is http (protobuf over HTTP) or grpc.
	Protocol string `json:"protocol" jsonschema:"required,enum=http,enum=grpc" jsonschema_description:"http (protobuf over HTTP, port 4318) or grpc (port 4317)"`
	// Endpoint is host:port, or a URL (http://host:4318/v1/traces); over
	// HTTP a URL without a path gets /v1/traces.
	Endpoint string `json:"endpoint" jsonschema:"required,minLength=1" jsonschema_description:"host:port, or a URL; an http URL without a path gets /v1/traces"`
	// Insecure sends without TLS (implied by an http:// URL).
	Insecure bool `json:"insecure,omitempty" jsonschema_description:"send without TLS (implied by an http:// endpoint URL)"`
	// Compression is "" (none) or gzip.
	Compression string `json:"compression,omitempty" jsonschema:"enum=gzip" jsonschema_description:"gzip, or none when absent"`
	// Headers are sent with every export (credentials, say); a gatewright
	// addition to the vocabulary.
	Headers map[string]string `json:"headers,omitempty" secret:"true" jsonschema_description:"headers (gRPC metadata) sent with every export, e.g. credentials (gatewright addition)"`
}

// DeprecatedZipkinSpec is Easegress's older tracing.zipkin block. It
// stands for exporter.zipkin with endpoint serverURL, and its sampleRate
// replaces the top-level one.
type DeprecatedZipkinSpec struct {
	// ServerURL is the collector's span URL.
	ServerURL string `json:"serverURL" jsonschema:"required,minLength=1" jsonschema_description:"collector span URL"`
	// SampleRate replaces the top-level sampleRate.
	SampleRate float64 `json:"sampleRate" jsonschema:"required,minimum=0,maximum=1" jsonschema_description:"share of new traces recorded, 0 to 1; replaces the top-level sampleRate"`
	// Hostport was the local endpoint of Easegress's spans; ignored.
	Hostport string `json:"hostport,omitempty" jsonschema_description:"ignored (the local endpoint comes from serviceName)"`
	// DisableReport records and propagates traces without exporting them.
	DisableReport bool `json:"disableReport,omitempty" jsonschema_description:"record and propagate traces but export nothing"`
	// SameSpan was Zipkin's shared client/server span style; ignored.
	SameSpan bool `json:"sameSpan,omitempty" jsonschema_description:"ignored: OpenTelemetry never shares spans between client and server"`
	// ID128Bit chose 128-bit trace IDs; ignored, they always are.
	ID128Bit bool `json:"id128Bit,omitempty" jsonschema_description:"ignored: trace IDs are always 128-bit"`
}
