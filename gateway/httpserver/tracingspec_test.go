package httpserver

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

// otlpExporter is a valid exporter block for spec tests.
const otlpExporter = "exporter: {otlp: {protocol: http, endpoint: '127.0.0.1:4318', insecure: true}}"

func TestTracingSpecErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name, fields string
		want         []string
	}{
		{"missing serviceName", "tracing: {" + otlpExporter + "}", []string{"tracing", `"serviceName"`}},
		{"empty serviceName", "tracing: {serviceName: '', " + otlpExporter + "}", []string{"tracing.serviceName"}},
		{"sampleRate above 1", "tracing: {serviceName: edge, sampleRate: 2, " + otlpExporter + "}", []string{"tracing.sampleRate"}},
		{"sampleRate below 0", "tracing: {serviceName: edge, sampleRate: -0.5, " + otlpExporter + "}", []string{"tracing.sampleRate"}},
		{"tags and attributes", "tracing: {serviceName: edge, attributes: {a: b}, tags: {c: d}, " + otlpExporter + "}", []string{"tracing.tags", "not both"}},
		{"exporter and deprecated zipkin", "tracing: {serviceName: edge, " + otlpExporter + ", zipkin: {serverURL: 'http://127.0.0.1:9411/api/v2/spans', sampleRate: 1}}", []string{"tracing.zipkin", "not both"}},
		{"no exporter", "tracing: {serviceName: edge}", []string{"tracing: needs an exporter"}},
		{"empty exporter", "tracing: {serviceName: edge, exporter: {}}", []string{"tracing.exporter: needs otlp or zipkin"}},
		{"jaeger refused", "tracing: {serviceName: edge, exporter: {jaeger: {mode: collector, endpoint: 'http://jaeger:14268/api/traces'}}}", []string{"tracing.exporter.jaeger", "exporter.otlp", "4318"}},
		{"jaeger mode still checked", "tracing: {serviceName: edge, exporter: {jaeger: {endpoint: 'jaeger:6831'}}}", []string{"tracing.exporter.jaeger", `"mode"`}},
		{"header format", "tracing: {serviceName: edge, headerFormat: tracecontext, " + otlpExporter + "}", []string{"tracing.headerFormat"}},
		{"otlp protocol required", "tracing: {serviceName: edge, exporter: {otlp: {endpoint: 'a:1'}}}", []string{"tracing.exporter.otlp", `"protocol"`}},
		{"otlp protocol enum", "tracing: {serviceName: edge, exporter: {otlp: {protocol: thrift, endpoint: 'a:1'}}}", []string{"tracing.exporter.otlp.protocol"}},
		{"otlp endpoint required", "tracing: {serviceName: edge, exporter: {otlp: {protocol: grpc}}}", []string{"tracing.exporter.otlp", `"endpoint"`}},
		{"otlp endpoint syntax", "tracing: {serviceName: edge, exporter: {otlp: {protocol: grpc, endpoint: collector}}}", []string{"tracing.exporter.otlp.endpoint", "host:port"}},
		{"otlp compression", "tracing: {serviceName: edge, exporter: {otlp: {protocol: http, endpoint: 'a:1', compression: zstd}}}", []string{"tracing.exporter.otlp.compression"}},
		{"otlp header name", "tracing: {serviceName: edge, exporter: {otlp: {protocol: http, endpoint: 'a:1', headers: {'bad name': x}}}}", []string{"tracing.exporter.otlp.headers", "bad name"}},
		{"zipkin endpoint required", "tracing: {serviceName: edge, exporter: {zipkin: {}}}", []string{"tracing.exporter.zipkin", `"endpoint"`}},
		{"zipkin endpoint is a URL", "tracing: {serviceName: edge, exporter: {zipkin: {endpoint: 'zipkin:9411'}}}", []string{"tracing.exporter.zipkin.endpoint", "URL"}},
		{"deprecated zipkin needs sampleRate", "tracing: {serviceName: edge, zipkin: {serverURL: 'http://127.0.0.1:9411/api/v2/spans'}}", []string{"tracing.zipkin", `"sampleRate"`}},
		{"deprecated zipkin serverURL", "tracing: {serviceName: edge, zipkin: {serverURL: 'nope', sampleRate: 1}}", []string{"tracing.zipkin.serverURL"}},
		{"span limit", "tracing: {serviceName: edge, spanLimits: {eventCountLimit: -2}, " + otlpExporter + "}", []string{"tracing.spanLimits.eventCountLimit"}},
		{"batch limit", "tracing: {serviceName: edge, batchLimits: {batchTimeout: -1}, " + otlpExporter + "}", []string{"tracing.batchLimits.batchTimeout"}},
		{"unknown tracing field", "tracing: {serviceName: edge, sampler: 1, " + otlpExporter + "}", []string{"tracing", `"sampler"`}},
		{"http3 refused", "http3: true", []string{"http3: HTTP/3 is not supported by gatewright's fasthttp data plane"}},
		{"autoCert refused", "autoCert: true", []string{"autoCert:", "no AutoCertManager"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.build("kind: HTTPServer\nname: edge\nport: 80\n" + c.fields + "\n")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
		})
	}
}

// TestTracingChecksSpecsBuiltInGo checks the rules the schema also
// enforces hold for a spec that never went through it.
func TestTracingChecksSpecsBuiltInGo(t *testing.T) {
	rate := 2.0
	limit := -3
	s := DefaultSpec()
	s.Port = 80
	s.HTTP3 = true
	s.AutoCert = true
	s.Tracing = &TracingSpec{
		SampleRate:   &rate,
		HeaderFormat: "w3c",
		SpanLimits:   &SpanLimitsSpec{AttributeCountLimit: &limit},
		Exporter: &ExporterSpec{
			OTLP:   &OTLPSpec{Protocol: "udp", Endpoint: "::"},
			Zipkin: &ZipkinSpec{Endpoint: "ftp://zipkin/"},
		},
	}
	err := s.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	var fe registry.FieldErrors
	if !asFieldErrors(err, &fe) {
		t.Fatalf("%T %v", err, err)
	}
	got := map[string]bool{}
	for _, e := range fe {
		got[e.Path] = true
	}
	for _, p := range []string{"http3", "autoCert", "tracing.serviceName", "tracing.sampleRate", "tracing.headerFormat",
		"tracing.spanLimits.attributeCountLimit", "tracing.exporter.otlp.protocol", "tracing.exporter.otlp.endpoint", "tracing.exporter.zipkin.endpoint"} {
		if !got[p] {
			t.Errorf("no error at %s in %v", p, err)
		}
	}
}

func asFieldErrors(err error, fe *registry.FieldErrors) bool {
	v, ok := err.(registry.FieldErrors)
	*fe = v
	return ok
}

func TestTracingSpecAcceptsEasegressForms(t *testing.T) {
	docs := map[string]string{
		"exporter": `tracing:
  serviceName: edge
  attributes: {env: test}
  sampleRate: 0.25
  headerFormat: b3
  spanLimits: {attributeValueLengthLimit: 256, attributeCountLimit: 64, eventCountLimit: 16, linkCountLimit: 8, attributePerEventCountLimit: 4, attributePerLinkCountLimit: 4}
  batchLimits: {maxQueueSize: 100, batchTimeout: 1000, exportTimeout: 2000, maxExportBatchSize: 50}
  exporter:
    zipkin: {endpoint: "http://127.0.0.1:9411/api/v2/spans"}
    otlp: {protocol: grpc, endpoint: "127.0.0.1:4317", insecure: true, compression: gzip, headers: {Authorization: "Bearer t0ken"}}
http3: false
autoCert: false`,
		"deprecated zipkin": `tracing:
  serviceName: edge
  tags: {env: test}
  zipkin: {hostport: "0.0.0.0:10080", serverURL: "http://127.0.0.1:9412/api/v2/spans", sampleRate: 1, sameSpan: true, id128Bit: false, disableReport: false}`,
		"otlp URL": `tracing: {serviceName: edge, headerFormat: trace-context, exporter: {otlp: {protocol: http, endpoint: "http://127.0.0.1:4318"}}}`,
	}
	for name, fields := range docs {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			if _, err := h.build("kind: HTTPServer\nname: edge\nport: 80\n" + fields + "\n"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTracingSecretsAreRedacted(t *testing.T) {
	h := newHarness(t)
	e, err := h.reg.Lookup(registry.ObjectClass, KindName)
	if err != nil {
		t.Fatal(err)
	}
	paths := strings.Join(e.SecretPaths(), " ")
	for _, want := range []string{"tracing.exporter.jaeger.password", "tracing.exporter.otlp.headers", "tracing.exporter.zipkin.headers"} {
		if !strings.Contains(paths, want) {
			t.Errorf("secret paths %q lack %s", paths, want)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(`{"port": 80, "tracing": {"serviceName": "edge", "exporter": {
		"jaeger": {"mode": "collector", "username": "u", "password": "hunter2"},
		"otlp": {"protocol": "http", "endpoint": "a:1", "headers": {"Authorization": "Bearer t0ken"}}}}}`), &doc); err != nil {
		t.Fatal(err)
	}
	h.reg.RedactSecrets(registry.ObjectClass, KindName, doc)
	exp := doc["tracing"].(map[string]any)["exporter"].(map[string]any)
	if got := exp["jaeger"].(map[string]any)["password"]; got != registry.RedactedMarker {
		t.Errorf("jaeger password %v", got)
	}
	if got := exp["jaeger"].(map[string]any)["username"]; got != "u" {
		t.Errorf("jaeger username %v", got)
	}
	if got := exp["otlp"].(map[string]any)["headers"]; !reflect.DeepEqual(got, map[string]any{"Authorization": registry.RedactedMarker}) {
		t.Errorf("otlp headers %v", got)
	}
}

func TestTracingSchemaDescribesTheNewFields(t *testing.T) {
	h := newHarness(t)
	e, err := h.reg.Lookup(registry.ObjectClass, KindName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc := string(s.JSON())
	for _, want := range []string{"not supported by gatewright's fasthttp data plane", "no AutoCertManager yet",
		"Jaeger's OTLP port", "deprecated alias of attributes", "trace-context (W3C traceparent, default) or b3"} {
		if !strings.Contains(doc, want) {
			t.Errorf("schema lacks %q", want)
		}
	}
}
