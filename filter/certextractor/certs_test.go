package certextractor

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"

	"github.com/gatewright/gatewright/internal/testkit"
)

// issued is a generated certificate with its key.
type issued struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	keyPEM  []byte
}

// issue creates a certificate for subject signed by parent (self-signed
// when nil); a CA when isCA.
func issue(t testing.TB, parent *issued, subject pkix.Name, isCA bool) *issued {
	t.Helper()
	var signer *testkit.Cert
	if parent != nil {
		signer = &testkit.Cert{Cert: parent.cert, Key: parent.key}
	}
	c := testkit.IssueCertFor(t, signer, subject, nil, isCA)
	return &issued{cert: c.Cert, key: c.Key, certPEM: c.CertPEM, keyPEM: c.KeyPEM}
}

// pki is a root CA, an intermediate CA, a server certificate for
// 127.0.0.1 and a client certificate issued by the intermediate.
type pki struct {
	root, inter, server, client *issued
}

func newPKI(t testing.TB) *pki {
	root := issue(t, nil, pkix.Name{CommonName: "Test Root", Organization: []string{"Root Org"}}, true)
	inter := issue(t, root, pkix.Name{CommonName: "Test Intermediate", Organization: []string{"Inter Org"}, Country: []string{"NL"}}, true)
	return &pki{
		root:   root,
		inter:  inter,
		server: issue(t, root, pkix.Name{CommonName: "127.0.0.1"}, false),
		client: issue(t, inter, pkix.Name{
			CommonName:         "alice",
			Country:            []string{"DE"},
			Organization:       []string{"Shop GmbH"},
			OrganizationalUnit: []string{"payments", "ops"},
			Locality:           []string{"Berlin"},
			Province:           []string{"BE"},
			StreetAddress:      []string{"Hauptstr. 1"},
			PostalCode:         []string{"10115"},
			SerialNumber:       "EMP-0042",
		}, false),
	}
}

// clientTLS is a client config presenting the client's chain (leaf and
// intermediate) and trusting the root; without the certificate when
// anonymous.
func (p *pki) clientTLS(anonymous bool) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(p.root.cert)
	conf := &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
	if !anonymous {
		conf.Certificates = []tls.Certificate{{
			Certificate: [][]byte{p.client.cert.Raw, p.inter.cert.Raw},
			PrivateKey:  p.client.key,
		}}
	}
	return conf
}
