package websocketproxy

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/registry"
)

// Validate checks the rules the schema cannot express: one main pool,
// well-formed server URLs, weights all or none, origin patterns and health
// checks.
func (s *Spec) Validate() error {
	mains := 0
	for i, p := range s.Pools {
		where := "pools[" + strconv.Itoa(i) + "]"
		if p == nil {
			return fieldError(where, "must be an object")
		}
		if p.Filter == nil {
			mains++
		}
		if err := p.validate(); err != nil {
			return adapt.At(where, err)
		}
	}
	if mains != 1 {
		return fieldError("pools", "exactly one pool without filter (the main pool) is required, found %d", mains)
	}
	return nil
}

// validate checks one pool.
func (p *PoolSpec) validate() error {
	if len(p.Servers) == 0 {
		return fieldError("servers", "at least one server is required")
	}
	weighted := 0
	for i, srv := range p.Servers {
		where := "servers[" + strconv.Itoa(i) + "]"
		if srv == nil {
			return fieldError(where, "must be an object")
		}
		if _, err := parseServerURL(srv.URL); err != nil {
			return fieldError(where+".url", "%v", err)
		}
		if srv.Weight > 0 {
			weighted++
		}
	}
	if weighted != 0 && weighted != len(p.Servers) {
		return fieldError("servers", "weights must be given to all servers or to none (%d of %d have one)", weighted, len(p.Servers))
	}
	if len(p.ServerTags) > 0 && len(p.taggedServers()) == 0 {
		return fieldError("serverTags", "no server has any of the tags %v", p.ServerTags)
	}
	if lb := p.LoadBalance; lb != nil {
		if lb.Policy == proxy.PolicyHeaderHash && strings.TrimSpace(lb.HeaderHashKey) == "" {
			return fieldError("loadBalance.headerHashKey", "required by policy headerHash")
		}
		if lb.HealthCheck != nil {
			return fieldError("loadBalance.healthCheck", "not supported by the WebSocketProxy; use the pool's healthCheck")
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
	if len(p.ServerTags) == 0 {
		return p.Servers
	}
	var out []*proxy.ServerSpec
	for _, s := range p.Servers {
		if hasAnyTag(s.Tags, p.ServerTags) {
			out = append(out, s)
		}
	}
	return out
}

func hasAnyTag(tags, wanted []string) bool {
	for _, t := range tags {
		for _, w := range wanted {
			if t == w {
				return true
			}
		}
	}
	return false
}

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
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	out := &serverURL{}
	switch u.Scheme {
	case "ws", "http":
		out.port = 80
	case "wss", "https":
		out.tls = true
		out.port = 443
	default:
		return nil, fmt.Errorf("%q: scheme must be ws, wss, http or https", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q: user info is not allowed in a server URL", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("%q: must be ws(s)://host[:port] without path, query or fragment", raw)
	}
	out.hostname = u.Hostname()
	if out.hostname == "" {
		return nil, fmt.Errorf("%q: host is missing", raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q: port must be 1-65535", raw)
		}
		out.port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, fmt.Errorf("%q: empty port", raw)
	}
	out.host = u.Host
	out.isIP = net.ParseIP(out.hostname) != nil
	out.dial = out.withPort(0, false, "")
	out.httpURL = out.withPort(0, true, "")
	return out, nil
}

// fieldError returns a registry.FieldError at path.
func fieldError(path, format string, args ...any) error {
	return registry.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)}
}
