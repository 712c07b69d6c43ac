package httpserver

import (
	"bytes"
	"net/netip"
	"regexp"

	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// router is the compiled, immutable Ordered router: rules tried in order,
// paths in order within a rule, first full match wins.
type router struct {
	rules []rule
}

// rule is a compiled Rule.
type rule struct {
	hosts    []hostMatcher
	ipFilter *ipFilter
	paths    []route
}

type hostKind uint8

const (
	hostExact  hostKind = iota // value equals the host
	hostSuffix                 // "*.a.com": value ".a.com" ends the host
	hostPrefix                 // "api.*": value "api." starts the host
	hostAny                    // "*"
	hostRegexp                 // re matches the host
)

// hostMatcher is one compiled host condition.
type hostMatcher struct {
	kind  hostKind
	value []byte
	re    *regexp.Regexp
}

// route is a compiled Path: its matchers and what to do on a match.
type route struct {
	where string // rules[i].paths[j], for logs and status

	path    []byte
	prefix  []byte
	re      *regexp.Regexp
	methods methodSet // 0: every method

	headers        []condition
	queries        []condition
	matchAllHeader bool
	matchAllQuery  bool
	ipFilter       *ipFilter

	rewriteTarget []byte
	setHeaders    []headerSetter
	backendName   string
	backend       *supervisor.Ref
	bodyLimit     int64 // effective cap in bytes; -1: unlimited (streamed)
}

// routeInput is what one search looks at. It lives on the handler's stack.
type routeInput struct {
	ctx    *fasthttp.RequestCtx
	host   []byte // without port
	path   []byte
	method methodSet
	ip     netip.Addr
	ipOK   bool
}

// Status codes of a search without a winner, in precedence order.
const (
	statusForbidden        = fasthttp.StatusForbidden
	statusBadRequest       = fasthttp.StatusBadRequest
	statusMethodNotAllowed = fasthttp.StatusMethodNotAllowed
	statusNotFound         = fasthttp.StatusNotFound
)

// search returns the winning route, or nil and the status to answer with
// (403 any IP mismatch, else 400 header/query mismatch, else 405 method
// mismatch, else 404).
func (r *router) search(in *routeInput) (*route, int) {
	var ipMismatch, hqMismatch, methodMismatch bool
	for i := range r.rules {
		ru := &r.rules[i]
		if !ru.matchHost(in.host) {
			continue
		}
		if !ru.ipFilter.allows(in.ip, in.ipOK) {
			ipMismatch = true
			continue
		}
		for j := range ru.paths {
			p := &ru.paths[j]
			if !p.matchPath(in.path) {
				continue
			}
			if p.methods != 0 && in.method&p.methods == 0 {
				methodMismatch = true
				continue
			}
			if len(p.headers) > 0 && !headersMatch(p.headers, p.matchAllHeader, &in.ctx.Request.Header) {
				hqMismatch = true
				continue
			}
			if len(p.queries) > 0 && !queriesMatch(p.queries, p.matchAllQuery, in.ctx.QueryArgs()) {
				hqMismatch = true
				continue
			}
			if !p.ipFilter.allows(in.ip, in.ipOK) {
				ipMismatch = true
				continue
			}
			return p, 0
		}
	}
	switch {
	case ipMismatch:
		return nil, statusForbidden
	case hqMismatch:
		return nil, statusBadRequest
	case methodMismatch:
		return nil, statusMethodNotAllowed
	}
	return nil, statusNotFound
}

// matchHost reports whether any host condition holds; no condition at all
// matches every host.
func (ru *rule) matchHost(host []byte) bool {
	if len(ru.hosts) == 0 {
		return true
	}
	for i := range ru.hosts {
		h := &ru.hosts[i]
		switch h.kind {
		case hostExact:
			if bytes.EqualFold(host, h.value) {
				return true
			}
		case hostSuffix:
			if len(host) >= len(h.value) && bytes.EqualFold(host[len(host)-len(h.value):], h.value) {
				return true
			}
		case hostPrefix:
			if len(host) >= len(h.value) && bytes.EqualFold(host[:len(h.value)], h.value) {
				return true
			}
		case hostAny:
			return true
		case hostRegexp:
			if h.re.Match(host) {
				return true
			}
		}
	}
	return false
}

// matchPath reports whether a path matcher holds; without matchers every
// path matches. The matchers are OR-ed.
func (p *route) matchPath(path []byte) bool {
	if p.path == nil && p.prefix == nil && p.re == nil {
		return true
	}
	if p.path != nil && bytes.Equal(path, p.path) {
		return true
	}
	if p.prefix != nil && bytes.HasPrefix(path, p.prefix) {
		return true
	}
	return p.re != nil && p.re.Match(path)
}

// stripPort returns the host part of a Host value: "a.com:80" gives
// "a.com", "[::1]:80" gives "::1".
func stripPort(h []byte) []byte {
	if len(h) > 0 && h[0] == '[' {
		if end := bytes.IndexByte(h, ']'); end > 0 {
			return h[1:end]
		}
		return h
	}
	if i := bytes.LastIndexByte(h, ':'); i >= 0 && bytes.IndexByte(h[:i], ':') < 0 {
		return h[:i]
	}
	return h
}

// methodSet is a set of standard methods as bits.
type methodSet uint16

const (
	methodGET methodSet = 1 << iota
	methodHEAD
	methodPOST
	methodPUT
	methodPATCH
	methodDELETE
	methodCONNECT
	methodOPTIONS
	methodTRACE
)

// methodBit returns the bit of a request method; 0 for a non-standard one.
func methodBit(m []byte) methodSet {
	switch string(m) {
	case "GET":
		return methodGET
	case "HEAD":
		return methodHEAD
	case "POST":
		return methodPOST
	case "PUT":
		return methodPUT
	case "PATCH":
		return methodPATCH
	case "DELETE":
		return methodDELETE
	case "CONNECT":
		return methodCONNECT
	case "OPTIONS":
		return methodOPTIONS
	case "TRACE":
		return methodTRACE
	}
	return 0
}
