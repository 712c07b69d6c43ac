package websocketproxy

import (
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/registry"
)

// Validate checks the rules the schema cannot express: one main pool,
// well-formed server URLs, weights all or none, origin patterns and health
// checks.
func (s *Spec) Validate() error {
	return backend.CheckPools(s.Pools, (*PoolSpec).isMain, (*PoolSpec).validate)
}

// isMain reports whether the pool is the main pool: it has no filter.
func (p *PoolSpec) isMain() bool { return p.Filter == nil }

// validate checks one pool.
func (p *PoolSpec) validate() error {
	if err := backend.CheckServers(p.Servers, serverFields, checkServerURL); err != nil {
		return err
	}
	if len(p.ServerTags) > 0 && len(p.taggedServers()) == 0 {
		return fieldError("serverTags", "no server has any of the tags %v", p.ServerTags)
	}
	if lb := p.LoadBalance; lb != nil {
		if lb.Policy == proxy.PolicyHeaderHash && strings.TrimSpace(lb.HeaderHashKey) == "" {
			return fieldError("loadBalance.headerHashKey", "required by policy headerHash")
		}
		if lb.StickySession != nil {
			if err := lb.StickySession.Validate(); err != nil {
				return adapt.At("loadBalance.stickySession", err)
			}
		}
		if lb.HealthCheck != nil && p.HealthCheck == nil {
			if err := p.healthCheck().validate(); err != nil {
				return adapt.At("loadBalance.healthCheck", err)
			}
		}
	}
	if p.Filter != nil {
		if err := p.Filter.Validate(); err != nil {
			return adapt.At("filter", err)
		}
	}
	for i, pat := range p.OriginPatterns {
		if _, err := path.Match(pat, ""); err != nil || pat == "" {
			return fieldError("originPatterns["+strconv.Itoa(i)+"]", "%q is not a valid host pattern (path.Match syntax, e.g. *.example.com)", pat)
		}
	}
	if p.HealthCheck != nil {
		if err := p.HealthCheck.validate(); err != nil {
			return adapt.At("healthCheck", err)
		}
	}
	return nil
}

// taggedServers returns the servers kept by serverTags.
func (p *PoolSpec) taggedServers() []*proxy.ServerSpec {
	return backend.Tagged(p.Servers, serverTags, p.ServerTags)
}

// serverFields returns what backend.CheckServers checks of a server.
func serverFields(s *proxy.ServerSpec) (string, int) { return s.URL, s.Weight }

// serverTags returns a server's tags for backend.Tagged.
func serverTags(s *proxy.ServerSpec) []string { return s.Tags }

// validate checks a health check.
func (h *HealthCheckSpec) validate() error {
	if h.HTTP == nil && h.WS == nil {
		return fieldError("", "give an http probe, a ws probe or both")
	}
	if h.Interval < 0 {
		return fieldError("interval", "must not be negative")
	}
	if h.Timeout < 0 {
		return fieldError("timeout", "must not be negative")
	}
	if h.HTTP != nil {
		if err := h.HTTP.proxySpec(h.Timeout).Validate(); err != nil {
			return adapt.At("http", err)
		}
	}
	if h.WS != nil {
		if err := h.WS.validate(); err != nil {
			return adapt.At("ws", err)
		}
	}
	return nil
}

// proxySpec returns the probe as a Proxy health check spec.
func (s *HTTPProbeSpec) proxySpec(timeout registry.Duration) *proxy.HealthCheckSpec {
	return &proxy.HealthCheckSpec{
		Timeout:  timeout,
		Port:     s.Port,
		URI:      s.URI,
		Path:     s.Path,
		Method:   s.Method,
		Headers:  s.Headers,
		Body:     s.Body,
		Username: s.Username,
		Password: s.Password,
		Match:    s.Match,
	}
}

// validate checks a WebSocket probe.
func (s *WSProbeSpec) validate() error {
	if s.URI != "" && !strings.HasPrefix(s.URI, "/") {
		return fieldError("uri", "must start with /")
	}
	// The Proxy's checks of headers and match apply as they are.
	hc := &proxy.HealthCheckSpec{Headers: s.Headers, Match: s.Match}
	if err := hc.Validate(); err != nil {
		return err
	}
	if s.Match != nil && s.Match.Body != nil {
		return fieldError("match.body", "a WebSocket handshake reply has no body to match")
	}
	return nil
}

// serverURL is a parsed server URL.
type serverURL struct {
	// dial is the URL dialed: ws:// or wss://host:port.
	dial string
	// httpURL is the same server as http:// or https://, for HTTP probes.
	httpURL string
	// host is the URL's host with its port as written, for the Host
	// header.
	host string
	// hostname is the host without port or brackets.
	hostname string
	// port is the effective port.
	port int
	// isIP is true when hostname is an IP address.
	isIP bool
	// tls is true for wss and https.
	tls bool
}

// withPort returns the dial URL (or, with http, the HTTP URL) with the
// port replaced when p > 0, and uri appended.
func (u *serverURL) withPort(p int, http bool, uri string) string {
	scheme := "ws"
	if http {
		scheme = "http"
	}
	if u.tls {
		scheme += "s"
	}
	if p <= 0 {
		p = u.port
	}
	return scheme + "://" + net.JoinHostPort(u.hostname, strconv.Itoa(p)) + uri
}

// parseServerURL checks and parses ws(s):// or http(s)://host[:port].
func parseServerURL(raw string) (*serverURL, error) {
	u, err := backend.ParseURL(raw, "ws(s)://host[:port]",
		backend.Scheme{Name: "ws"}, backend.Scheme{Name: "wss", TLS: true},
		backend.Scheme{Name: "http"}, backend.Scheme{Name: "https", TLS: true})
	if err != nil {
		return nil, err
	}
	out := &serverURL{
		host:     u.Host,
		hostname: u.Hostname,
		port:     u.Port,
		isIP:     net.ParseIP(u.Hostname) != nil,
		tls:      u.TLS,
	}
	out.dial = out.withPort(0, false, "")
	out.httpURL = out.withPort(0, true, "")
	return out, nil
}

// checkServerURL reports why raw is not a server URL, or nil.
func checkServerURL(raw string) error {
	_, err := parseServerURL(raw)
	return err
}

// fieldError returns a registry.FieldError at path.
func fieldError(path, format string, args ...any) error {
	return registry.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)}
}
