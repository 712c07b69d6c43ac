package proxy

import (
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// RequestMatcher is a compiled pool filter (a RequestMatcherSpec), for
// other filters that choose among pools the way the Proxy does, such as
// the WebSocketProxy. It is immutable and Match does not allocate.
type RequestMatcher struct {
	m *requestMatcher
}

// NewRequestMatcher validates and compiles spec; errors carry field paths
// relative to the matcher.
func NewRequestMatcher(spec *RequestMatcherSpec) (*RequestMatcher, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	m, err := newRequestMatcher(spec)
	if err != nil {
		return nil, err
	}
	return &RequestMatcher{m: m}, nil
}

// Match reports whether the matcher takes req.
func (m *RequestMatcher) Match(req *httpprot.Request) bool { return m.m.match(req) }

// HTTPProbe sends the Proxy's active HTTP health probe to one server, for
// other filters that probe their servers the way the Proxy does. It keeps
// its own connections; Close them when done.
type HTTPProbe struct {
	check *healthCheck
	state *healthState
}

// NewHTTPProbe validates and compiles a health check spec (its interval,
// timeout, fails and passes are used only for the probe's timeout) for the
// server at serverURL, http(s)://host[:port]. Upstream certificates of an
// https server are not verified.
func NewHTTPProbe(spec *HealthCheckSpec, serverURL string) (*HTTPProbe, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	u, err := parseServerURL(serverURL)
	if err != nil {
		return nil, fieldError("", "%v", err)
	}
	hc, err := newHealthCheck(spec)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := upstreamTLS(nil)
	if err != nil {
		return nil, adapt.At("tls", err)
	}
	return &HTTPProbe{check: hc, state: newHealthState(serverURL, u, hc, &clientSettings{tls: tlsCfg})}, nil
}

// Probe sends one probe and reports why the reply is unhealthy, or nil.
func (p *HTTPProbe) Probe() error { return p.check.probeOnce(p.state) }

// Close closes the probe's idle connections.
func (p *HTTPProbe) Close() { p.state.probe.CloseIdleConnections() }

// Validate checks a request matcher spec; errors carry field paths
// relative to the matcher.
func (m *RequestMatcherSpec) Validate() error { return m.validate() }

// Validate checks a health check spec; errors carry field paths relative
// to the health check.
func (h *HealthCheckSpec) Validate() error { return h.validate() }
