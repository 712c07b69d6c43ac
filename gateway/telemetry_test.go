package gateway_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// telemetryConfig is an HTTPServer with an access log in front of a
// pipeline of a RequestAdaptor and a Proxy.
const telemetryConfig = `
kind: HTTPServer
name: front
port: %d
accessLogFormat: "[{{Method}} {{URI}} {{StatusCode}}] rx:{{ReqSize}}B tx:{{RespSize}}B [{{Tags}}]"
rules: [{paths: [{pathPrefix: /, backend: via-proxy}]}]
---
kind: Pipeline
name: via-proxy
filters:
- {name: mark, kind: RequestAdaptor, header: {set: {X-Step: marked}}}
- {name: up, kind: Proxy, pools: [{servers: [{url: %s}]}]}
`

// headerUpstream answers with its name and remembers the traceparent
// headers it received.
type headerUpstream struct {
	url          string
	mu           sync.Mutex
	traceparents []string
}

func startHeaderUpstream(t *testing.T) *headerUpstream {
	t.Helper()
	u := &headerUpstream{}
	u.url = testkit.ServeHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.traceparents = append(u.traceparents, r.Header.Get("traceparent"))
		u.mu.Unlock()
		fmt.Fprint(w, "upstream says hi")
	}))
	return u
}

// scrape reads /metrics and parses it with the Prometheus text parser.
func scrape(t *testing.T, g *gateway.Gateway) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(g.AdminURL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics content type %q", resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return mfs
}

// value returns the value of the metric of a family whose labels include
// the given name, value pairs (counter, gauge, or a histogram's count).
func value(t *testing.T, mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	mf, ok := mfs[name]
	if !ok {
		return 0
	}
next:
	for _, m := range mf.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return 0
}

func TestMetricsMoveWithTraffic(t *testing.T) {
	up := startHeaderUpstream(t)
	port := testkit.FreePort(t)
	logs := &testkit.SyncBuffer{}
	g := startGateway(t, t.TempDir(), registry.Default,
		gateway.WithTrafficIP("127.0.0.1"),
		gateway.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		gateway.WithObjects(fmt.Appendf(nil, telemetryConfig, port, up.url)))
	before := scrape(t, g)
	for _, must := range []string{"go_goroutines", "process_cpu_seconds_total", "gatewright_store_revision", "gatewright_store_leader", "gatewright_objects"} {
		if _, ok := before[must]; !ok {
			t.Errorf("/metrics lacks %s", must)
		}
	}
	const n = 7
	c := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < n; i++ {
		if code, body := get(t, c, fmt.Sprintf("http://127.0.0.1:%d/hello?i=%d", port, i)); code != 200 || body != "upstream says hi" {
			t.Fatalf("request %d: %d %q", i, code, body)
		}
	}
	if code, _ := get(t, c, fmt.Sprintf("http://127.0.0.1:%d/missing", port)); code != 200 {
		t.Fatalf("catch-all route: %d", code)
	}
	after := scrape(t, g)
	delta := func(name string, labels ...string) float64 {
		return value(t, after, name, labels...) - value(t, before, name, labels...)
	}
	checks := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"gatewright_http_server_requests_total", []string{"server", "front", "code", "2xx"}, n + 1},
		{"gatewright_http_server_request_duration_seconds", []string{"server", "front"}, n + 1},
		{"gatewright_pipeline_requests_total", []string{"pipeline", "via-proxy", "result", "ok"}, n + 1},
		{"gatewright_pipeline_request_duration_seconds", []string{"pipeline", "via-proxy"}, n + 1},
		{"gatewright_filter_executions_total", []string{"filter", "mark", "result", "ok"}, n + 1},
		{"gatewright_filter_executions_total", []string{"filter", "up", "kind", "Proxy", "result", "ok"}, n + 1},
		{"gatewright_filter_duration_seconds", []string{"filter", "up"}, n + 1},
		{"gatewright_proxy_requests_total", []string{"filter", "up", "pool", "pools[0]", "server", up.url}, n + 1},
		{"gatewright_proxy_request_duration_seconds", []string{"server", up.url}, n + 1},
		{"gatewright_proxy_errors_total", []string{"server", up.url}, 0},
	}
	for _, c := range checks {
		if got := delta(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v moved by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if v := value(t, after, "gatewright_http_server_response_bytes_total", "server", "front"); v < float64(n*len("upstream says hi")) {
		t.Errorf("response bytes %v", v)
	}
	if v := value(t, after, "gatewright_http_server_request_bytes_total", "server", "front"); v <= 0 {
		t.Errorf("request bytes %v", v)
	}
	if v := value(t, after, "gatewright_proxy_server_healthy", "server", up.url); v != 1 {
		t.Errorf("health gauge %v", v)
	}
	if v := value(t, after, "gatewright_http_server_requests_in_flight", "server", "front"); v != 0 {
		t.Errorf("in flight after the requests: %v", v)
	}
	// The access log is written off the request path: wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "[GET /missing 200] rx:") {
		if time.Now().After(deadline) {
			t.Fatalf("no access log line; logs:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "[GET /hello?i=3 200] rx:") || !strings.Contains(logs.String(), "tx:16B") {
		t.Fatalf("access log lines:\n%s", logs.String())
	}
}

func TestAccessLogFormatIsValidated(t *testing.T) {
	g := startGateway(t, t.TempDir(), registry.Default)
	_, err := g.Apply(context.Background(), []byte("kind: HTTPServer\nname: bad-log\nport: 1\naccessLogFormat: '{{Nope}}'\n"))
	if err == nil || !strings.Contains(err.Error(), `HTTPServer "bad-log": accessLogFormat: unknown variable {{Nope}}`) {
		t.Fatalf("bad format: %v", err)
	}
}

func TestTraceLinksServerFilterAndUpstreamSpans(t *testing.T) {
	up := startHeaderUpstream(t)
	port := testkit.FreePort(t)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	g := startGateway(t, t.TempDir(), registry.Default,
		gateway.WithTrafficIP("127.0.0.1"),
		gateway.WithTracerProvider(tp),
		gateway.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		gateway.WithObjects(fmt.Appendf(nil, telemetryConfig, port, up.url)))
	_ = g
	// A request carrying a trace context continues that trace.
	const incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	c := &http.Client{Timeout: 10 * time.Second}
	if code, _ := get(t, c, fmt.Sprintf("http://127.0.0.1:%d/traced", port), "traceparent", incoming); code != 200 {
		t.Fatalf("status %d", code)
	}
	spans := exp.GetSpans()
	var server, mark, proxy, client *tracetest.SpanStub
	for i := range spans {
		s := &spans[i]
		switch {
		case s.SpanKind == trace.SpanKindServer:
			server = s
		case s.Name == "via-proxy/mark":
			mark = s
		case s.Name == "via-proxy/up":
			proxy = s
		case s.SpanKind == trace.SpanKindClient:
			client = s
		}
	}
	if server == nil || mark == nil || proxy == nil || client == nil {
		t.Fatalf("spans: %+v", spans)
	}
	if server.SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" || server.Parent.SpanID().String() != "b7ad6b7169203331" {
		t.Fatalf("server span does not continue the incoming trace: %v parent %v", server.SpanContext.TraceID(), server.Parent.SpanID())
	}
	if mark.Parent.SpanID() != server.SpanContext.SpanID() || proxy.Parent.SpanID() != server.SpanContext.SpanID() {
		t.Fatalf("filter spans are not children of the server span")
	}
	if client.Parent.SpanID() != proxy.SpanContext.SpanID() {
		t.Fatalf("the upstream span is not a child of the proxy filter's span")
	}
	for _, s := range []*tracetest.SpanStub{mark, proxy, client} {
		if s.SpanContext.TraceID() != server.SpanContext.TraceID() {
			t.Fatalf("span %s is in another trace", s.Name)
		}
	}
	up.mu.Lock()
	got := up.traceparents[len(up.traceparents)-1]
	up.mu.Unlock()
	want := fmt.Sprintf("00-%s-%s-01", client.SpanContext.TraceID(), client.SpanContext.SpanID())
	if got != want {
		t.Fatalf("upstream traceparent %q, want %q", got, want)
	}
	// A request without a trace context starts a new trace.
	exp.Reset()
	if code, _ := get(t, c, fmt.Sprintf("http://127.0.0.1:%d/fresh", port)); code != 200 {
		t.Fatal(code)
	}
	for _, s := range exp.GetSpans() {
		if s.SpanKind == trace.SpanKindServer && (s.Parent.IsValid() || s.SpanContext.TraceID().String() == "0af7651916cd43dd8448eb211c80319c") {
			t.Fatalf("fresh request joined a trace: %+v", s)
		}
	}
}
