package certextractor

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"

	"github.com/gatewright/gatewright/filter"
)

// KindName is the CertExtractor filter's kind name.
const KindName = "CertExtractor"

// Kind is the CertExtractor filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "CertExtractor copies a field of the client's TLS certificate into a request header.",
	DefaultSpec: func() any { return &Spec{} },
	New:         newCertExtractor,
}

func init() { filter.Register(Kind) }

// CertExtractor is a running CertExtractor filter.
type CertExtractor struct {
	filter.Base
	index  int
	issuer bool
	read   func(n *pkix.Name) []string
	header string
	err    error
}

var _ filter.Filter = (*CertExtractor)(nil)

func newCertExtractor(spec *filter.Spec) filter.Filter {
	c := &CertExtractor{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		c.err = fmt.Errorf("certextractor: spec body is %T, want *certextractor.Spec", spec.Body)
		return c
	}
	if c.err = s.Validate(); c.err != nil {
		return c
	}
	c.index = int(s.CertIndex)
	c.issuer = s.Target == TargetIssuer
	c.read = fieldReader(s.Field)
	c.header = s.HeaderKey
	return c
}

// Validate reports a spec the filter could not be built from.
func (c *CertExtractor) Validate() error { return c.err }

// Init reports a spec the filter could not be built from.
func (c *CertExtractor) Init() error { return c.err }

// Inherit is Init: there is no state.
func (c *CertExtractor) Inherit(filter.Filter) error { return c.Init() }

// connectionStater is a TLS connection (crypto/tls.Conn).
type connectionStater interface {
	ConnectionState() tls.ConnectionState
}

// Handle replaces the header with the field's values from the client's
// certificate, if there is one; it always returns "".
func (c *CertExtractor) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		return ""
	}
	req.Header.Del(c.header)
	cert := c.certificate(ctx)
	if cert == nil {
		return ""
	}
	name := &cert.Subject
	if c.issuer {
		name = &cert.Issuer
	}
	for _, v := range c.read(name) {
		if v != "" {
			req.Header.Add(c.header, v)
		}
	}
	return ""
}

// certificate returns the chosen certificate of the client's chain, or
// nil when the request came without one.
func (c *CertExtractor) certificate(ctx *filter.Context) *x509.Certificate {
	s := ctx.Server()
	if s == nil {
		return nil
	}
	var certs []*x509.Certificate
	if tc, ok := s.Conn().(connectionStater); ok {
		certs = tc.ConnectionState().PeerCertificates
	} else if st := s.TLSConnectionState(); st != nil {
		// The connection is wrapped (a per-IP limit, say); fasthttp
		// unwraps it, at the cost of a copy.
		certs = st.PeerCertificates
	}
	n := len(certs)
	if n == 0 {
		return nil
	}
	// As Easegress: wrap around, negative from the end.
	return certs[(n+c.index%n)%n]
}
