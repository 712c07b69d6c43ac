package validator

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"time"

	"github.com/gatewright/gatewright/registry"
	"github.com/go-ldap/ldap/v3"
)

// Defaults and bounds of basicAuth.ldap.
const (
	// DefaultLDAPTimeout bounds one verification against the LDAP server
	// (waiting for a connection, dial, TLS, bind) unless ldap.timeout
	// says otherwise.
	DefaultLDAPTimeout = 5 * time.Second
	// MinLDAPTimeout is the shortest ldap.timeout accepted.
	MinLDAPTimeout = 10 * time.Millisecond
	// MaxLDAPTimeout is the longest ldap.timeout accepted.
	MaxLDAPTimeout = time.Minute
	// DefaultLDAPCacheTTL is how long a successful verification is
	// remembered unless ldap.cacheTTL says otherwise.
	DefaultLDAPCacheTTL = 30 * time.Second
	// MinLDAPCacheTTL is the shortest ldap.cacheTTL accepted.
	MinLDAPCacheTTL = time.Second
	// MaxLDAPCacheTTL is the longest ldap.cacheTTL accepted.
	MaxLDAPCacheTTL = time.Hour
	// DefaultLDAPMaxConnections is the number of binds in flight (and of
	// idle connections kept) unless ldap.maxConnections says otherwise.
	DefaultLDAPMaxConnections = 8
	// MaxLDAPMaxConnections is the largest ldap.maxConnections accepted.
	MaxLDAPMaxConnections = 256
	// LDAPCacheEntries is the number of successful verifications
	// remembered at most; the oldest goes first.
	LDAPCacheEntries = 4096
)

// LDAPSpec is Easegress's LDAP mode: a user is authenticated by a
// successful simple bind as uid=<user>,<baseDN> with the request's
// password. useSSL connects with LDAPS; otherwise the connection is
// upgraded with StartTLS unless skipTLS is set.
type LDAPSpec struct {
	// Host is the LDAP server's host name or address.
	Host string `json:"host" jsonschema:"required,description=LDAP server host name or address"`
	// Port is its port.
	Port int `json:"port" jsonschema:"required,minimum=1,maximum=65535,description=LDAP server port"`
	// BaseDN is the DN below which the user entries are.
	BaseDN string `json:"baseDN" jsonschema:"required,description=DN below which user entries are: a user binds as <uid>=<user>\\,<baseDN>"`
	// UID is the attribute that names a user in its DN (uid, cn, ...).
	UID string `json:"uid" jsonschema:"required,description=attribute naming a user in its DN\\, e.g. uid or cn"`
	// UseSSL connects with LDAPS (TLS from the start).
	UseSSL bool `json:"useSSL,omitempty" jsonschema:"description=connect with LDAPS (TLS from the first byte)"`
	// SkipTLS, without UseSSL, keeps the connection in clear text instead
	// of upgrading it with StartTLS.
	SkipTLS bool `json:"skipTLS,omitempty" jsonschema:"description=without useSSL: do not upgrade the connection with StartTLS (passwords then cross the network in clear text)"`
	// Insecure skips the verification of the server's certificate.
	Insecure bool `json:"insecure,omitempty" jsonschema:"description=do not verify the LDAP server's certificate (LDAPS and StartTLS)"`
	// ServerName is the name the server's certificate must carry
	// (default Host).
	ServerName string `json:"serverName,omitempty" jsonschema:"description=name the server certificate must carry (default host)"`
	// CertBase64 is a client certificate presented over TLS: base64 of
	// PEM.
	CertBase64 string `json:"certBase64,omitempty" jsonschema:"description=client certificate presented over TLS\\, base64 of PEM (with keyBase64)"`
	// KeyBase64 is the client certificate's private key: base64 of PEM.
	KeyBase64 string `json:"keyBase64,omitempty" secret:"true" jsonschema:"description=private key of the client certificate\\, base64 of PEM"`
	// Timeout bounds one verification (gatewright).
	Timeout registry.Duration `json:"timeout,omitempty" jsonschema:"description=bound of one verification: waiting for a connection\\, dial\\, TLS and bind (gatewright; default 5s)"`
	// CacheTTL is how long a successful verification is remembered
	// (gatewright).
	CacheTTL registry.Duration `json:"cacheTTL,omitempty" jsonschema:"description=how long a successful verification is remembered (gatewright; default 30s; 1s to 1h)"`
	// MaxConnections caps the binds in flight and the idle connections
	// kept (gatewright).
	MaxConnections int `json:"maxConnections,omitempty" jsonschema:"minimum=0,maximum=256,description=most binds in flight and idle connections kept (gatewright; default 8)"`
}

// attributeType matches an LDAP attribute description: a name or an OID.
var attributeType = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+)$`)

// Validate checks the server, the DN parts and the TLS settings.
func (s *LDAPSpec) Validate() error {
	switch {
	case s.Host == "":
		return registry.FieldError{Path: "host", Reason: "is required"}
	case s.Port < 1 || s.Port > 65535:
		return registry.FieldError{Path: "port", Reason: "must be between 1 and 65535"}
	case s.BaseDN == "":
		return registry.FieldError{Path: "baseDN", Reason: "is required"}
	case s.UID == "":
		return registry.FieldError{Path: "uid", Reason: "is required"}
	case !attributeType.MatchString(s.UID):
		return registry.FieldError{Path: "uid", Reason: strconv.Quote(s.UID) + " is not an attribute name"}
	}
	if _, err := ldap.ParseDN(s.BaseDN); err != nil {
		return registry.FieldError{Path: "baseDN", Reason: "is not a DN: " + err.Error()}
	}
	if _, err := s.clientCertificate(); err != nil {
		return err
	}
	switch {
	case s.Timeout != 0 && (s.Timeout.D() < MinLDAPTimeout || s.Timeout.D() > MaxLDAPTimeout):
		return registry.FieldError{Path: "timeout", Reason: fmt.Sprintf("must be between %s and %s", MinLDAPTimeout, MaxLDAPTimeout)}
	case s.CacheTTL != 0 && (s.CacheTTL.D() < MinLDAPCacheTTL || s.CacheTTL.D() > MaxLDAPCacheTTL):
		return registry.FieldError{Path: "cacheTTL", Reason: fmt.Sprintf("must be between %s and %s", MinLDAPCacheTTL, MaxLDAPCacheTTL)}
	case s.MaxConnections < 0 || s.MaxConnections > MaxLDAPMaxConnections:
		return registry.FieldError{Path: "maxConnections", Reason: fmt.Sprintf("must be between 1 and %d", MaxLDAPMaxConnections)}
	}
	return nil
}

// clientCertificate decodes certBase64 and keyBase64; nil when neither
// is set.
func (s *LDAPSpec) clientCertificate() (*tls.Certificate, error) {
	switch {
	case s.CertBase64 == "" && s.KeyBase64 == "":
		return nil, nil
	case s.CertBase64 == "":
		return nil, registry.FieldError{Path: "certBase64", Reason: "is required with keyBase64"}
	case s.KeyBase64 == "":
		return nil, registry.FieldError{Path: "keyBase64", Reason: "is required with certBase64"}
	}
	certPEM, err := base64.StdEncoding.DecodeString(s.CertBase64)
	if err != nil {
		return nil, registry.FieldError{Path: "certBase64", Reason: "is not base64"}
	}
	keyPEM, err := base64.StdEncoding.DecodeString(s.KeyBase64)
	if err != nil {
		// The decoder's error names the offset only, never the key.
		return nil, registry.FieldError{Path: "keyBase64", Reason: "is not base64"}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, registry.FieldError{Path: "certBase64", Reason: "with keyBase64 is not a usable PEM certificate and key: " + err.Error()}
	}
	return &cert, nil
}

// tlsConfig is the client TLS configuration of LDAPS and StartTLS.
func (s *LDAPSpec) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         s.ServerName,
		InsecureSkipVerify: s.Insecure,
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.Host
	}
	cert, err := s.clientCertificate()
	if err != nil {
		return nil, err
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg, nil
}

// address is host:port.
func (s *LDAPSpec) address() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// url names the server and how it is reached, for logs and status.
func (s *LDAPSpec) url() string {
	switch {
	case s.UseSSL:
		return "ldaps://" + s.address()
	case s.SkipTLS:
		return "ldap://" + s.address()
	}
	return "ldap://" + s.address() + " (StartTLS)"
}

// clearText reports whether passwords would cross the network in clear
// text.
func (s *LDAPSpec) clearText() bool { return !s.UseSSL && s.SkipTLS }

func (s *LDAPSpec) timeout() time.Duration {
	if s.Timeout == 0 {
		return DefaultLDAPTimeout
	}
	return s.Timeout.D()
}

func (s *LDAPSpec) cacheTTL() time.Duration {
	if s.CacheTTL == 0 {
		return DefaultLDAPCacheTTL
	}
	return s.CacheTTL.D()
}

func (s *LDAPSpec) maxConnections() int {
	if s.MaxConnections == 0 {
		return DefaultLDAPMaxConnections
	}
	return s.MaxConnections
}
