// Package tracecollector is a trace receiver for tests, on 127.0.0.1:
// OTLP over HTTP (protobuf, gzip or not), OTLP over gRPC, or Zipkin's JSON
// v2 endpoint. It records the spans it receives, flattened, and the
// headers of the HTTP exports.
//
// It is test support only: no production code may import it.
package tracecollector

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Span is a span as the collector received it.
type Span struct {
	// Service is the resource's service.name (Zipkin: the local
	// endpoint's service name).
	Service string
	// Resource holds the resource attributes (Zipkin: the tags, which
	// carry them).
	Resource map[string]string
	// Name is the span name.
	Name string
	// Kind is SERVER, CLIENT, INTERNAL, ...
	Kind string
	// TraceID, SpanID and ParentID are lower-case hex ("" for no parent).
	TraceID, SpanID, ParentID string
	// Attrs holds the span attributes; OTLP non-string values are written
	// in protobuf text form (int_value:200).
	Attrs map[string]string
}

// Collector is a running test receiver.
type Collector struct {
	// Addr is the receiver's host:port on 127.0.0.1.
	Addr string

	mu      sync.Mutex
	spans   []Span
	headers []http.Header
}

// Spans returns the spans received so far.
func (c *Collector) Spans() []Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Span(nil), c.spans...)
}

// Find returns the first received span that matches, or nil.
func (c *Collector) Find(match func(Span) bool) *Span {
	for _, s := range c.Spans() {
		if match(s) {
			return &s
		}
	}
	return nil
}

// Await polls until a span that matches arrived, failing the test after
// within.
func (c *Collector) Await(t testing.TB, within time.Duration, what string, match func(Span) bool) Span {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if s := c.Find(match); s != nil {
			return *s
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s at the collector after %v; received %+v", what, within, c.Spans())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// OfKind matches spans of a kind (SERVER, CLIENT, ...).
func OfKind(kind string) func(Span) bool {
	return func(s Span) bool { return s.Kind == kind }
}

// LastHeader returns the headers of the last HTTP export, or nil.
func (c *Collector) LastHeader() http.Header {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.headers) == 0 {
		return nil
	}
	return c.headers[len(c.headers)-1]
}

// addOTLP records an OTLP export request; h is nil over gRPC.
func (c *Collector) addOTLP(req *coltracepb.ExportTraceServiceRequest, h http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h != nil {
		c.headers = append(c.headers, h)
	}
	for _, rs := range req.GetResourceSpans() {
		res := keyValues(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				c.spans = append(c.spans, Span{
					Service:  res["service.name"],
					Resource: res,
					Name:     sp.GetName(),
					Kind:     strings.TrimPrefix(sp.GetKind().String(), "SPAN_KIND_"),
					TraceID:  hex.EncodeToString(sp.GetTraceId()),
					SpanID:   hex.EncodeToString(sp.GetSpanId()),
					ParentID: hex.EncodeToString(sp.GetParentSpanId()),
					Attrs:    keyValues(sp.GetAttributes()),
				})
			}
		}
	}
}

// keyValues flattens OTLP attributes to strings.
func keyValues(kvs []*commonpb.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v := kv.GetValue()
		if s, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok {
			m[kv.GetKey()] = s.StringValue
			continue
		}
		m[kv.GetKey()] = strings.TrimSpace(v.String())
	}
	return m
}

// StartOTLPHTTP serves OTLP/HTTP protobuf at /v1/traces until the test
// ends.
func StartOTLPHTTP(t testing.TB) *Collector {
	t.Helper()
	c := &Collector{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "want a protobuf POST to /v1/traces", http.StatusBadRequest)
			return
		}
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		b, err := io.ReadAll(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(b, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.addOTLP(&req, r.Header.Clone())
		out, err := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	c.Addr = srv.Listener.Addr().String()
	return c
}

// grpcTraceService is the collector's OTLP gRPC service.
type grpcTraceService struct {
	coltracepb.UnimplementedTraceServiceServer
	c *Collector
}

// Export implements coltracepb.TraceServiceServer.
func (g grpcTraceService) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	g.c.addOTLP(req, nil)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// StartOTLPGRPC serves OTLP over gRPC (no TLS) until the test ends.
func StartOTLPGRPC(t testing.TB) *Collector {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &Collector{Addr: ln.Addr().String()}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, grpcTraceService{c: c})
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return c
}

// zipkinSpan is the part of Zipkin's JSON v2 span the collector reads.
type zipkinSpan struct {
	TraceID       string `json:"traceId"`
	ID            string `json:"id"`
	ParentID      string `json:"parentId"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	LocalEndpoint struct {
		ServiceName string `json:"serviceName"`
	} `json:"localEndpoint"`
	Tags map[string]string `json:"tags"`
}

// StartZipkin serves Zipkin's JSON v2 endpoint at /api/v2/spans until
// the test ends.
func StartZipkin(t testing.TB) *Collector {
	t.Helper()
	c := &Collector{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v2/spans" {
			http.Error(w, "want a POST to /api/v2/spans", http.StatusBadRequest)
			return
		}
		var spans []zipkinSpan
		if err := json.NewDecoder(r.Body).Decode(&spans); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.headers = append(c.headers, r.Header.Clone())
		for _, s := range spans {
			c.spans = append(c.spans, Span{
				Service: s.LocalEndpoint.ServiceName, Resource: s.Tags, Name: s.Name, Kind: s.Kind,
				TraceID: s.TraceID, SpanID: s.ID, ParentID: s.ParentID, Attrs: s.Tags,
			})
		}
		c.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	c.Addr = srv.Listener.Addr().String()
	return c
}
