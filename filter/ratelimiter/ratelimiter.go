package ratelimiter

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/timerpool"
	"github.com/valyala/fasthttp"
)

// KindName is the RateLimiter filter's kind name.
const KindName = "RateLimiter"

// ResultRateLimited is returned when a request found no permit in time;
// the response is then 429 Too Many Requests.
const ResultRateLimited = "rateLimited"

// Headers of a rate-limited response.
const (
	// HeaderRateLimiter is set to "too-many-requests", as in Easegress.
	HeaderRateLimiter = "X-EG-Rate-Limiter"
	// HeaderRetryAfter holds the seconds after which a permit is likely.
	HeaderRetryAfter = "Retry-After"
)

// Tag is added to the request's tags (the access log's {{Tags}}) when
// the request is limited.
const Tag = "rateLimiter: too many requests"

// Kind is the RateLimiter filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "RateLimiter caps the request rate per URL rule, optionally per header value or client IP; over the limit it replies 429.",
	Results:     []string{ResultRateLimited},
	DefaultSpec: func() any { return &Spec{} },
	New:         newRateLimiter,
}

func init() { filter.Register(Kind) }

// RateLimiter is a running RateLimiter filter.
type RateLimiter struct {
	filter.Base
	rules  []*rule
	err    error // from compiling the spec; reported by Validate and Init
	timers timerpool.Pool
}

var _ filter.Filter = (*RateLimiter)(nil)

var tooManyRequests = []byte("too-many-requests")

func newRateLimiter(spec *filter.Spec) filter.Filter {
	rl := &RateLimiter{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		rl.err = fmt.Errorf("ratelimiter: spec body is %T, want *ratelimiter.Spec", spec.Body)
		return rl
	}
	if rl.err = s.Validate(); rl.err != nil {
		return rl
	}
	policies := make(map[string]*Policy, len(s.Policies))
	for i := range s.Policies {
		policies[s.Policies[i].Name] = &s.Policies[i]
	}
	for i := range s.URLs {
		u := &s.URLs[i]
		ref := u.PolicyRef
		if ref == "" {
			ref = s.DefaultPolicyRef
		}
		r, err := compileRule(u, policies[ref])
		if err != nil {
			rl.err = adapt.At("urls["+strconv.Itoa(i)+"]", err)
			return rl
		}
		rl.rules = append(rl.rules, r)
	}
	return rl
}

// Validate reports a spec the filter could not be built from.
func (rl *RateLimiter) Validate() error { return rl.err }

// Init gives every URL rule fresh limiters.
func (rl *RateLimiter) Init() error {
	if rl.err != nil {
		return rl.err
	}
	for _, r := range rl.rules {
		r.start()
	}
	return nil
}

// Inherit takes over, for every URL rule that previous has too (same
// methods, URL condition, per-key settings and policy numbers), its
// limiters, their epoch and its counters, so a configuration update does
// not hand out a fresh period of permits. Other rules start fresh. The
// limiters are shared with previous until it is closed, which is safe:
// they take no lock.
func (rl *RateLimiter) Inherit(previous filter.Filter) error {
	if rl.err != nil {
		return rl.err
	}
	prev, _ := previous.(*RateLimiter)
	taken := map[*ruleState]bool{}
	for _, r := range rl.rules {
		r.start()
		if prev == nil {
			continue
		}
		for _, old := range prev.rules {
			if old.identity == r.identity && old.state != nil && !taken[old.state] {
				r.state = old.state
				taken[old.state] = true
				break
			}
		}
	}
	return nil
}

// Handle limits the request with the first URL rule that matches it.
// With a permit of the current period it returns "" at once; with one of
// a later period it waits for that period first (at most the policy's
// timeoutDuration, less if the server shuts down). Without a permit in
// time it replies 429 with Retry-After and returns ResultRateLimited.
func (rl *RateLimiter) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		return ""
	}
	method, path := req.Header.Method(), req.URI().Path()
	for _, r := range rl.rules {
		if !r.match(method, path) {
			continue
		}
		now := int64(time.Since(r.state.epoch))
		wait, ok := r.limiterFor(req, now).acquire(&r.rate, now)
		if !ok {
			r.state.limited.Add(1)
			reject(ctx, wait)
			return ResultRateLimited
		}
		if wait > 0 {
			r.state.delayed.Add(1)
			rl.timers.Wait(ctx, wait)
		}
		r.state.admitted.Add(1)
		return ""
	}
	return ""
}

// reject writes the 429 reply: Retry-After is the wait for the next
// permit rounded up to whole seconds, at least 1.
func reject(ctx *filter.Context, wait time.Duration) {
	ctx.AddTag(Tag)
	resp := ctx.NewResponse()
	resp.SetStatusCode(fasthttp.StatusTooManyRequests)
	resp.Header.SetBytesV(HeaderRateLimiter, tooManyRequests)
	secs := max(1, int64((wait+time.Second-1)/time.Second))
	var buf [20]byte
	resp.Header.SetBytesV(HeaderRetryAfter, strconv.AppendInt(buf[:0], secs, 10))
}
