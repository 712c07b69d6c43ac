package httpserver

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// yamlBlock writes s as a YAML literal block at the given indentation.
func yamlBlock(s, prefix string) string { return "|\n" + indent(s, prefix) }

func tlsClient(t testing.TB, conf *tls.Config) *http.Client {
	tr := &http.Transport{TLSClientConfig: conf, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestHTTPSChoosesCertificateBySNI(t *testing.T) {
	a, b, def := testPair(t, "a.test"), testPair(t, "b.test", "*.b.test"), testPair(t, "default.test")
	roots := x509.NewCertPool()
	for _, p := range []certPair{a, b, def} {
		roots.AddCert(p.cert)
	}
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s := h.server(serverDoc("tls", port, `https: true
certBase64: `+b64(def.certPEM)+`
keyBase64: `+b64(def.keyPEM)+`
certs:
  a: `+yamlBlock(string(a.certPEM), "    ")+`  b: `+b64(b.certPEM)+`
keys:
  a: `+yamlBlock(string(a.keyPEM), "    ")+`  b: `+b64(b.keyPEM)+`
rules: [{paths: [{backend: p}]}]
`))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for sni, want := range map[string]string{"a.test": "a.test", "b.test": "b.test", "x.b.test": "b.test", "": "default.test", "unknown.test": "default.test"} {
		conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: sni, InsecureSkipVerify: true})
		if err != nil {
			t.Fatalf("SNI %q: %v", sni, err)
		}
		got := conn.ConnectionState().PeerCertificates[0].DNSNames[0]
		conn.Close()
		if got != want {
			t.Errorf("SNI %q: served %s, want %s", sni, got, want)
		}
	}
	// A verifying client gets through end to end.
	c := tlsClient(t, &tls.Config{ServerName: "b.test", RootCAs: roots})
	r := do(t, c, "GET", "https://"+addr+"/hello", nil, nil)
	if r.status != 200 || !strings.HasPrefix(r.body, "pipeline=p uri=/hello") {
		t.Fatalf("%+v", r)
	}
	// The status lists certificates, never keys.
	st := s.Status().(Status)
	doc, _ := json.Marshal(st)
	if len(st.Certificates) != 3 || !st.HTTPS || st.MutualTLS {
		t.Fatalf("status %s", doc)
	}
	for _, secret := range []string{"PRIVATE KEY", b64(a.keyPEM)[:40], b64(b.keyPEM)[:40], b64(def.keyPEM)[:40]} {
		if strings.Contains(string(doc), secret) {
			t.Fatalf("status leaks %q: %s", secret, doc)
		}
	}
	// A plain HTTP client gets nothing useful out of the HTTPS port.
	if r, err := tryDo(newClient(t), "GET", "http://"+addr+"/", nil, nil); err == nil && r.status == 200 {
		t.Fatal("plain HTTP served on the HTTPS port")
	}
}

func TestMutualTLS(t *testing.T) {
	ca, otherCA := testCA(t, "clients CA"), testCA(t, "other CA")
	client := issue(t, &ca, "client-1", nil, false)
	stranger := issue(t, &otherCA, "stranger", nil, false)
	server := testPair(t, "mtls.test")
	roots := x509.NewCertPool()
	roots.AddCert(server.cert)

	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s := h.server(serverDoc("mtls", port, `https: true
certBase64: `+b64(server.certPEM)+`
keyBase64: `+b64(server.keyPEM)+`
caCertBase64: `+b64(ca.certPEM)+`
rules: [{paths: [{backend: p}]}]
`))
	if !s.Status().(Status).MutualTLS {
		t.Fatal("status does not report mTLS")
	}
	url := fmt.Sprintf("https://127.0.0.1:%d/", port)
	base := &tls.Config{ServerName: "mtls.test", RootCAs: roots}

	if _, err := tryDo(tlsClient(t, base), "GET", url, nil, nil); err == nil {
		t.Fatal("served a client without a certificate")
	}
	withStranger := base.Clone()
	withStranger.Certificates = []tls.Certificate{stranger.tlsCertificate(t)}
	if _, err := tryDo(tlsClient(t, withStranger), "GET", url, nil, nil); err == nil {
		t.Fatal("served a client whose certificate the CA did not issue")
	}
	withClient := base.Clone()
	withClient.Certificates = []tls.Certificate{client.tlsCertificate(t)}
	if r := do(t, tlsClient(t, withClient), "GET", url, nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
}

func TestInheritSwapsTLSMaterialInPlace(t *testing.T) {
	old, renewed := testPair(t, "swap.test"), testPair(t, "swap.test")
	roots := x509.NewCertPool()
	roots.AddCert(old.cert)
	roots.AddCert(renewed.cert)
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	doc := func(p certPair) string {
		return serverDoc("swap", port, "https: true\ncertBase64: "+b64(p.certPEM)+"\nkeyBase64: "+b64(p.keyPEM)+"\nrules: [{paths: [{backend: p}]}]\n")
	}
	s1 := h.server(doc(old))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	served := func() string {
		conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: "swap.test", RootCAs: roots})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.String()
	}
	if got := served(); got != old.cert.SerialNumber.String() {
		t.Fatalf("serial %s", got)
	}
	c := tlsClient(t, &tls.Config{ServerName: "swap.test", RootCAs: roots})
	if r := do(t, c, "GET", "https://"+addr+"/", nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	s2 := h.newServerObject(doc(renewed))
	if err := s2.Inherit(s1); err != nil {
		t.Fatal(err)
	}
	_ = s1.Close()
	if got := served(); got != renewed.cert.SerialNumber.String() {
		t.Fatalf("after the update new connections get serial %s, want the renewed certificate", got)
	}
	if r := do(t, c, "GET", "https://"+addr+"/", nil, nil); r.status != 200 || !r.reused {
		t.Fatalf("the open TLS connection did not survive the update: %+v", r)
	}
}

func TestInheritTurnsHTTPSOnWithoutRebinding(t *testing.T) {
	pair := testPair(t, "on.test")
	roots := x509.NewCertPool()
	roots.AddCert(pair.cert)
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s1 := h.server(serverDoc("edge", port, "rules: [{paths: [{backend: p}]}]\n"))
	plain := newClient(t)
	if r := do(t, plain, "GET", fmt.Sprintf("http://127.0.0.1:%d/", port), nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	s2 := h.newServerObject(serverDoc("edge", port, "https: true\ncertBase64: "+b64(pair.certPEM)+"\nkeyBase64: "+b64(pair.keyPEM)+"\nrules: [{paths: [{backend: p}]}]\n"))
	if err := s2.Inherit(s1); err != nil {
		t.Fatal(err)
	}
	_ = s1.Close()
	// The plaintext connection opened before the switch is told to go.
	r := do(t, plain, "GET", fmt.Sprintf("http://127.0.0.1:%d/", port), nil, nil)
	if r.status != http.StatusMisdirectedRequest || !r.close || !r.reused {
		t.Fatalf("old plaintext connection: %+v", r)
	}
	c := tlsClient(t, &tls.Config{ServerName: "on.test", RootCAs: roots})
	if r := do(t, c, "GET", fmt.Sprintf("https://127.0.0.1:%d/", port), nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
}
