package httpserver

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gatewright/gatewright/registry"
)

// singlePairName names the certBase64/keyBase64 pair in the status.
const singlePairName = "certBase64"

// tlsMaterial is the compiled TLS part of a spec: an immutable server
// configuration shared by the connections accepted while it is current.
type tlsMaterial struct {
	config *tls.Config
	certs  []CertificateStatus
	mtls   bool
}

// CertificateStatus describes a loaded certificate without its key.
type CertificateStatus struct {
	// Name is the pair name (certBase64 for the single pair).
	Name string `json:"name"`
	// Subject is the certificate's subject common name.
	Subject string `json:"subject,omitempty"`
	// DNSNames are the names SNI selects the certificate by.
	DNSNames []string `json:"dnsNames,omitempty"`
	// NotAfter is the end of validity.
	NotAfter time.Time `json:"notAfter"`
}

// compileTLS parses certificates, keys and the client CA. It returns nil
// when nothing TLS-related is configured; errors go to errs.
func compileTLS(s *Spec, errs *registry.FieldErrors) *tlsMaterial {
	fail := func(path, format string, args ...any) {
		*errs = append(*errs, registry.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	type pair struct{ name, certPath, keyPath, cert, key string }
	var pairs []pair
	switch {
	case s.CertBase64 != "" && s.KeyBase64 == "":
		fail("keyBase64", "required with certBase64")
	case s.CertBase64 == "" && s.KeyBase64 != "":
		fail("certBase64", "required with keyBase64")
	case s.CertBase64 != "":
		pairs = append(pairs, pair{singlePairName, "certBase64", "keyBase64", s.CertBase64, s.KeyBase64})
	}
	names := make([]string, 0, len(s.Certs))
	for n := range s.Certs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k, ok := s.Keys[n]
		if !ok {
			fail("keys", "no key for certificate %q", n)
			continue
		}
		pairs = append(pairs, pair{n, "certs." + n, "keys." + n, s.Certs[n], k})
	}
	for n := range s.Keys {
		if _, ok := s.Certs[n]; !ok {
			fail("certs", "no certificate for key %q", n)
		}
	}

	m := &tlsMaterial{}
	var certs []tls.Certificate
	for _, p := range pairs {
		certPEM, err := decodePEM(p.cert)
		if err != nil {
			fail(p.certPath, "%v", err)
			continue
		}
		keyPEM, err := decodePEM(p.key)
		if err != nil {
			fail(p.keyPath, "%v", err)
			continue
		}
		c, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			fail(p.certPath, "invalid certificate pair: %v", err)
			continue
		}
		if c.Leaf == nil {
			if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
				fail(p.certPath, "invalid certificate: %v", err)
				continue
			}
		}
		certs = append(certs, c)
		m.certs = append(m.certs, CertificateStatus{
			Name:     p.name,
			Subject:  c.Leaf.Subject.CommonName,
			DNSNames: c.Leaf.DNSNames,
			NotAfter: c.Leaf.NotAfter,
		})
	}

	var clientCAs *x509.CertPool
	if s.CACertBase64 != "" {
		caPEM, err := decodePEM(s.CACertBase64)
		if err != nil {
			fail("caCertBase64", "%v", err)
		} else {
			clientCAs = x509.NewCertPool()
			if !clientCAs.AppendCertsFromPEM(caPEM) {
				fail("caCertBase64", "no CA certificate found in the PEM")
			}
		}
		if !s.HTTPS {
			fail("caCertBase64", "client certificates need https: true")
		}
	}
	if s.HTTPS && len(pairs) == 0 {
		fail("https", "needs a certificate: set certBase64/keyBase64 or certs/keys")
	}
	if !s.HTTPS {
		return nil
	}
	m.config = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: certs,
		NextProtos:   []string{"http/1.1"},
	}
	if clientCAs != nil {
		m.config.ClientCAs = clientCAs
		m.config.ClientAuth = tls.RequireAndVerifyClientCert
		m.mtls = true
	}
	return m
}

// decodePEM accepts PEM text or base64-encoded PEM.
func decodePEM(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty")
	}
	if strings.HasPrefix(s, "-----BEGIN") {
		return []byte(s), nil
	}
	clean := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(clean); err != nil {
			return nil, errors.New("neither PEM nor base64-encoded PEM")
		}
	}
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		return nil, errors.New("base64 value does not decode to PEM")
	}
	return b, nil
}
