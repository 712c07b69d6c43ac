package httpserver

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/internal/testkit/tracecollector"
	"github.com/gatewright/gatewright/registry"
)

// tracedServerDoc is an HTTPServer routing everything to pipeline p, with
// the given tracing block (YAML flow mapping).
func tracedServerDoc(name string, port int, tracing string) string {
	return serverDoc(name, port, "rules: [{paths: [{pathPrefix: /, backend: p}]}]\ntracing: "+tracing+"\n")
}

// getOK sends GET path to the server on port with the given headers and
// checks it answered 200.
func getOK(t *testing.T, c *http.Client, port int, path string, header map[string]string) result {
	t.Helper()
	r := do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil, header)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %q", path, r.status, r.body)
	}
	return r
}

func TestServerTracingExportsOverOTLPHTTP(t *testing.T) {
	col := tracecollector.StartOTLPHTTP(t)
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(tracedServerDoc("edge", port, `{serviceName: shop-edge, attributes: {deployment.environment: test, team: gw},
  sampleRate: 1, batchLimits: {batchTimeout: 20},
  exporter: {otlp: {protocol: http, endpoint: "`+col.Addr+`", insecure: true, compression: gzip, headers: {Authorization: "Bearer t0ken"}}}}`))
	getOK(t, newClient(t), port, "/orders/7", nil)

	srv := col.Await(t, 10*time.Second, "server span", tracecollector.OfKind("SERVER"))
	if srv.Service != "shop-edge" || srv.Resource["deployment.environment"] != "test" || srv.Resource["team"] != "gw" {
		t.Fatalf("resource %v", srv.Resource)
	}
	if srv.Name != "GET edge" || srv.Attrs["url.path"] != "/orders/7" || srv.Attrs["http.response.status_code"] != "int_value:200" {
		t.Fatalf("server span %+v", srv)
	}
	filterSpan := col.Await(t, 10*time.Second, "the filter span", func(s tracecollector.Span) bool { return s.Name == "p/echo" })
	if filterSpan.TraceID != srv.TraceID || filterSpan.ParentID != srv.SpanID || filterSpan.Service != "shop-edge" {
		t.Fatalf("filter span %+v is not a child of the server span %+v", filterSpan, srv)
	}
	hd := col.LastHeader()
	if hd.Get("Content-Encoding") != "gzip" || hd.Get("Authorization") != "Bearer t0ken" {
		t.Fatalf("export headers %v", hd)
	}
}

func TestServerTracingExportsOverOTLPGRPC(t *testing.T) {
	col := tracecollector.StartOTLPGRPC(t)
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(tracedServerDoc("edge", port, `{serviceName: grpc-edge, tags: {zone: a},
  batchLimits: {batchTimeout: 20}, exporter: {otlp: {protocol: grpc, endpoint: "`+col.Addr+`", insecure: true}}}`))
	getOK(t, newClient(t), port, "/", nil)
	srv := col.Await(t, 10*time.Second, "server span", tracecollector.OfKind("SERVER"))
	if srv.Service != "grpc-edge" || srv.Resource["zone"] != "a" {
		t.Fatalf("resource %v (tags are the deprecated name of attributes)", srv.Resource)
	}
}

// TestServerTracingSampleRate checks sampleRate 0 exports nothing and 1
// exports every request. The batch timeout is long, so the spans reach
// the collector only because Close flushes the provider.
func TestServerTracingSampleRate(t *testing.T) {
	for _, c := range []struct {
		rate  string
		spans int // server spans expected for 5 requests
	}{{"0", 0}, {"1", 5}} {
		t.Run("sampleRate="+c.rate, func(t *testing.T) {
			col := tracecollector.StartOTLPHTTP(t)
			h := newHarness(t)
			h.pipeline("p", "")
			port := freePort(t)
			obj, err := h.build(tracedServerDoc("edge", port, `{serviceName: edge, sampleRate: `+c.rate+`,
  batchLimits: {batchTimeout: 600000}, exporter: {otlp: {protocol: http, endpoint: "`+col.Addr+`", insecure: true}}}`))
			if err != nil {
				t.Fatal(err)
			}
			if err := obj.Init(); err != nil {
				t.Fatal(err)
			}
			client := newClient(t)
			for i := range 5 {
				getOK(t, client, port, fmt.Sprintf("/r%d", i), nil)
			}
			if n := len(col.Spans()); n != 0 {
				t.Fatalf("%d spans exported before the batch timeout or Close", n)
			}
			if err := obj.Close(); err != nil {
				t.Fatal(err)
			}
			servers := 0
			for _, s := range col.Spans() {
				if s.Kind == "SERVER" {
					servers++
				}
			}
			if servers != c.spans {
				t.Fatalf("%d server spans exported, want %d", servers, c.spans)
			}
		})
	}
}

func TestServerTracingExportsToZipkin(t *testing.T) {
	for name, block := range map[string]string{
		"exporter.zipkin":   `{serviceName: zk-edge, attributes: {team: gw}, exporter: {zipkin: {endpoint: "http://%s/api/v2/spans", headers: {X-Api-Key: k1}}}}`,
		"deprecated zipkin": `{serviceName: zk-edge, tags: {team: gw}, zipkin: {hostport: "0.0.0.0:10080", serverURL: "http://%s/api/v2/spans", sampleRate: 1, sameSpan: true, id128Bit: false}}`,
	} {
		t.Run(name, func(t *testing.T) {
			col := tracecollector.StartZipkin(t)
			h := newHarness(t)
			h.pipeline("p", "")
			port := freePort(t)
			obj, err := h.build(tracedServerDoc("edge", port, fmt.Sprintf(block, col.Addr)))
			if err != nil {
				t.Fatal(err)
			}
			if err := obj.Init(); err != nil {
				t.Fatal(err)
			}
			getOK(t, newClient(t), port, "/z", nil)
			if err := obj.Close(); err != nil { // flushes
				t.Fatal(err)
			}
			srv := col.Find(tracecollector.OfKind("SERVER"))
			if srv == nil {
				t.Fatalf("no server span in %+v", col.Spans())
			}
			if srv.Service != "zk-edge" || srv.Attrs["team"] != "gw" || srv.Attrs["url.path"] != "/z" || len(srv.TraceID) != 32 {
				t.Fatalf("zipkin span %+v", srv)
			}
			if name == "exporter.zipkin" && col.LastHeader().Get("X-Api-Key") != "k1" {
				t.Fatalf("export headers %v", col.LastHeader())
			}
		})
	}
}

// headerRecorder is an upstream on loopback that remembers the trace
// headers of the last request.
type headerRecorder struct {
	mu   sync.Mutex
	last http.Header
}

func (u *headerRecorder) header() http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.last
}

func TestServerTracingB3ExtractsAndInjects(t *testing.T) {
	up := &headerRecorder{}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up.mu.Lock()
		up.last = r.Header.Clone()
		up.mu.Unlock()
		fmt.Fprint(w, "upstream")
	}))
	t.Cleanup(upstream.Close)
	col := tracecollector.StartOTLPHTTP(t)
	h := newHarness(t)
	h.reg.Register(registry.FilterClass, proxy.Kind)
	obj, err := h.build("kind: Pipeline\nname: p\nfilters:\n- {name: fwd, kind: Proxy, pools: [{servers: [{url: \"" + upstream.URL + "\"}]}]}\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = obj.Close() })
	h.refs.Set("p", obj)
	port := freePort(t)
	h.server(tracedServerDoc("edge", port, `{serviceName: b3-edge, headerFormat: b3, batchLimits: {batchTimeout: 20},
  exporter: {otlp: {protocol: http, endpoint: "`+col.Addr+`", insecure: true}}}`))
	client := newClient(t)

	for _, c := range []struct {
		name, traceID, parentID string
		header                  func(traceID, parentID string) map[string]string
	}{
		{"multiple headers", "463ac35c9f6413ad48485a3953bb6124", "0020000000000001", func(tid, pid string) map[string]string {
			return map[string]string{"X-B3-TraceId": tid, "X-B3-SpanId": pid, "X-B3-Sampled": "1", "X-B3-ParentSpanId": "00f067aa0ba902b7"}
		}},
		{"single header", "80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", func(tid, pid string) map[string]string {
			return map[string]string{"b3": tid + "-" + pid + "-1-05e3ac9a4f6e3b90"}
		}},
	} {
		traceID, parentID, in := c.traceID, c.parentID, c.header(c.traceID, c.parentID)
		t.Run(c.name, func(t *testing.T) {
			if r := getOK(t, client, port, "/b3", in); r.body != "upstream" {
				t.Fatalf("body %q", r.body)
			}
			var srv, cli *tracecollector.Span
			eventually(t, 10*time.Second, "server and client spans of the trace", func() bool {
				srv, cli = nil, nil
				for _, s := range col.Spans() {
					if s.TraceID != traceID {
						continue
					}
					switch s.Kind {
					case "SERVER":
						srv = &s
					case "CLIENT":
						cli = &s
					}
				}
				return srv != nil && cli != nil
			})
			if srv.ParentID != parentID || srv.Service != "b3-edge" {
				t.Fatalf("server span %+v does not continue the B3 context", srv)
			}
			hd := up.header()
			if hd.Get("X-B3-TraceId") != traceID || hd.Get("X-B3-SpanId") != cli.SpanID || hd.Get("X-B3-Sampled") != "1" {
				t.Fatalf("upstream B3 headers %v, client span %s", hd, cli.SpanID)
			}
			if hd.Get("Traceparent") != "" || hd.Get("B3") != "" || hd.Get("X-B3-ParentSpanId") != "" {
				t.Fatalf("upstream got stale or W3C trace headers from a b3 server: %v", hd)
			}
		})
	}
	// Without incoming context a new trace starts, still sent as B3.
	getOK(t, client, port, "/fresh", nil)
	hd := up.header()
	if len(hd.Get("X-B3-TraceId")) != 32 || hd.Get("X-B3-Sampled") != "1" || hd.Get("Traceparent") != "" {
		t.Fatalf("fresh request upstream headers %v", hd)
	}
}

// TestServerTracingProviderFollowsUpdates checks a routes-only update
// keeps the tracer provider (the old generation's Close does not shut it
// down) and a tracing change replaces it, the old one being flushed when
// its generation closes.
func TestServerTracingProviderFollowsUpdates(t *testing.T) {
	col := tracecollector.StartOTLPHTTP(t)
	h := newHarness(t)
	h.pipeline("p", "")
	h.pipeline("q", "")
	port := freePort(t)
	tracing := func(service string) string {
		return `tracing: {serviceName: ` + service + `, batchLimits: {batchTimeout: 600000},
  exporter: {otlp: {protocol: http, endpoint: "` + col.Addr + `", insecure: true}}}
`
	}
	start := func(rules, service string, prev *Server) *Server {
		t.Helper()
		s := h.newServerObject(serverDoc("edge", port, rules+"\n"+tracing(service)))
		var err error
		if prev == nil {
			err = s.Init()
		} else if err = s.Inherit(prev); err == nil {
			err = prev.Close() // what the supervisor does after a successful Inherit
		}
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	client := newClient(t)
	countServer := func(service string) int {
		n := 0
		for _, s := range col.Spans() {
			if s.Kind == "SERVER" && s.Service == service {
				n++
			}
		}
		return n
	}

	s1 := start("rules: [{paths: [{pathPrefix: /, backend: p}]}]", "svc-a", nil)
	provider := s1.tracing
	getOK(t, client, port, "/one", nil)
	s2 := start("rules: [{paths: [{path: /two, backend: q}]}]", "svc-a", s1)
	if s2.tracing != provider || s1.tracing != nil {
		t.Fatal("a routes-only update rebuilt the tracer provider")
	}
	if r := getOK(t, client, port, "/two", nil); r.body != "pipeline=q uri=/two len=0" {
		t.Fatalf("new routes not serving: %q", r.body)
	}
	if n := len(col.Spans()); n != 0 {
		t.Fatalf("closing the old generation flushed the kept provider: %d spans", n)
	}

	s3 := start("rules: [{paths: [{path: /three, backend: p}]}]", "svc-b", s2)
	if s3.tracing == provider || s3.tracing == nil {
		t.Fatal("a tracing change kept the old tracer provider")
	}
	// s2's Close shut the old provider down, exporting what it held.
	if n := countServer("svc-a"); n != 2 {
		t.Fatalf("%d svc-a server spans after the old provider shut down, want 2", n)
	}
	getOK(t, client, port, "/three", nil)
	if err := s3.Close(); err != nil {
		t.Fatal(err)
	}
	if n := countServer("svc-b"); n != 1 {
		t.Fatalf("%d svc-b server spans after Close, want 1", n)
	}

	// Tracing removed: the server uses the node's provider (none here).
	s4 := start("rules: [{paths: [{pathPrefix: /, backend: p}]}]", "svc-c", nil)
	s5 := h.newServerObject(serverDoc("edge", port, "rules: [{paths: [{pathPrefix: /, backend: p}]}]\n"))
	if err := s5.Inherit(s4); err != nil {
		t.Fatal(err)
	}
	if s5.tracing != nil || s5.snap.ops.tracer != nil || s4.tracing == nil {
		t.Fatal("a server without tracing took a provider over")
	}
	if err := s4.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestServerTracingUndoneWhenStartFails checks a generation that cannot
// bind gives an adopted provider back to the generation still serving.
func TestServerTracingUndoneWhenStartFails(t *testing.T) {
	col := tracecollector.StartOTLPHTTP(t)
	h := newHarness(t)
	h.pipeline("p", "")
	tracing := `{serviceName: edge, batchLimits: {batchTimeout: 20}, exporter: {otlp: {protocol: http, endpoint: "` + col.Addr + `", insecure: true}}}`
	port := freePort(t)
	s1 := h.server(tracedServerDoc("edge", port, tracing))
	provider := s1.tracing
	busy := h.server(tracedServerDoc("busy", freePort(t), `{serviceName: busy, exporter: {otlp: {protocol: http, endpoint: "`+col.Addr+`", insecure: true}}}`))
	s2 := h.newServerObject(tracedServerDoc("edge", busy.Addr().(*net.TCPAddr).Port, tracing))
	if err := s2.Inherit(s1); err == nil {
		t.Fatal("bound a port in use")
	}
	if s1.tracing != provider || s2.tracing != nil {
		t.Fatal("the provider did not go back to the serving generation")
	}
	getOK(t, newClient(t), port, "/still", nil)
	col.Await(t, 10*time.Second, "server span", tracecollector.OfKind("SERVER"))
}
