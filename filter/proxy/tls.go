package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
)

// tlsConfig builds the client TLS configuration of an mtls spec.
func (m *MTLSSpec) tlsConfig() (*tls.Config, error) {
	if m.RootCertBase64 == "" {
		return nil, fieldError("rootCertBase64", "required")
	}
	rootPEM, err := base64.StdEncoding.DecodeString(m.RootCertBase64)
	if err != nil {
		return nil, fieldError("rootCertBase64", "not valid base64: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		return nil, fieldError("rootCertBase64", "no PEM certificate found")
	}
	cfg := &tls.Config{
		RootCAs:            roots,
		InsecureSkipVerify: m.InsecureSkipVerify, // #nosec G402 -- explicit user choice
		MinVersion:         tls.VersionTLS12,
	}
	if (m.CertBase64 == "") != (m.KeyBase64 == "") {
		return nil, fieldError("certBase64", "certBase64 and keyBase64 go together: give both or neither")
	}
	if m.CertBase64 != "" {
		certPEM, err := base64.StdEncoding.DecodeString(m.CertBase64)
		if err != nil {
			return nil, fieldError("certBase64", "not valid base64: %v", err)
		}
		keyPEM, err := base64.StdEncoding.DecodeString(m.KeyBase64)
		if err != nil {
			return nil, fieldError("keyBase64", "not valid base64: %v", err)
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fieldError("certBase64", "%v", fmt.Errorf("certificate and key do not form a pair: %w", err))
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// upstreamTLS returns the TLS configuration used for https servers: the
// mtls one, or, as in Easegress, one that does not verify upstream
// certificates.
func upstreamTLS(m *MTLSSpec) (*tls.Config, error) {
	if m == nil {
		return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, nil // #nosec G402 -- Easegress behaviour without mtls
	}
	return m.tlsConfig()
}
