package certextractor

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/gateway"
)

// TestThroughGateway runs a real gateway: an HTTPServer with mTLS in front
// of a pipeline whose CertExtractors feed a Proxy; the upstream reports
// the headers it received.
func TestThroughGateway(t *testing.T) {
	p := newPKI(t)
	up := headerEcho(t)
	port := filtertest.FreePort(t)
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

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	filtertest.StartGateway(ctx, t, []*filter.Kind{proxy.Kind, Kind}, gateway.WithTrafficIP("127.0.0.1"), gateway.WithObjects([]byte(docs)))

	got := fetch(t, p, fmt.Sprintf("https://127.0.0.1:%d/", port), false, "X-Client-CN", "forged")
	if want := "X-Client-CN=alice; X-Client-CA=Root Org"; got != want {
		t.Fatalf("upstream saw %q, want %q", got, want)
	}
}

// headerEcho is an upstream that answers with the two client headers it
// received.
func headerEcho(t *testing.T) string {
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, fmt.Sprintf("X-Client-CN=%s; X-Client-CA=%s",
			strings.Join(r.Header.Values("X-Client-CN"), ","), strings.Join(r.Header.Values("X-Client-CA"), ",")))
	})
}
