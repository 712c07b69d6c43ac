package httpserver

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/gatewright/gatewright/internal/testkit"
)

// certPair is a generated certificate with its key, as PEM.
type certPair struct {
	certPEM, keyPEM []byte
	cert            *x509.Certificate
	key             *ecdsa.PrivateKey
}

// tlsCertificate returns the pair for a tls.Config.
func (p certPair) tlsCertificate(t testing.TB) tls.Certificate {
	t.Helper()
	c, err := tls.X509KeyPair(p.certPEM, p.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testPair returns a self-signed server certificate for names.
func testPair(t testing.TB, names ...string) certPair {
	return issue(t, nil, names[0], names, false)
}

// testCA returns a CA certificate.
func testCA(t testing.TB, name string) certPair {
	return issue(t, nil, name, nil, true)
}

// issue creates a certificate signed by parent (self-signed when nil).
func issue(t testing.TB, parent *certPair, cn string, names []string, isCA bool) certPair {
	t.Helper()
	var signer *testkit.Cert
	if parent != nil {
		signer = &testkit.Cert{Cert: parent.cert, Key: parent.key}
	}
	c := testkit.IssueCert(t, signer, cn, names, isCA)
	return certPair{certPEM: c.CertPEM, keyPEM: c.KeyPEM, cert: c.Cert, key: c.Key}
}
