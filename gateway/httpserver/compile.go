package httpserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"regexp"
	"regexp/syntax"
	"strings"
	"time"

	"github.com/gatewright/gatewright/internal/netaddr"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// snapshot is everything the request path reads, compiled from one spec
// generation. It is immutable once built and swapped whole with an atomic
// pointer, so requests take no lock.
type snapshot struct {
	keepAlive        bool
	keepAliveTimeout time.Duration
	// headerTimeout bounds reading a request header; bodyTimeout each wait
	// for more of a request body.
	headerTimeout, bodyTimeout time.Duration
	maxConns                   int
	https                      bool
	xForwardedFor              bool
	ipFilter                   *ipFilter
	// trusted are the proxies whose forwarding headers are believed;
	// empty believes every client (Easegress behaviour).
	trusted netaddr.List
	needIP  bool // some IP filter exists: parse the client IP
	router  router
	// routerKind is Ordered or RadixTree (for the status).
	routerKind string
	cache      *routeCache  // nil: cacheSize 0 (or validating)
	maxCaps    int          // most values a RadixTree pattern captures
	tls        *tlsMaterial // nil unless https
	routes     int
	// globalFilter refers to the GlobalFilter run around every pipeline;
	// nil when none is named (or while validating).
	globalFilter *supervisor.Ref
	// ops is the generation's telemetry (ops.go); nil in tests that
	// compile directly.
	ops *serverOps
	// inline are the pipelines of the paths with a backendPool, in spec
	// order (backendpool.go); empty while validating.
	inline []*inlineBackend
}

// tlsConfig returns the server TLS configuration, or nil for plain HTTP.
func (s *snapshot) tlsConfig() *tls.Config {
	if s.tls == nil {
		return nil
	}
	return s.tls.config
}

// compile checks and compiles a spec. With refs nil (validation) backends
// are not resolved. Every problem is reported with its field path.
func compile(s *Spec, refs supervisor.RefLookup) (*snapshot, error) {
	var errs registry.FieldErrors
	fail := func(path, format string, args ...any) {
		errs = append(errs, registry.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	radix := false
	switch s.RouterKind {
	case "", RouterOrdered:
	case RouterRadixTree:
		radix = true
	default:
		fail("routerKind", "unknown router kind %q; use Ordered or RadixTree", s.RouterKind)
	}
	if s.Port == 0 {
		fail("port", "must be between 1 and 65535")
	}
	if s.Address != "" {
		if _, _, err := net.SplitHostPort(s.Address); err == nil {
			fail("address", "give the host only; the port goes in port")
		}
	}
	if s.KeepAliveTimeout < 0 {
		fail("keepAliveTimeout", "must not be negative")
	}
	if s.ClientHeaderTimeout < 0 {
		fail("clientHeaderTimeout", "must not be negative")
	}
	if s.ClientBodyTimeout < 0 {
		fail("clientBodyTimeout", "must not be negative")
	}
	if s.MaxConnections == 0 {
		fail("maxConnections", "must be >= 1")
	}
	if s.ClientMaxBodySize < -1 {
		fail("clientMaxBodySize", "must be >= -1 (-1 = unlimited, 0 = %d bytes)", DefaultClientMaxBodySize)
	}
	snap := &snapshot{
		keepAlive:        s.KeepAlive,
		keepAliveTimeout: s.KeepAliveTimeout.D(),
		headerTimeout:    orDefault(s.ClientHeaderTimeout.D(), DefaultClientHeaderTimeout),
		bodyTimeout:      orDefault(s.ClientBodyTimeout.D(), DefaultClientBodyTimeout),
		maxConns:         int(min(s.MaxConnections, 1<<31-1)),
		https:            s.HTTPS,
		xForwardedFor:    s.XForwardedFor,
		ipFilter:         compileIPFilter(s.IPFilter, "ipFilter", &errs),
		trusted:          netaddr.ParseList(s.TrustedProxies, "trustedProxies", &errs),
	}
	snap.needIP = snap.ipFilter != nil
	snap.routerKind = RouterOrdered
	if radix {
		snap.routerKind = RouterRadixTree
	}
	serverLimit := effectiveLimit(s.ClientMaxBodySize)

	snap.router.rules = make([]rule, 0, len(s.Rules))
	for i := range s.Rules {
		r := &s.Rules[i]
		rp := fmt.Sprintf("rules[%d]", i)
		ru := rule{ipFilter: compileIPFilter(r.IPFilter, rp+".ipFilter", &errs)}
		snap.needIP = snap.needIP || ru.ipFilter != nil
		for j, h := range r.Hosts {
			if m, err := compileHost(h.Value, h.IsRegexp); err != nil {
				fail(fmt.Sprintf("%s.hosts[%d].value", rp, j), "%v", err)
			} else {
				ru.hosts = append(ru.hosts, m)
			}
		}
		if r.Host != "" {
			if m, err := compileHost(r.Host, false); err != nil {
				fail(rp+".host", "%v", err)
			} else {
				ru.hosts = append(ru.hosts, m)
			}
		}
		if r.HostRegexp != "" {
			if m, err := compileHost(r.HostRegexp, true); err != nil {
				fail(rp+".hostRegexp", "%v", err)
			} else {
				ru.hosts = append(ru.hosts, m)
			}
		}
		ru.paths = make([]route, 0, len(r.Paths))
		if radix {
			ru.tree = &radixTree{}
		}
		for k := range r.Paths {
			pp := fmt.Sprintf("%s.paths[%d]", rp, k)
			rt, toks := compilePath(&r.Paths[k], pp, radix, serverLimit, fail, &errs)
			if toks != nil {
				ru.tree.insert(toks, int32(k))
				snap.maxCaps = max(snap.maxCaps, captureCount(toks))
			}
			if refs != nil && rt.backendName != "" {
				rt.backend = refs.Ref(rt.backendName)
			}
			snap.needIP = snap.needIP || rt.ipFilter != nil
			ru.paths = append(ru.paths, rt)
		}
		snap.routes += len(ru.paths)
		snap.router.rules = append(snap.router.rules, ru)
	}
	if s.GlobalFilter != "" {
		if err := supervisor.CheckName(s.GlobalFilter); err != nil {
			fail("globalFilter", "%v", err)
		} else if refs != nil {
			snap.globalFilter = refs.Ref(s.GlobalFilter)
		}
	}
	errs = append(errs, checkFeatures(s)...) // http3, autoCert, tracing (features.go)
	snap.tls = compileTLS(s, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	if refs != nil {
		snap.cache = newRouteCache(s.CacheSize)
	}
	return snap, nil
}

// compilePath compiles one Path; pp is its field path. With radix the
// path is a RadixTree pattern, returned as tokens for the rule's tree
// (nil when it is invalid).
func compilePath(p *Path, pp string, radix bool, serverLimit int64, fail func(path, format string, args ...any), errs *registry.FieldErrors) (route, []patternToken) {
	rt := route{where: pp, backendName: p.Backend}
	var toks []patternToken
	if radix {
		toks = compileRadixMatcher(p, pp, &rt, fail)
	} else {
		compileOrderedMatchers(p, pp, &rt, fail)
	}
	for i, m := range p.Methods {
		bit := methodBit([]byte(m))
		if bit == 0 {
			fail(fmt.Sprintf("%s.methods[%d]", pp, i), "unknown method %q (use GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS or TRACE)", m)
		}
		rt.methods |= bit
	}
	rt.headers = compileConditions(p.Headers, pp+".headers", fail)
	rt.queries = compileConditions(p.Queries, pp+".queries", fail)
	rt.matchAllHeader, rt.matchAllQuery = p.MatchAllHeader, p.MatchAllQuery
	rt.ipFilter = compileIPFilter(p.IPFilter, pp+".ipFilter", errs)
	switch {
	case p.Backend == "" && p.BackendPool == nil:
		fail(pp, "backend or backendPool is required")
	case p.Backend != "" && p.BackendPool != nil:
		fail(pp, "give backend or backendPool, not both")
	case p.BackendPool != nil:
		checkBackendPool(p.BackendPool, pp+".backendPool", fail)
	default:
		if err := supervisor.CheckName(p.Backend); err != nil {
			fail(pp+".backend", "%v", err)
		}
	}
	switch {
	case p.ClientMaxBodySize < -1:
		fail(pp+".clientMaxBodySize", "must be >= -1")
	case p.ClientMaxBodySize == 0:
		rt.bodyLimit = serverLimit
	default:
		rt.bodyLimit = effectiveLimit(p.ClientMaxBodySize)
	}
	setters, err := compileSetHeaders(p.SetHeaders)
	if err != nil {
		fail(pp+".setHeaders", "%v", err)
	}
	rt.setHeaders = setters
	return rt, toks
}

// compileOrderedMatchers compiles the path matchers and rewriteTarget of
// a Path for the Ordered router.
func compileOrderedMatchers(p *Path, pp string, rt *route, fail func(path, format string, args ...any)) {
	if p.Path != "" {
		if !strings.HasPrefix(p.Path, "/") {
			fail(pp+".path", "must start with /")
		}
		rt.path = []byte(p.Path)
	}
	if p.PathPrefix != "" {
		if !strings.HasPrefix(p.PathPrefix, "/") {
			fail(pp+".pathPrefix", "must start with /")
		}
		rt.prefix = []byte(p.PathPrefix)
	}
	if p.PathRegexp != "" {
		re, err := compileRegexp(p.PathRegexp)
		if err != nil {
			fail(pp+".pathRegexp", "%v", err)
		}
		rt.re = re
	}
	if p.RewriteTarget != "" {
		if rt.path == nil && rt.prefix == nil && p.PathRegexp == "" {
			fail(pp+".rewriteTarget", "needs path, pathPrefix or pathRegexp")
		}
		rt.rewriteTarget = []byte(p.RewriteTarget)
	}
}

// compileRadixMatcher parses a Path's pattern and rewriteTarget for the
// RadixTree router, which uses path only.
func compileRadixMatcher(p *Path, pp string, rt *route, fail func(path, format string, args ...any)) []patternToken {
	if p.PathPrefix != "" {
		fail(pp+".pathPrefix", "not used with routerKind RadixTree; write the prefix in path followed by '*' (e.g. /api/*)")
	}
	if p.PathRegexp != "" {
		fail(pp+".pathRegexp", "not used with routerKind RadixTree; use {name:regexp} parameters in path")
	}
	if p.Path == "" {
		fail(pp+".path", "required with routerKind RadixTree")
		return nil
	}
	toks, err := parsePattern(p.Path)
	if err != nil {
		fail(pp+".path", "invalid pattern %q: %v", p.Path, err)
		return nil
	}
	if p.RewriteTarget != "" {
		tpl, err := compileRewriteTemplate(p.RewriteTarget, toks)
		if err != nil {
			fail(pp+".rewriteTarget", "%v", err)
		}
		rt.rewriteTarget, rt.template = []byte(p.RewriteTarget), tpl
	}
	return toks
}

// compileConditions compiles header or query conditions; path names the
// list in errors.
func compileConditions(list []Condition, path string, fail func(path, format string, args ...any)) []condition {
	if len(list) == 0 {
		return nil
	}
	out := make([]condition, 0, len(list))
	for i, c := range list {
		cp := fmt.Sprintf("%s[%d]", path, i)
		if c.Key == "" {
			fail(cp+".key", "required")
		}
		if len(c.Values) == 0 && c.Regexp == "" {
			fail(cp, "needs values or regexp")
		}
		cc := condition{key: c.Key, values: c.Values}
		if c.Regexp != "" {
			re, err := compileRegexp(c.Regexp)
			if err != nil {
				fail(cp+".regexp", "%v", err)
			}
			cc.re = re
		}
		out = append(out, cc)
	}
	return out
}

// compileHost compiles one host condition.
func compileHost(value string, isRegexp bool) (hostMatcher, error) {
	if isRegexp {
		re, err := compileRegexp(value)
		if err != nil {
			return hostMatcher{}, err
		}
		return hostMatcher{kind: hostRegexp, re: re}, nil
	}
	if value == "" {
		return hostMatcher{}, fmt.Errorf("empty host")
	}
	switch n := strings.Count(value, "*"); {
	case n == 0:
		return hostMatcher{kind: hostExact, value: []byte(strings.ToLower(value))}, nil
	case n > 1:
		return hostMatcher{}, fmt.Errorf("host %q: only one '*' is allowed", value)
	case value == "*":
		return hostMatcher{kind: hostAny}, nil
	case value[0] == '*':
		return hostMatcher{kind: hostSuffix, value: []byte(strings.ToLower(value[1:]))}, nil
	case value[len(value)-1] == '*':
		return hostMatcher{kind: hostPrefix, value: []byte(strings.ToLower(value[:len(value)-1]))}, nil
	}
	return hostMatcher{}, fmt.Errorf("host %q: '*' is allowed only at the start or the end", value)
}

// compileRegexp compiles an RE2 expression with a short error.
func compileRegexp(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			if se.Expr != expr {
				return nil, fmt.Errorf("invalid regexp %q: %s at `%s`", expr, se.Code, se.Expr)
			}
			return nil, fmt.Errorf("invalid regexp %q: %s", expr, se.Code)
		}
		return nil, fmt.Errorf("invalid regexp %q: %v", expr, err)
	}
	return re, nil
}

// effectiveLimit turns a clientMaxBodySize into a cap: 0 is the default,
// -1 stays unlimited.
func effectiveLimit(v int64) int64 {
	if v == 0 {
		return DefaultClientMaxBodySize
	}
	return v
}
