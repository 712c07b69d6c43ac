package certextractor

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
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
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	if isCA {
		tpl.IsCA, tpl.BasicConstraintsValid = true, true
		tpl.KeyUsage |= x509.KeyUsageCertSign
		tpl.IPAddresses = nil
	}
	signer, signerKey := tpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &issued{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
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
