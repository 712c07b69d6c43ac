package proxy

import (
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/filter/policy/circuitbreaker"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// Status codes set by the Proxy on failures.
const (
	statusClientClosed = 499
)

// pool is one upstream pool of a Proxy generation. It is immutable once
// built; the request path takes no lock.
type pool struct {
	spec *PoolSpec
	// name is the pool's place in the spec, e.g. pools[1] or mirrorPool.
	name    string
	matcher *requestMatcher
	servers []*server
	lb      *balancer
	timeout time.Duration
	maxBody int64
	// failure[code] is true for the statuses in failureCodes.
	failure [600]bool
	// checker probes the servers; nil without health check.
	checker *healthChecker
	// released is set once the pool dropped its references.
	released atomic.Bool

	// retry is the pool's Retry policy, or nil.
	retry     retrier
	retryName string
	// retries counts the tries made again.
	retries atomic.Uint64
	// breaker is the pool's circuit breaker, or nil; it may be shared
	// with the previous generation's pool of the same name.
	breaker     *circuitbreaker.Breaker
	breakerName string
	breakerSpec circuitbreaker.Spec
	// cache is the pool's reply cache, or nil.
	cache *memoryCache
	// sticky keeps clients on one server, or is nil.
	sticky *backend.Sticky[*server]
	// stickyMode is the sticky session mode, for status.
	stickyMode string

	// maxRedirects is the Proxy's maxRedirection: the upstream redirects
	// a try follows (redirect.go); always 0 for the mirror pool.
	maxRedirects int
	// redirects counts the redirects followed; redirectsReturned the 3xx
	// replies passed to the client unfollowed while following is on.
	redirects, redirectsReturned atomic.Uint64
}

// isFailure reports whether an upstream status is a failure code.
func (p *pool) isFailure(code int) bool {
	return code >= 0 && code < len(p.failure) && p.failure[code]
}

// try sends req to a server of the pool, following the upstream's
// redirects when maxRedirection allows, and puts the reply in the
// namespace response. It returns the filter result, and whether the reply
// came through a followed redirect. req itself is never redirected: the
// hops use a copy, so a retry or the cache sees the client's request.
func (p *pool) try(ctx *filter.Context, req *httpprot.Request) (result string, redirected bool) {
	var srv *server
	if p.sticky != nil {
		srv, _ = p.sticky.Pick(&req.Header)
	}
	if srv == nil {
		srv = p.lb.pick(req)
	}
	if srv == nil {
		ctx.NewResponse().SetStatusCode(fasthttp.StatusServiceUnavailable)
		return ResultInternalError, false
	}
	srv.prepare(req.Request)
	resp := ctx.NewResponse()
	var started time.Time
	streamed := false
	if p.maxRedirects > 0 {
		// The timeout bounds the whole try, redirects included; a
		// streamed body is gone once sent.
		started, streamed = time.Now(), req.IsBodyStream()
	}
	if err := srv.doObserved(ctx, req.Request, resp.Response, p.timeout); err != nil {
		return p.fail(resp, err), false
	}
	if p.maxRedirects > 0 && isRedirect(resp.StatusCode()) {
		var err error
		resp, redirected, err = p.followRedirects(ctx, req, resp, srv, started, streamed)
		if err != nil {
			return p.fail(resp, err), redirected
		}
	}
	cleanResponse(resp.Response)
	if p.isFailure(resp.StatusCode()) {
		return ResultFailureCode, redirected
	}
	if p.sticky != nil {
		p.sticky.Replied(srv, &resp.Header)
	}
	return "", redirected
}

// fail maps a request error to a status and a result.
func (p *pool) fail(resp *httpprot.Response, err error) string {
	resp.Reset()
	var gone clientGoneError
	var bodyErr replyReadError
	switch {
	case errors.As(err, &gone):
		resp.SetStatusCode(statusClientClosed)
		return ResultClientError
	case p.timeout > 0 && isTimeout(err):
		resp.SetStatusCode(fasthttp.StatusRequestTimeout)
		return ResultTimeout
	case errors.As(err, &bodyErr):
		resp.SetStatusCode(fasthttp.StatusInternalServerError)
		return ResultInternalError
	}
	resp.SetStatusCode(fasthttp.StatusServiceUnavailable)
	return ResultServerError
}

// isTimeout reports whether err is a timeout of fasthttp or the network.
func isTimeout(err error) bool {
	if errors.Is(err, fasthttp.ErrTimeout) || errors.Is(err, fasthttp.ErrDialTimeout) ||
		errors.Is(err, fasthttp.ErrTLSHandshakeTimeout) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// builder assembles the pools of a generation, taking over the upstreams
// and health states of the previous generation where URL and settings
// are unchanged.
type builder struct {
	gen uint64
	cs  clientSettings
	// maxRedirects is the Proxy's maxRedirection.
	maxRedirects int

	prevUp     map[string]*upstream
	prevHealth map[string]*healthState
	// prevHealthy holds the health of the previous generation's servers
	// by URL, to seed new health states of a changed check.
	prevHealthy map[string]bool
	// prevCache holds the previous generation's caches by identity.
	prevCache map[string]*memoryCache

	ups     map[string]*upstream
	healths map[string]*healthState
	// probed holds the health states already given to a pool's checker.
	probed map[*healthState]bool
}

// newBuilder prepares a builder; prev may be nil.
func newBuilder(gen uint64, cs clientSettings, maxRedirects int, prev *Proxy) *builder {
	b := &builder{
		gen:          gen,
		cs:           cs,
		maxRedirects: maxRedirects,
		prevUp:       map[string]*upstream{},
		prevHealth:   map[string]*healthState{},
		prevHealthy:  map[string]bool{},
		prevCache:    map[string]*memoryCache{},
		ups:          map[string]*upstream{},
		healths:      map[string]*healthState{},
		probed:       map[*healthState]bool{},
	}
	if prev != nil {
		for _, pl := range prev.pools() {
			if pl.cache != nil {
				b.prevCache[pl.cache.identity] = pl.cache
			}
			for _, s := range pl.servers {
				b.prevUp[s.up.key] = s.up
				if s.health != nil {
					b.prevHealth[s.health.key] = s.health
					b.prevHealthy[s.spec.URL] = s.health.healthy.Load()
				}
			}
		}
	}
	return b
}

// build compiles one pool spec. On error nothing stays acquired.
func (b *builder) build(name string, spec *PoolSpec, proxyMaxBody int64) (*pool, error) {
	p := &pool{spec: spec, name: name, timeout: spec.Timeout.D()}
	if spec.Filter != nil {
		m, err := newRequestMatcher(spec.Filter)
		if err != nil {
			return nil, adapt.At("filter", err)
		}
		p.matcher = m
	}
	p.maxBody = spec.ServerMaxBodySize
	if p.maxBody == 0 {
		p.maxBody = proxyMaxBody
	}
	if p.maxBody == 0 {
		p.maxBody = DefaultServerMaxBodySize
	}
	if len(spec.FailureCodes) == 0 {
		for c := 500; c <= 599; c++ {
			p.failure[c] = true
		}
	}
	for _, c := range spec.FailureCodes {
		p.failure[c] = true
	}
	var check *healthCheck
	if hs := spec.healthCheck(); hs != nil {
		hc, err := newHealthCheck(hs)
		if err != nil {
			return nil, adapt.At("healthCheck", err)
		}
		check = hc
	}
	cs := b.cs
	cs.maxBody = p.maxBody
	var probed []*healthState
	for _, ss := range spec.taggedServers() {
		u, err := parseServerURL(ss.URL)
		if err != nil {
			p.release()
			return nil, fieldError("servers", "%v", err)
		}

		srv := &server{
			spec:          ss,
			url:           u,
			up:            b.upstream(ss.URL, u, &cs),
			hostHeader:    []byte(u.host),
			useClientHost: ss.KeepHost || (u.isIP && !spec.SetUpstreamHost),
			scheme:        "http",
			spanName:      spec.SpanName,
		}
		if u.tls {
			srv.scheme = "https"
		}
		if check != nil {
			srv.health = b.health(ss.URL, u, check)
			if !b.probed[srv.health] {
				b.probed[srv.health] = true
				probed = append(probed, srv.health)
			}
		}
		p.servers = append(p.servers, srv)
	}
	p.lb = newBalancer(spec.LoadBalance, p.servers)
	if lb := spec.LoadBalance; lb != nil && lb.StickySession != nil {
		p.sticky = backend.NewSticky(lb.StickySession.Config(), p.servers)
		p.stickyMode = lb.StickySession.Mode
	}
	if spec.MemoryCache != nil {
		p.cache = b.cache(name, spec, p.servers)
	}
	if check != nil && len(probed) > 0 {
		p.checker = &healthChecker{gen: b.gen, check: check, states: probed}
	}
	return p, nil
}

// upstream returns the connection pool of a server with one reference
// taken: shared within the generation, taken over from the previous one,
// or new.
func (b *builder) upstream(rawURL string, u *serverURL, cs *clientSettings) *upstream {
	key := upstreamKey(rawURL, cs)
	if up := b.ups[key]; up != nil && up.acquire() {
		return up
	}
	if up := b.prevUp[key]; up != nil && up.acquire() {
		b.ups[key] = up
		return up
	}
	up := newUpstream(key, u, cs)
	b.ups[key] = up
	return up
}

// health returns the health state of a server under a check with one
// reference taken, shared or taken over like upstream. A new state of a
// server whose check changed starts with the server's previous health.
func (b *builder) health(rawURL string, u *serverURL, check *healthCheck) *healthState {
	key := rawURL + "|" + check.fingerprint + "|tls=" + b.cs.tlsKey
	if st := b.healths[key]; st != nil && st.acquire() {
		return st
	}
	if st := b.prevHealth[key]; st != nil && st.acquire() {
		b.healths[key] = st
		return st
	}
	st := newHealthState(key, u, check, &b.cs)
	if healthy, ok := b.prevHealthy[rawURL]; ok {
		st.healthy.Store(healthy)
	}
	b.healths[key] = st
	return st
}

// cache returns the reply cache of a pool with one reference taken: the
// previous generation's when the pool kept its cache identity, or new.
func (b *builder) cache(name string, spec *PoolSpec, servers []*server) *memoryCache {
	id := cacheIdentity(name, spec.MemoryCache, servers, spec.FailureCodes, b.maxRedirects, b.cs.tlsKey)
	if c := b.prevCache[id]; c != nil && c.acquire() {
		return c
	}
	return newMemoryCache(id, spec.MemoryCache)
}

// release drops the references the pool holds, once.
func (p *pool) release() {
	if !p.released.CompareAndSwap(false, true) {
		return
	}
	for _, s := range p.servers {
		s.up.release()
		if s.health != nil {
			s.health.release()
		}
	}
	if p.cache != nil {
		p.cache.release()
	}
}
