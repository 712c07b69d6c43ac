package gateway_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/internal/testkit/tracecollector"
	"github.com/gatewright/gatewright/registry"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// serverTracingConfig is two HTTPServers in front of one Mock pipeline:
// "plain" traces with the node's provider, "own" with its own tracing
// block, in Easegress's YAML.
const serverTracingConfig = `
kind: HTTPServer
name: plain
port: %d
rules: [{paths: [{pathPrefix: /, backend: hello}]}]
---
kind: HTTPServer
name: own
port: %d
http3: false
autoCert: false
tracing:
  serviceName: own-edge
  attributes: {region: eu-test}
  sampleRate: 1
  batchLimits: {batchTimeout: 20}
  exporter:
    otlp: {protocol: http, endpoint: "%s", insecure: true}
rules: [{paths: [{pathPrefix: /, backend: hello}]}]
---
kind: Pipeline
name: hello
filters:
- {name: mock, kind: Mock, rules: [{match: {pathPrefix: /}, code: 200, body: hi}]}
`

func TestHTTPServerTracingReplacesTheNodeProvider(t *testing.T) {
	col := tracecollector.StartOTLPHTTP(t)
	node := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(node))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	plain, own := testkit.FreePort(t), testkit.FreePort(t)
	startGateway(t, t.TempDir(), registry.Default,
		gateway.WithTrafficIP("127.0.0.1"),
		gateway.WithTracerProvider(tp),
		gateway.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		gateway.WithObjects(fmt.Appendf(nil, serverTracingConfig, plain, own, col.Addr)))
	c := &http.Client{Timeout: 10 * time.Second}

	if code, body := get(t, c, fmt.Sprintf("http://127.0.0.1:%d/own", own)); code != 200 || body != "hi" {
		t.Fatalf("own: %d %q", code, body)
	}
	got := col.Await(t, 10*time.Second, "the own server's span", tracecollector.OfKind("SERVER"))
	if got.Service != "own-edge" || got.Resource["region"] != "eu-test" || got.Attrs["gatewright.server"] != "own" {
		t.Fatalf("collector span %+v", got)
	}
	if code, _ := get(t, c, fmt.Sprintf("http://127.0.0.1:%d/plain", plain)); code != 200 {
		t.Fatal(code)
	}
	servers := map[string]int{}
	for _, s := range node.GetSpans() {
		if s.SpanKind == trace.SpanKindServer {
			for _, a := range s.Attributes {
				if a.Key == attribute.Key("gatewright.server") {
					servers[a.Value.AsString()]++
				}
			}
		}
	}
	if servers["plain"] != 1 || servers["own"] != 0 {
		t.Fatalf("node provider's server spans by server: %v", servers)
	}
	for _, s := range col.Spans() {
		if s.Attrs["gatewright.server"] == "plain" {
			t.Fatalf("the plain server's span went to the own server's exporter: %+v", s)
		}
	}
}
