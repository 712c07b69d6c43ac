package proxy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// testCA is a throw-away certificate authority.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate and key PEM for 127.0.0.1.
func (ca *testCA) issue(t *testing.T, serial int64) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

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
	ca := newTestCA(t)
	serverCert, serverKey := ca.issue(t, 2)
	clientCert, clientKey := ca.issue(t, 3)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	b64 := base64.StdEncoding.EncodeToString

	plain := startTLSUpstream(t, serverCert, serverKey, nil)
	mutual := startTLSUpstream(t, serverCert, serverKey, pool)
	other := newTestCA(t)

	cases := []struct {
		name, url, mtls, result string
	}{
		{"unverified without mtls", plain, "", ""},
		{"verified root", plain, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q}`, b64(ca.certPEM)), ""},
		{"wrong root", plain, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q}`, b64(other.certPEM)), ResultServerError},
		{"client certificate", mutual, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q,"certBase64":%q,"keyBase64":%q}`, b64(ca.certPEM), b64(clientCert), b64(clientKey)), ""},
		{"client certificate missing", mutual, fmt.Sprintf(`,"mtls":{"rootCertBase64":%q}`, b64(ca.certPEM)), ResultServerError},
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
