package proxy

import (
	"io"
	"strconv"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/policy/circuitbreaker"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// retrier is what a pool needs of a Retry policy (*retry.Policy).
type retrier interface {
	// Attempts returns the tries a request with this method gets.
	Attempts(method []byte) int
	// Pause returns the wait after the n-th failed try.
	Pause(failures int) time.Duration
	// MaxReplayBodySize bounds the streamed bodies buffered for replay.
	MaxReplayBodySize() int64
}

// breakerPolicy is what a pool needs of a CircuitBreaker policy
// (*circuitbreaker.Policy).
type breakerPolicy interface {
	filter.Policy
	// NewBreaker returns a new closed breaker.
	NewBreaker() *circuitbreaker.Breaker
	// Spec returns the policy's settings, to tell whether a breaker of the
	// previous generation can be kept.
	Spec() circuitbreaker.Spec
}

// poolPolicies are the resolved resilience policies of one pool.
type poolPolicies struct {
	retry       retrier
	retryName   string
	breaker     breakerPolicy
	breakerName string
}

// resolvePolicies looks the pools' policy names up in the pipeline: they
// must exist, have the right kind and be usable by a Proxy. It returns the
// policies of each pool, the mirror pool last.
func (p *Proxy) resolvePolicies() ([]poolPolicies, error) {
	pools := make([]*PoolSpec, 0, len(p.spec.Pools)+1)
	names := make([]string, 0, len(p.spec.Pools)+1)
	for i, ps := range p.spec.Pools {
		pools = append(pools, ps)
		names = append(names, "pools["+strconv.Itoa(i)+"]")
	}
	if p.spec.MirrorPool != nil {
		pools = append(pools, p.spec.MirrorPool)
		names = append(names, "mirrorPool")
	}
	out := make([]poolPolicies, len(pools))
	for i, ps := range pools {
		if ps.RetryPolicy != "" {
			pol, err := p.lookupPolicy(names[i], "retryPolicy", ps.RetryPolicy, retryKind)
			if err != nil {
				return nil, err
			}
			r, ok := pol.(retrier)
			if !ok {
				return nil, fieldError(names[i]+".retryPolicy", "policy %q (%T) cannot drive a Proxy pool's retries", ps.RetryPolicy, pol)
			}
			out[i].retry, out[i].retryName = r, ps.RetryPolicy
		}
		if ps.CircuitBreakerPolicy != "" {
			pol, err := p.lookupPolicy(names[i], "circuitBreakerPolicy", ps.CircuitBreakerPolicy, circuitBreakerKind)
			if err != nil {
				return nil, err
			}
			b, ok := pol.(breakerPolicy)
			if !ok {
				return nil, fieldError(names[i]+".circuitBreakerPolicy", "policy %q (%T) cannot drive a Proxy pool's circuit breaker", ps.CircuitBreakerPolicy, pol)
			}
			out[i].breaker, out[i].breakerName = b, ps.CircuitBreakerPolicy
		}
	}
	return out, nil
}

// lookupPolicy finds a policy of the pipeline and checks its kind.
func (p *Proxy) lookupPolicy(path, field, name, kind string) (filter.Policy, error) {
	env := p.Spec().Env
	if env == nil || env.Policies == nil {
		return nil, fieldError(path+"."+field, "policy %q: the pipeline declares no resilience policies", name)
	}
	pol, ok := env.Policies.Policy(name)
	if !ok {
		return nil, fieldError(path+"."+field, "policy %q is not declared in the pipeline's resilience list", name)
	}
	if k := pol.Kind(); k != nil && k.Name != kind {
		return nil, fieldError(path+"."+field, "policy %q is a %s, not a %s", name, k.Name, kind)
	}
	return pol, nil
}

// attachPolicies gives each pool its policies. A pool keeps the breaker
// of the pool of the same name in prev when that used a policy with the
// same settings, so an unrelated update does not close an open breaker.
func attachPolicies(pools []*pool, policies []poolPolicies, prev *Proxy) {
	prevPools := map[string]*pool{}
	if prev != nil {
		for _, pl := range prev.pools() {
			prevPools[pl.name] = pl
		}
	}
	for i, pl := range pools {
		pp := policies[i]
		pl.retry, pl.retryName = pp.retry, pp.retryName
		if pp.breaker == nil {
			continue
		}
		pl.breakerName = pp.breakerName
		pl.breakerSpec = pp.breaker.Spec()
		if old := prevPools[pl.name]; old != nil && old.breaker != nil && old.breakerSpec == pl.breakerSpec {
			pl.breaker = old.breaker
			continue
		}
		pl.breaker = pp.breaker.NewBreaker()
	}
}

// forward sends req to the pool: from the cache when it holds the reply,
// otherwise through the circuit breaker (if any) and the retries (if any)
// to a server. It returns the filter result.
func (p *pool) forward(ctx *filter.Context, req *httpprot.Request) string {
	if p.cache != nil && p.cache.serve(ctx, req) {
		return ""
	}
	var permit circuitbreaker.Permit
	if p.breaker != nil {
		var ok bool
		if permit, ok = p.breaker.Acquire(); !ok {
			resp := ctx.NewResponse()
			resp.SetStatusCode(fasthttp.StatusServiceUnavailable)
			return ResultShortCircuited
		}
	}
	result, redirected := p.tries(ctx, req)
	if p.breaker != nil {
		// A client that went away says nothing about the upstream.
		p.breaker.Done(permit, result != "" && result != ResultClientError)
	}
	// A reply reached through a redirect is not stored under the
	// client's URL: the redirect may be temporary.
	if result == "" && !redirected && p.cache != nil {
		p.cache.store(req, ctx.Response())
	}
	return result
}

// tries sends req once, or as often as the retry policy allows while the
// tries fail. A client that went away is not retried. It returns the
// result of the last try and whether its reply came through a redirect.
func (p *pool) tries(ctx *filter.Context, req *httpprot.Request) (string, bool) {
	n := 1
	if p.retry != nil {
		n = p.retry.Attempts(req.Header.Method())
		if n > 1 {
			replayable, gone := p.makeReplayable(req)
			if gone {
				resp := ctx.NewResponse()
				resp.SetStatusCode(statusClientClosed)
				return ResultClientError, false
			}
			if !replayable {
				n = 1
			}
		}
	}
	for i := 1; ; i++ {
		result, redirected := p.try(ctx, req)
		if result == "" || result == ResultClientError || i >= n {
			return result, redirected
		}
		p.retries.Add(1)
		if d := p.retry.Pause(i); d > 0 {
			time.Sleep(d)
		}
	}
}

// makeReplayable makes sure the request body can be sent again: a body in
// memory can; a streamed body of known length up to the policy's
// maxReplayBodySize is read into memory; any other streamed body cannot.
// gone reports that reading the body failed (the client went away).
func (p *pool) makeReplayable(req *httpprot.Request) (replayable, gone bool) {
	stream := req.BodyStream()
	if stream == nil {
		return true, false
	}
	cl := req.Header.ContentLength()
	if cl < 0 || int64(cl) > p.retry.MaxReplayBodySize() {
		return false, false
	}
	body := make([]byte, cl)
	if _, err := io.ReadFull(stream, body); err != nil {
		_ = req.CloseBodyStream()
		return false, true
	}
	req.SetBodyRaw(body)
	return true, false
}

// Validate checks, when the pipeline is loaded, that the pools' policy
// names exist in the pipeline with the right kinds, so that a bad
// reference is refused before anything starts.
func (p *Proxy) Validate() error {
	if p.spec == nil {
		return nil
	}
	_, err := p.resolvePolicies()
	return err
}
