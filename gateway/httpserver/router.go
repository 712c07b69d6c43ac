package httpserver

import (
	"bytes"
	"net/netip"
	"regexp"

	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// router is the compiled, immutable router: rules tried in order. Within
// an Ordered rule paths are tried in order and the first full match wins;
// a RadixTree rule searches its tree (radix.go).
type router struct {
	rules []rule
}

// rule is a compiled Rule.
type rule struct {
	hosts    []hostMatcher
	ipFilter *ipFilter
	paths    []route
	tree     *radixTree // routerKind RadixTree: the index of paths
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

	path    []byte // Ordered matchers; all nil with RadixTree
	prefix  []byte
	re      *regexp.Regexp
	methods methodSet // 0: every method

	headers        []condition
	queries        []condition
	matchAllHeader bool
	matchAllQuery  bool
	ipFilter       *ipFilter

	rewriteTarget []byte
	template      []rewritePart // RadixTree rewriteTarget
	setHeaders    []headerSetter
	backendName   string
	backend       *supervisor.Ref
	// inline is the pipeline of the path's backendPool (a lone Proxy
	// owned by the server generation); nil for a backend route.
	inline    *pipeline.Pipeline
	bodyLimit int64 // effective cap in bytes; -1: unlimited (streamed)
}

// routeInput is what one search looks at and what it found out. It lives
// on the handler's stack.
type routeInput struct {
	ctx    *fasthttp.RequestCtx
	host   []byte // without port
	path   []byte
	method methodSet
	ip     netip.Addr
	ipOK   bool

	// caps[:ncaps] are the values a RadixTree pattern captured, as
	// offsets into path; the array is the request state's.
	caps  []paramSpan
	ncaps int

	// Conditions that failed, for the status without a winner.
	ipMismatch, hqMismatch, methodMismatch bool
	// dependent is set once the search evaluated an IP filter, a header
	// or a query condition: its outcome then depends on more than host,
	// method and path, and is not cached.
	dependent bool
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
	for i := range r.rules {
		ru := &r.rules[i]
		if !ru.matchHost(in.host) {
			continue
		}
		if ru.ipFilter != nil {
			in.dependent = true
			if !ru.ipFilter.allows(in.ip, in.ipOK) {
				in.ipMismatch = true
				continue
			}
		}
		if ru.tree != nil {
			if p := ru.tree.search(ru.paths, in); p != nil {
				return p, 0
			}
			continue
		}
		for j := range ru.paths {
			if p := &ru.paths[j]; p.matchPath(in.path) && p.admit(in) {
				return p, 0
			}
		}
	}
	switch {
	case in.ipMismatch:
		return nil, statusForbidden
	case in.hqMismatch:
		return nil, statusBadRequest
	case in.methodMismatch:
		return nil, statusMethodNotAllowed
	}
	return nil, statusNotFound
}

// admit checks a route whose path matched against the rest of the
// request: methods, headers, queries, then the path IP filter. A failed
// condition is recorded in in.
func (p *route) admit(in *routeInput) bool {
	if p.methods != 0 && in.method&p.methods == 0 {
		in.methodMismatch = true
		return false
	}
	if len(p.headers) > 0 {
		in.dependent = true
		if !headersMatch(p.headers, p.matchAllHeader, &in.ctx.Request.Header) {
			in.hqMismatch = true
			return false
		}
	}
	if len(p.queries) > 0 {
		in.dependent = true
		if !queriesMatch(p.queries, p.matchAllQuery, in.ctx.QueryArgs()) {
			in.hqMismatch = true
			return false
		}
	}
	if p.ipFilter != nil {
		in.dependent = true
		if !p.ipFilter.allows(in.ip, in.ipOK) {
			in.ipMismatch = true
			return false
		}
	}
	return true
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
