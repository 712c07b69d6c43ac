package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/valyala/fasthttp"
)

// quietLogger drops the log lines of servers whose handshakes fail on
// purpose.
type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// startTLSUpstream starts an https upstream; clientCAs, when set, requires
// client certificates it verifies.
func startTLSUpstream(t *testing.T, certPEM, keyPEM []byte, clientCAs *x509.CertPool) string {
	t.Helper()
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if clientCAs != nil {
		cfg.ClientCAs = clientCAs
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			ctx.SetBodyString(fmt.Sprintf("tls=%v", ctx.IsTLS()))
		},
		Logger: quietLogger{},
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return "https://" + ln.Addr().String()
}

func TestHTTPSUpstreams(t *testing.T) {
	ca := testkit.IssueCert(t, nil, "test CA", nil, true)
	server := testkit.IssueCert(t, ca, "127.0.0.1", nil, false)
	client := testkit.IssueCert(t, ca, "127.0.0.1", nil, false)
	serverCert, serverKey := server.CertPEM, server.KeyPEM
	clientCert, clientKey := client.CertPEM, client.KeyPEM
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	b64 := base64.StdEncoding.EncodeToString

	plain := startTLSUpstream(t, serverCert, serverKey, nil)
	mutual := startTLSUpstream(t, serverCert, serverKey, pool)
	other := testkit.IssueCert(t, nil, "other CA", nil, true)

	cases := []struct {
		name, url, mtls, result string
	}{
		{"unverified without mtls", plain, "", ""},
		{"verified root", plain, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q}`, b64(ca.CertPEM)), ""},
		{"wrong root", plain, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q}`, b64(other.CertPEM)), ResultServerError},
		{"client certificate", mutual, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q,"certBase64":%q,"keyBase64":%q}`, b64(ca.CertPEM), b64(clientCert), b64(clientKey)), ""},
		{"client certificate missing", mutual, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q}`, b64(ca.CertPEM)), ResultServerError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := startProxy(t, `{"pools":[`+poolDoc("", c.url)+`]`+c.mtls+`}`)
			r := call(t, p, "10.0.0.1", nil)
			if r.result != c.result {
				t.Fatalf("result %q, want %q (%+v)", r.result, c.result, r)
			}
			if c.result == "" && r.body != "tls=true" {
				t.Fatalf("body %q", r.body)
			}
		})
	}
}
