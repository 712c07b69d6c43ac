package circuitbreaker

import (
	"fmt"
	"time"

	"github.com/gatewright/gatewright/filter"
)

// KindName is the kind of the CircuitBreaker policy in specs.
const KindName = "CircuitBreaker"

func init() {
	filter.RegisterPolicy(Kind)
}

// Kind is the CircuitBreaker policy kind.
var Kind = &filter.PolicyKind{
	Name:        KindName,
	Description: "Stops calling an upstream that keeps failing or is slow, and probes it before trusting it again.",
	DefaultSpec: func() any { return DefaultSpec() },
	New:         New,
}

// Policy is a CircuitBreaker policy declared in a pipeline: a template
// from which each pool that names it makes its own Breaker.
type Policy struct {
	name string
	spec Spec
	cfg  config
}

var _ filter.Policy = (*Policy)(nil)

// config is the spec in the units the breaker works with.
type config struct {
	timeBased     bool
	windowSize    uint32
	minCalls      int64
	failureRate   int64
	slowRate      int64
	slowDuration  time.Duration
	halfOpenCalls int64
	maxHalfOpen   time.Duration
	waitOpen      time.Duration
}

// New creates a CircuitBreaker policy from its decoded spec (a *Spec).
func New(name string, spec any) (filter.Policy, error) {
	s, ok := spec.(*Spec)
	if !ok || s == nil {
		return nil, fmt.Errorf("circuit breaker policy %q: spec is %T, want *circuitbreaker.Spec", name, spec)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	cfg := config{
		timeBased:     s.SlidingWindowType == TimeBased,
		windowSize:    s.SlidingWindowSize,
		minCalls:      int64(s.MinimumNumberOfCalls),
		failureRate:   int64(s.FailureRateThreshold),
		slowRate:      int64(s.SlowCallRateThreshold),
		slowDuration:  s.SlowCallDurationThreshold.D(),
		halfOpenCalls: int64(s.PermittedNumberOfCallsInHalfOpenState),
		maxHalfOpen:   s.MaxWaitDurationInHalfOpenState.D(),
		waitOpen:      s.WaitDurationInOpenState.D(),
	}
	if !cfg.timeBased && cfg.minCalls > int64(cfg.windowSize) {
		// A count window never holds more calls than its size.
		cfg.minCalls = int64(cfg.windowSize)
	}
	return &Policy{name: name, spec: *s, cfg: cfg}, nil
}

// Name returns the policy's name in its pipeline.
func (p *Policy) Name() string { return p.name }

// Kind returns the CircuitBreaker kind.
func (p *Policy) Kind() *filter.PolicyKind { return Kind }

// Spec returns a copy of the policy's spec.
func (p *Policy) Spec() Spec { return p.spec }

// NewBreaker returns a new, closed breaker following the policy.
func (p *Policy) NewBreaker() *Breaker {
	return newBreaker(&p.cfg, time.Now)
}
