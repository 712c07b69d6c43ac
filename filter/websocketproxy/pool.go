package websocketproxy

import (
	"math/rand/v2"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// pool is one compiled pool of a WebSocketProxy generation; immutable.
type pool struct {
	spec    *PoolSpec
	name    string
	matcher *proxy.RequestMatcher
	servers []*server
	lb      *balancer
	// sticky keeps clients on one server, or is nil.
	sticky *backend.Sticky[*server]
	// clientLimit and serverLimit are the read limits of the two sides
	// (0: unlimited, as the websocket library counts).
	clientLimit int64
	serverLimit int64
	origins     []string
	// checker probes the servers; nil without health check.
	checker *healthChecker
}

// server is one upstream server of a pool.
type server struct {
	spec *proxy.ServerSpec
	url  *serverURL
	// useClientHost keeps the client's Host: keepHost, or an IP URL.
	useClientHost bool
	healthy       atomic.Bool

	active   atomic.Int64
	sessions atomic.Uint64
	failures atomic.Uint64
}

// Healthy implements backend.StickyServer.
func (s *server) Healthy() bool { return s.healthy.Load() }

// StickyKey implements backend.StickyServer: the server URL.
func (s *server) StickyKey() string { return s.spec.URL }

// pick returns the server for a new connection: the one a sticky session
// keeps the client on, else the load balancer's choice; nil when no
// server is healthy.
func (p *pool) pick(req *httpprot.Request) *server {
	if p.sticky != nil {
		if s, ok := p.sticky.Pick(&req.Header); ok {
			return s
		}
	}
	return p.lb.pick(req)
}

// newPool compiles a validated pool spec. prevHealth seeds the health of
// servers known to the previous generation.
func newPool(name string, spec *PoolSpec, prevHealth map[string]bool) (*pool, error) {
	p := &pool{
		spec:        spec,
		name:        name,
		clientLimit: readLimit(spec.ClientMaxMsgSize),
		serverLimit: readLimit(spec.ServerMaxMsgSize),
		origins:     spec.OriginPatterns,
	}
	if spec.Filter != nil {
		m, err := proxy.NewRequestMatcher(spec.Filter)
		if err != nil {
			return nil, adapt.At("filter", err)
		}
		p.matcher = m
	}
	for _, ss := range spec.taggedServers() {
		u, err := parseServerURL(ss.URL)
		if err != nil {
			return nil, fieldError("servers", "%v", err)
		}
		s := &server{spec: ss, url: u, useClientHost: ss.KeepHost || u.isIP}
		healthy, known := prevHealth[ss.URL]
		s.healthy.Store(!known || healthy)
		p.servers = append(p.servers, s)
	}
	p.lb = newBalancer(spec.LoadBalance, p.servers)
	if lb := spec.LoadBalance; lb != nil && lb.StickySession != nil {
		p.sticky = backend.NewSticky(lb.StickySession.Config(), p.servers)
	}
	if hc := spec.healthCheck(); hc != nil {
		c, err := newHealthChecker(hc, p.servers)
		if err != nil {
			return nil, adapt.At("healthCheck", err)
		}
		p.checker = c
	}
	return p, nil
}

// readLimit turns a max message size into the library's read limit.
func readLimit(v int64) int64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return DefaultMaxMsgSize
	}
	return v
}

// balancer chooses a healthy server per connection.
type balancer struct {
	policy  string
	servers []*server
	cum     []int
	total   int
	hashKey []byte
	next    atomic.Uint64
}

// newBalancer compiles the load balancing of a pool; unknown policies are
// round robin.
func newBalancer(spec *proxy.LoadBalanceSpec, servers []*server) *balancer {
	b := &balancer{policy: proxy.PolicyRoundRobin, servers: servers}
	if spec == nil {
		return b
	}
	switch spec.Policy {
	case proxy.PolicyRandom, proxy.PolicyIPHash, proxy.PolicyHeaderHash, policyCookieHash:
		b.policy = spec.Policy
	case proxy.PolicyWeightedRandom:
		b.policy = proxy.PolicyRandom
		for _, s := range servers {
			b.total += s.spec.Weight
			b.cum = append(b.cum, b.total)
		}
		if b.total > 0 {
			b.policy = proxy.PolicyWeightedRandom
		}
	}
	b.hashKey = []byte(spec.HeaderHashKey)
	return b
}

// policyCookieHash hashes the request's Cookie header.
const policyCookieHash = "cookieHash"

// pick returns the server for req, or nil when none is healthy.
func (b *balancer) pick(req *httpprot.Request) *server {
	n := uint64(len(b.servers))
	if n == 0 {
		return nil
	}
	var i uint64
	switch b.policy {
	case proxy.PolicyRandom:
		i = rand.Uint64N(n)
	case proxy.PolicyWeightedRandom:
		r := rand.IntN(b.total)
		for j, c := range b.cum {
			if r < c {
				i = uint64(j)
				break
			}
		}
	case proxy.PolicyIPHash:
		i = uint64(backend.HashBytes(req.RealIPBytes()))
	case proxy.PolicyHeaderHash:
		i = uint64(backend.HashBytes(req.Header.PeekBytes(b.hashKey)))
	case policyCookieHash:
		i = uint64(backend.HashBytes(req.Header.Peek("Cookie")))
	default:
		i = b.next.Add(1) - 1
	}
	if s := b.servers[i%n]; s.healthy.Load() {
		return s
	}
	healthy := uint64(0)
	for _, s := range b.servers {
		if s.healthy.Load() {
			healthy++
		}
	}
	if healthy == 0 {
		return nil
	}
	k := i % healthy
	for _, s := range b.servers {
		if s.healthy.Load() {
			if k == 0 {
				return s
			}
			k--
		}
	}
	return nil
}
