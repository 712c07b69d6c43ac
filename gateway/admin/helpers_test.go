package admin_test

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

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	_ "github.com/gatewright/gatewright/registry/standard"
)

// testTimeout bounds every wait of the tests.
const testTimeout = 30 * time.Second

// node is a real gateway with its admin API on a free loopback port.
type node struct {
	g    *gateway.Gateway
	base string // admin API base URL
	log  *slog.LevelVar
}

// startNode starts a gateway with every standard kind, traffic gates on
// loopback and the admin API on a free loopback port.
func startNode(t *testing.T, opts ...gateway.Option) *node {
	t.Helper()
	lv := &slog.LevelVar{}
	lv.Set(slog.LevelWarn)
	base := []gateway.Option{
		gateway.WithDataDir(t.TempDir()),
		gateway.WithRegistry(registry.Default),
		gateway.WithTrafficIP("127.0.0.1"),
		gateway.WithAPIAddr("127.0.0.1:0"),
		gateway.WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: lv}))),
		gateway.WithLogLevel(lv),
	}
	g, err := gateway.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := g.Start(ctx); err != nil {
		_ = g.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	if g.APIAddr() == "" {
		t.Fatal("the admin API is not listening")
	}
	return &node{g: g, base: g.AdminURL(), log: lv}
}

// response is a finished request.
type response struct {
	code int
	hdr  http.Header
	body string
}

// do sends a request to the admin API; headers are name, value pairs.
func do(t *testing.T, method, url, body string, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	c := &http.Client{Timeout: testTimeout}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, hdr: resp.Header, body: string(b)}
}

// freePort returns a port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// keyPair is a self-signed certificate and its key, PEM-encoded.
type keyPair struct {
	certPEM, keyPEM []byte
}

func (k keyPair) certB64() string { return base64.StdEncoding.EncodeToString(k.certPEM) }
func (k keyPair) keyB64() string  { return base64.StdEncoding.EncodeToString(k.keyPEM) }

// newKeyPair makes a self-signed certificate for 127.0.0.1.
func newKeyPair(t *testing.T) keyPair {
	t.Helper()
	c := testkit.IssueCert(t, nil, "gatewright test", nil, false)
	return keyPair{certPEM: c.CertPEM, keyPEM: c.KeyPEM}
}

// secretObjects are documents carrying secrets: an HTTPS server's keys, a
// proxy's mtls key and health check password.
func secretObjects(t *testing.T, port int, kp keyPair) (docs string, secrets []string) {
	t.Helper()
	docs = fmt.Sprintf(`kind: HTTPServer
name: tls-edge
port: %d
https: true
certs: {main: %q}
keys: {main: %q}
rules: [{paths: [{pathPrefix: /, backend: tls-pipe}]}]
---
kind: Pipeline
name: tls-pipe
filters:
- name: up
  kind: Proxy
  mtls: {rootCertBase64: %q, certBase64: %q, keyBase64: %q}
  pools:
  - servers: [{url: "https://127.0.0.1:1"}]
    healthCheck: {interval: 1h, uri: /health, username: probe, password: hc-pass-w0rd-secret}
`, port, kp.certB64(), kp.keyB64(), kp.certB64(), kp.certB64(), kp.keyB64())
	return docs, []string{kp.keyB64(), string(kp.keyPEM), "hc-pass-w0rd-secret", strings.TrimSpace(string(kp.keyPEM))}
}

// waitUntil polls cond until it holds or the timeout passes.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
