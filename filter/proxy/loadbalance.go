package proxy

import (
	"math/rand/v2"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// Compiled load balancing policies.
const (
	lbRoundRobin = iota
	lbRandom
	lbWeightedRandom
	lbIPHash
	lbHeaderHash
	lbCookieHash
)

// balancer chooses a healthy server per request without allocating or
// locking: an atomic counter for round robin, the runtime's per-thread
// generator for the random policies, FNV-1a for the hash policies.
// Unhealthy servers are skipped; when none is healthy pick returns nil.
type balancer struct {
	policy  int
	servers []*server
	// cum holds the cumulative weights (weightedRandom with weights).
	cum     []int
	total   int
	hashKey []byte
	next    atomic.Uint64
}

// newBalancer compiles the load balancing of a pool.
func newBalancer(spec *LoadBalanceSpec, servers []*server) *balancer {
	b := &balancer{servers: servers}
	policy := ""
	if spec != nil {
		policy = spec.Policy
		b.hashKey = []byte(spec.HeaderHashKey)
	}
	switch policy {
	case PolicyRandom:
		b.policy = lbRandom
	case PolicyWeightedRandom:
		b.policy = lbRandom
		for _, s := range servers {
			b.total += s.spec.Weight
			b.cum = append(b.cum, b.total)
		}
		if b.total > 0 {
			b.policy = lbWeightedRandom
		}
	case PolicyIPHash:
		b.policy = lbIPHash
	case PolicyHeaderHash:
		b.policy = lbHeaderHash
	case PolicyCookieHash:
		b.policy = lbCookieHash
	default:
		b.policy = lbRoundRobin
	}
	return b
}

// pick returns the server for req, or nil when no server is healthy.
func (b *balancer) pick(req *httpprot.Request) *server {
	n := uint64(len(b.servers))
	if n == 0 {
		return nil
	}
	var i uint64
	switch b.policy {
	case lbRoundRobin:
		i = b.next.Add(1) - 1
	case lbRandom:
		i = rand.Uint64N(n)
	case lbWeightedRandom:
		return b.weighted()
	case lbIPHash:
		i = uint64(backend.HashBytes(req.RealIPBytes()))
	case lbHeaderHash:
		i = uint64(backend.HashBytes(req.Header.PeekBytes(b.hashKey)))
	case lbCookieHash:
		i = uint64(backend.HashBytes(req.Header.Peek(fasthttp.HeaderCookie)))
	}
	if s := b.servers[i%n]; s.healthy() {
		return s
	}
	return b.nthHealthy(i)
}

// nthHealthy returns the (i mod healthy)-th healthy server, spreading the
// share of unhealthy servers evenly over the others.
func (b *balancer) nthHealthy(i uint64) *server {
	healthy := uint64(0)
	for _, s := range b.servers {
		if s.healthy() {
			healthy++
		}
	}
	if healthy == 0 {
		return nil
	}
	k := i % healthy
	for _, s := range b.servers {
		if !s.healthy() {
			continue
		}
		if k == 0 {
			return s
		}
		k--
	}
	return nil
}

// weighted draws a server with probability proportional to its weight,
// among the healthy ones.
func (b *balancer) weighted() *server {
	r := rand.IntN(b.total)
	lo, hi := 0, len(b.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if b.cum[mid] > r {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if s := b.servers[lo]; s.healthy() {
		return s
	}
	total := 0
	for _, s := range b.servers {
		if s.healthy() {
			total += s.spec.Weight
		}
	}
	if total == 0 {
		return nil
	}
	r = rand.IntN(total)
	for _, s := range b.servers {
		if !s.healthy() {
			continue
		}
		if r < s.spec.Weight {
			return s
		}
		r -= s.spec.Weight
	}
	return nil
}
