package certextractor

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/gateway/httpserver"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
)

// TestThroughGateway runs a real gateway: an HTTPServer with mTLS in front
// of a pipeline whose CertExtractors feed a Proxy; the upstream reports
// the headers it received.
func TestThroughGateway(t *testing.T) {
	p := newPKI(t)
	up := headerEcho(t)
	port := freePort(t)
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	docs := fmt.Sprintf(`
kind: HTTPServer
name: mtls
port: %d
https: true
certBase64: %s
keyBase64: %s
caCertBase64: %s
rules:
- paths:
  - pathPrefix: /
    backend: who
---
kind: Pipeline
name: who
filters:
- {name: cn, kind: CertExtractor, certIndex: 0, target: subject, field: CommonName, headerKey: X-Client-CN}
- {name: ca, kind: CertExtractor, certIndex: -1, target: issuer, field: Organization, headerKey: X-Client-CA}
- {name: up, kind: Proxy, pools: [{servers: [{url: "%s"}]}]}
`, port, b64(p.server.certPEM), b64(p.server.keyPEM), b64(p.root.certPEM), up)

	reg := registry.New()
	reg.Register(registry.ObjectClass, httpserver.Kind)
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.FilterClass, proxy.Kind)
	reg.Register(registry.FilterClass, Kind)
	g, err := gateway.New(gateway.WithDataDir(t.TempDir()), gateway.WithRegistry(reg), gateway.WithAPIAddr("off"),
		gateway.WithTrafficIP("127.0.0.1"), gateway.WithObjects([]byte(docs)), gateway.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := g.Start(ctx); err != nil {
		_ = g.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })

	got := fetch(t, p, fmt.Sprintf("https://127.0.0.1:%d/", port), false, "X-Client-CN", "forged")
	if want := "X-Client-CN=alice; X-Client-CA=Root Org"; got != want {
		t.Fatalf("upstream saw %q, want %q", got, want)
	}
}

// headerEcho is an upstream that answers with the two client headers it
// received.
func headerEcho(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, fmt.Sprintf("X-Client-CN=%s; X-Client-CA=%s",
			strings.Join(r.Header.Values("X-Client-CN"), ","), strings.Join(r.Header.Values("X-Client-CA"), ",")))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
