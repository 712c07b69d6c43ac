package retry

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gatewright/gatewright/filter"
)

// KindName is the kind of the Retry policy in specs.
const KindName = "Retry"

// exponentialBase is the growth of the pause per failure with the
// exponential back-off policy.
const exponentialBase = 1.5

func init() {
	filter.RegisterPolicy(Kind)
}

// Kind is the Retry policy kind.
var Kind = &filter.PolicyKind{
	Name:        KindName,
	Description: "Tries a failed upstream request again, with pauses between tries.",
	DefaultSpec: func() any { return DefaultSpec() },
	New:         New,
}

// Policy is a Retry policy declared in a pipeline. It holds no state: the
// Proxy pools that name it ask it how often and how long to wait.
type Policy struct {
	name string
	spec Spec
}

var _ filter.Policy = (*Policy)(nil)

// New creates a Retry policy from its decoded spec (a *Spec).
func New(name string, spec any) (filter.Policy, error) {
	s, ok := spec.(*Spec)
	if !ok || s == nil {
		return nil, fmt.Errorf("retry policy %q: spec is %T, want *retry.Spec", name, spec)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &Policy{name: name, spec: *s}, nil
}

// Name returns the policy's name in its pipeline.
func (p *Policy) Name() string { return p.name }

// Kind returns the Retry kind.
func (p *Policy) Kind() *filter.PolicyKind { return Kind }

// Spec returns a copy of the policy's spec.
func (p *Policy) Spec() Spec { return p.spec }

// MaxAttempts returns the number of tries, the first included.
func (p *Policy) MaxAttempts() int { return p.spec.MaxAttempts }

// MaxReplayBodySize returns the largest streamed request body that may be
// buffered to be replayed.
func (p *Policy) MaxReplayBodySize() int64 { return p.spec.MaxReplayBodySize }

// Attempts returns how many tries a request with this method gets: all of
// MaxAttempts for an idempotent method (or any method when
// retryNonIdempotent is set), one otherwise.
func (p *Policy) Attempts(method []byte) int {
	if p.spec.RetryNonIdempotent || Idempotent(method) {
		return p.spec.MaxAttempts
	}
	return 1
}

// Pause returns how long to wait after the failures-th failed try
// (failures >= 1) before the next one; never more than MaxWaitDuration.
func (p *Policy) Pause(failures int) time.Duration {
	base := float64(p.spec.WaitDuration)
	if p.spec.BackOffPolicy == BackOffExponential && failures > 1 {
		base *= math.Pow(exponentialBase, float64(failures-1))
	}
	if f := p.spec.RandomizationFactor; f > 0 && base > 0 {
		base = base * (1 - f + 2*f*rand.Float64())
	}
	if base > float64(MaxWaitDuration) {
		return MaxWaitDuration
	}
	return time.Duration(base)
}

// Idempotent reports whether an HTTP method is idempotent (RFC 9110
// section 9.2.2): GET, HEAD, OPTIONS, TRACE, PUT and DELETE.
func Idempotent(method []byte) bool {
	switch string(method) {
	case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE":
		return true
	}
	return false
}
