package proxy

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/registry"
)

// Validate checks the rules the schema cannot express: one main pool, well
// formed server URLs, weights all or none, policy-specific fields.
func (s *Spec) Validate() error {
	if err := backend.CheckPools(s.Pools, (*PoolSpec).isMain, (*PoolSpec).validate); err != nil {
		return err
	}
	if s.MirrorPool != nil {
		if s.MirrorPool.Filter == nil {
			return fieldError("mirrorPool.filter", "required: the mirror pool copies only the requests its filter matches")
		}
		if err := s.MirrorPool.validate(); err != nil {
			return adapt.At("mirrorPool", err)
		}
		if s.MirrorPool.MemoryCache != nil {
			return fieldError("mirrorPool.memoryCache", "a mirror pool's replies are dropped: there is nothing to cache")
		}
	}
	if s.MaxRedirection < 0 || s.MaxRedirection > MaxRedirectionLimit {
		return fieldError("maxRedirection", "must be between 0 (return the 3xx to the client) and %d, got %d", MaxRedirectionLimit, s.MaxRedirection)
	}
	if s.MTLS != nil {
		if _, err := s.MTLS.tlsConfig(); err != nil {
			return adapt.At("mtls", err)
		}
	}
	return nil
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
		if lb.Policy == PolicyHeaderHash && strings.TrimSpace(lb.HeaderHashKey) == "" {
			return fieldError("loadBalance.headerHashKey", "required by policy headerHash")
		}
		if lb.StickySession != nil {
			if err := lb.StickySession.Validate(); err != nil {
				return adapt.At("loadBalance.stickySession", err)
			}
		}
		if lb.HealthCheck != nil && p.HealthCheck == nil {
			if err := lb.HealthCheck.validate(); err != nil {
				return adapt.At("loadBalance.healthCheck", err)
			}
		}
	}
	if p.Filter != nil {
		if err := p.Filter.validate(); err != nil {
			return adapt.At("filter", err)
		}
	}
	if p.Timeout < 0 {
		return fieldError("timeout", "must not be negative")
	}
	for i, code := range p.FailureCodes {
		if code < 100 || code > 599 {
			return fieldError("failureCodes["+strconv.Itoa(i)+"]", "%d is not an HTTP status (100-599)", code)
		}
	}
	if p.HealthCheck != nil {
		if err := p.HealthCheck.validate(); err != nil {
			return adapt.At("healthCheck", err)
		}
	}
	if p.MemoryCache != nil {
		if err := p.MemoryCache.validate(); err != nil {
			return adapt.At("memoryCache", err)
		}
	}
	return nil
}

// Validate checks a sticky session spec; errors name the field below
// stickySession.
func (s *StickySessionSpec) Validate() error {
	switch s.Mode {
	case StickyCookieConsistentHash, StickyApplicationBased:
		if strings.TrimSpace(s.AppCookieName) == "" {
			return fieldError("appCookieName", "required by mode %s", s.Mode)
		}
	case StickyDurationBased:
	default:
		return fieldError("mode", "unknown mode %q (CookieConsistentHash, DurationBased or ApplicationBased)", s.Mode)
	}
	for _, c := range []struct{ path, name string }{{"appCookieName", s.AppCookieName}, {"lbCookieName", s.LBCookieName}} {
		if c.name != "" && !adapt.ValidHeaderName(c.name) {
			return fieldError(c.path, "%q is not a valid cookie name", c.name)
		}
	}
	if s.LBCookieExpire < 0 {
		return fieldError("lbCookieExpire", "must not be negative")
	}
	return nil
}

// validate checks a memory cache spec.
func (m *MemoryCacheSpec) validate() error {
	if m.Expiration <= 0 {
		return fieldError("expiration", "must be a positive duration")
	}
	if m.MaxEntryBytes == 0 {
		return fieldError("maxEntryBytes", "must be >= 1")
	}
	if m.MaxTotalBytes < 0 {
		return fieldError("maxTotalBytes", "must not be negative")
	}
	if m.MaxTotalBytes > 0 && m.MaxTotalBytes < int64(m.MaxEntryBytes) {
		return fieldError("maxTotalBytes", "%d is less than maxEntryBytes %d", m.MaxTotalBytes, m.MaxEntryBytes)
	}
	if len(m.Codes) == 0 {
		return fieldError("codes", "at least one status is required")
	}
	for i, code := range m.Codes {
		if code < 100 || code > 599 {
			return fieldError("codes["+strconv.Itoa(i)+"]", "%d is not an HTTP status (100-599)", code)
		}
	}
	if len(m.Methods) == 0 {
		return fieldError("methods", "at least one method is required")
	}
	for i, method := range m.Methods {
		if !isStandardMethod(method) {
			return fieldError("methods["+strconv.Itoa(i)+"]", "%q is not an upper-case standard method", method)
		}
	}
	return nil
}

// taggedServers returns the servers kept by serverTags.
func (p *PoolSpec) taggedServers() []*ServerSpec {
	return backend.Tagged(p.Servers, serverTags, p.ServerTags)
}

// serverFields returns what backend.CheckServers checks of a server.
func serverFields(s *ServerSpec) (string, int) { return s.URL, s.Weight }

// serverTags returns a server's tags for backend.Tagged.
func serverTags(s *ServerSpec) []string { return s.Tags }

// healthCheck returns the pool's health check, or the deprecated one under
// loadBalance, or nil.
func (p *PoolSpec) healthCheck() *HealthCheckSpec {
	if p.HealthCheck != nil {
		return p.HealthCheck
	}
	if p.LoadBalance != nil {
		return p.LoadBalance.HealthCheck
	}
	return nil
}

// validate checks a request matcher.
func (m *RequestMatcherSpec) validate() error {
	switch m.Policy {
	case "", MatchGeneral:
		if len(m.Headers) == 0 {
			return fieldError("headers", "required by policy general: at least one header condition")
		}
		if err := adapt.ValidateHeaderConditions(m.Headers); err != nil {
			return adapt.At("headers", err)
		}
		for i, u := range m.URLs {
			path := "urls[" + strconv.Itoa(i) + "]"
			if u == nil || u.URL == nil {
				return fieldError(path+".url", "required")
			}
			if err := u.URL.Validate(); err != nil {
				return adapt.At(path+".url", err)
			}
			for j, method := range u.Methods {
				if !isStandardMethod(method) {
					return fieldError(path+".methods["+strconv.Itoa(j)+"]", "%q is not an upper-case standard method", method)
				}
			}
		}
	case MatchIPHash, MatchHeaderHash, MatchRandom:
		if m.Permil <= 0 {
			return fieldError("permil", "required by policy %s: the share taken, 1-1000", m.Policy)
		}
		if m.Policy == MatchHeaderHash && strings.TrimSpace(m.HeaderHashKey) == "" {
			return fieldError("headerHashKey", "required by policy headerHash")
		}
	default:
		return fieldError("policy", "unknown policy %q", m.Policy)
	}
	return nil
}

func isStandardMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE":
		return true
	}
	return false
}

// validate checks a health check.
func (h *HealthCheckSpec) validate() error {
	if h.Interval < 0 {
		return fieldError("interval", "must not be negative")
	}
	if h.Timeout < 0 {
		return fieldError("timeout", "must not be negative")
	}
	if h.URI != "" && h.Path != "" && h.URI != h.Path {
		return fieldError("path", "deprecated alias of uri; give only uri")
	}
	if u := h.uri(); u != "" && !strings.HasPrefix(u, "/") {
		return fieldError("uri", "must start with /")
	}
	if h.Method != "" && !isStandardMethod(h.Method) {
		return fieldError("method", "%q is not an upper-case standard method", h.Method)
	}
	for _, name := range sortedKeys(h.Headers) {
		if !adapt.ValidHeaderName(name) {
			return fieldError("headers", "%q is not a valid header name", name)
		}
		if !adapt.ValidHeaderValue(h.Headers[name]) {
			return fieldError("headers."+name, "header value must not contain CR, LF or NUL")
		}
	}
	if (h.Username == "") != (h.Password == "") {
		return fieldError("username", "username and password go together: give both or neither")
	}
	if m := h.Match; m != nil {
		for i, r := range m.StatusCodes {
			if r[0] < 100 || r[1] > 599 || r[0] > r[1] {
				return fieldError("match.statusCodes["+strconv.Itoa(i)+"]", "must be [low, high] with 100 <= low <= high <= 599")
			}
		}
		for i, hm := range m.Headers {
			path := "match.headers[" + strconv.Itoa(i) + "]"
			if !adapt.ValidHeaderName(hm.Name) {
				return fieldError(path+".name", "%q is not a valid header name", hm.Name)
			}
			if hm.Type == "regexp" {
				if _, err := regexp.Compile(hm.Value); err != nil {
					return fieldError(path+".value", "invalid regular expression: %v", err)
				}
			}
		}
		if b := m.Body; b != nil && b.Type == "regexp" {
			if _, err := regexp.Compile(b.Value); err != nil {
				return fieldError("match.body.value", "invalid regular expression: %v", err)
			}
		}
	}
	return nil
}

// uri returns the probe path and query, uri or its deprecated alias.
func (h *HealthCheckSpec) uri() string {
	if h.URI != "" {
		return h.URI
	}
	return h.Path
}

// serverURL is a parsed server URL.
type serverURL struct {
	// tls is true for https.
	tls bool
	// host is the URL's host with its port as written, for the Host header.
	host string
	// hostname is the host without port or brackets.
	hostname string
	// port is the effective port.
	port int
	// isIP is true when hostname is an IP address.
	isIP bool
}

// addr returns hostname:port for dialing, with port replaced when p > 0.
func (u *serverURL) addr(p int) string {
	if p <= 0 {
		p = u.port
	}
	return net.JoinHostPort(u.hostname, strconv.Itoa(p))
}

// parseServerURL checks and parses http(s)://host[:port].
func parseServerURL(raw string) (*serverURL, error) {
	u, err := backend.ParseURL(raw, "http(s)://host[:port]", backend.Scheme{Name: "http"}, backend.Scheme{Name: "https", TLS: true})
	if err != nil {
		return nil, err
	}
	_, ipErr := netip.ParseAddr(u.Hostname)
	return &serverURL{tls: u.TLS, host: u.Host, hostname: u.Hostname, port: u.Port, isIP: ipErr == nil}, nil
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

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
