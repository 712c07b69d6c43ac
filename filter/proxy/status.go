package proxy

import (
	"time"

	"github.com/gatewright/gatewright/filter/compression"
	"github.com/gatewright/gatewright/filter/policy/circuitbreaker"
)

// Status is the runtime status of a Proxy, served by the admin API. It
// holds no secrets: health check passwords are masked and mtls keys left
// out.
type Status struct {
	// Generation counts the configuration updates the filter went through.
	Generation uint64 `json:"generation"`
	// Pools lists the pools in spec order.
	Pools []PoolStatus `json:"pools"`
	// MirrorPool is the mirror pool, if any.
	MirrorPool *PoolStatus `json:"mirrorPool,omitempty"`
	// MirrorsDropped counts the request copies not mirrored (streamed
	// body, no healthy server, too many in flight).
	MirrorsDropped uint64 `json:"mirrorsDropped,omitempty"`
	// Compression counts the replies gzipped by the compression option.
	Compression *compression.Stats `json:"compression,omitempty"`
}

// PoolStatus is the status of one pool.
type PoolStatus struct {
	// Name is the pool's place in the spec: pools[i] or mirrorPool.
	Name string `json:"name"`
	// Main is true for the main pool.
	Main bool `json:"main"`
	// LoadBalance is the load balancing policy.
	LoadBalance string `json:"loadBalance"`
	// Timeout is the per-attempt timeout, if any.
	Timeout string `json:"timeout,omitempty"`
	// ServerMaxBodySize is the effective reply buffering cap (-1: stream).
	ServerMaxBodySize int64 `json:"serverMaxBodySize"`
	// HealthCheck is the health check, if any.
	HealthCheck *HealthCheckStatus `json:"healthCheck,omitempty"`
	// StickySession is the sticky session mode, if any.
	StickySession string `json:"stickySession,omitempty"`
	// Retry describes the retry policy and the tries made again.
	Retry *RetryStatus `json:"retry,omitempty"`
	// CircuitBreaker is the state of the pool's circuit breaker.
	CircuitBreaker *circuitbreaker.Status `json:"circuitBreaker,omitempty"`
	// MemoryCache describes the reply cache.
	MemoryCache *CacheStatus `json:"memoryCache,omitempty"`
	// Redirects counts the upstream redirects followed (maxRedirection).
	Redirects uint64 `json:"redirects,omitempty"`
	// RedirectsReturned counts the upstream redirects passed to the
	// client unfollowed while following is on: another host, a loop, the
	// limit reached, a cookie set, or a streamed body to resend.
	RedirectsReturned uint64 `json:"redirectsReturned,omitempty"`
	// Servers lists the servers.
	Servers []ServerStatus `json:"servers"`
}

// RetryStatus shows a pool's retry policy at work.
type RetryStatus struct {
	// Policy is the Retry policy's name.
	Policy string `json:"policy"`
	// Retries counts the tries made again since the generation started.
	Retries uint64 `json:"retries"`
}

// CacheStatus shows a pool's reply cache.
type CacheStatus struct {
	Entries int    `json:"entries"`
	Bytes   int64  `json:"bytes"`
	Hits    uint64 `json:"hits"`
	Misses  uint64 `json:"misses"`
	Stored  uint64 `json:"stored"`
	Evicted uint64 `json:"evicted"`
}

// HealthCheckStatus shows a pool's health check settings.
type HealthCheckStatus struct {
	Interval string `json:"interval"`
	Timeout  string `json:"timeout"`
	Fails    int    `json:"fails"`
	Passes   int    `json:"passes"`
	Method   string `json:"method"`
	URI      string `json:"uri"`
	Port     int    `json:"port,omitempty"`
	Username string `json:"username,omitempty"`
	// Password is "******" when a password is set.
	Password string `json:"password,omitempty"`
}

// ServerStatus is the status of one server.
type ServerStatus struct {
	URL      string   `json:"url"`
	Tags     []string `json:"tags,omitempty"`
	Weight   int      `json:"weight,omitempty"`
	KeepHost bool     `json:"keepHost,omitempty"`
	// Healthy is false while the health check holds the server down.
	Healthy bool `json:"healthy"`
	// Requests and Failures count requests sent and those that got no
	// reply (network error or timeout), since the connection pool was
	// created (it survives updates).
	Requests uint64 `json:"requests"`
	Failures uint64 `json:"failures"`
	// Connections is the number of open upstream connections.
	Connections int `json:"connections"`
	// Probes counts health probes; ConsecutiveFails, LastProbe and
	// LastProbeError describe the latest ones.
	Probes           uint64     `json:"probes,omitempty"`
	ConsecutiveFails int        `json:"consecutiveFails,omitempty"`
	LastProbe        *time.Time `json:"lastProbe,omitempty"`
	LastProbeError   string     `json:"lastProbeError,omitempty"`
}

// Status returns a Status.
func (p *Proxy) Status() any {
	st := &Status{Generation: p.gen, MirrorsDropped: p.mirrorsDropped.Load()}
	if p.compressor != nil {
		cs := p.compressor.Stats()
		st.Compression = &cs
	}
	for _, pl := range p.pools() {
		ps := pl.status()
		if pl == p.mirror {
			st.MirrorPool = &ps
			continue
		}
		st.Pools = append(st.Pools, ps)
	}
	return st
}

// status returns the pool's status.
func (p *pool) status() PoolStatus {
	ps := PoolStatus{
		Name:              p.name,
		Main:              p.matcher == nil,
		LoadBalance:       PolicyRoundRobin,
		ServerMaxBodySize: p.maxBody,
		Servers:           []ServerStatus{},
	}
	if lb := p.spec.LoadBalance; lb != nil && lb.Policy != "" {
		ps.LoadBalance = lb.Policy
	}
	if p.timeout > 0 {
		ps.Timeout = p.timeout.String()
	}
	if p.sticky != nil {
		ps.StickySession = p.stickyMode
	}
	if p.retry != nil {
		ps.Retry = &RetryStatus{Policy: p.retryName, Retries: p.retries.Load()}
	}
	ps.Redirects, ps.RedirectsReturned = p.redirects.Load(), p.redirectsReturned.Load()
	if p.breaker != nil {
		st := p.breaker.Status(p.breakerName)
		ps.CircuitBreaker = &st
	}
	if c := p.cache; c != nil {
		snap := c.snapshot()
		ps.MemoryCache = &CacheStatus{
			Entries: snap.entries,
			Bytes:   snap.bytes,
			Hits:    c.hits.Load(),
			Misses:  c.misses.Load(),
			Stored:  c.stored.Load(),
			Evicted: c.evicted.Load(),
		}
	}
	if p.checker != nil {
		hc := p.checker.check
		ps.HealthCheck = &HealthCheckStatus{
			Interval: hc.interval.String(),
			Timeout:  hc.timeout.String(),
			Fails:    hc.fails,
			Passes:   hc.passes,
			Method:   hc.method,
			URI:      hc.uri,
			Port:     hc.spec.Port,
			Username: hc.spec.Username,
		}
		if hc.spec.Password != "" {
			ps.HealthCheck.Password = "******"
		}
	}
	for _, s := range p.servers {
		ss := ServerStatus{
			URL:         s.spec.URL,
			Tags:        s.spec.Tags,
			Weight:      s.spec.Weight,
			KeepHost:    s.spec.KeepHost,
			Healthy:     s.healthy(),
			Requests:    s.up.requests.Load(),
			Failures:    s.up.failures.Load(),
			Connections: s.up.client.ConnsCount(),
		}
		if s.health != nil {
			fails, probes, last, lastErr := s.health.snapshot()
			ss.Probes, ss.ConsecutiveFails, ss.LastProbeError = probes, fails, lastErr
			if !last.IsZero() {
				ss.LastProbe = &last
			}
		}
		ps.Servers = append(ps.Servers, ss)
	}
	return ps
}
