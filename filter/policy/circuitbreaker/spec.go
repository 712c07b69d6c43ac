package circuitbreaker

import (
	"strconv"
	"time"

	"github.com/gatewright/gatewright/registry"
)

// Sliding window types.
const (
	// CountBased windows hold the last slidingWindowSize calls.
	CountBased = "COUNT_BASED"
	// TimeBased windows hold the calls of the last slidingWindowSize
	// seconds.
	TimeBased = "TIME_BASED"
)

// Defaults and bounds of the CircuitBreaker spec.
const (
	// DefaultSlidingWindowSize is N: calls or seconds.
	DefaultSlidingWindowSize = 100
	// DefaultFailureRateThreshold is the failure percentage that opens.
	DefaultFailureRateThreshold = 50
	// DefaultSlowCallRateThreshold is the slow-call percentage that opens.
	DefaultSlowCallRateThreshold = 100
	// DefaultSlowCallDurationThreshold: slower calls are slow.
	DefaultSlowCallDurationThreshold = time.Minute
	// DefaultMinimumNumberOfCalls is the number of calls in the window
	// before the rates count.
	DefaultMinimumNumberOfCalls = 100
	// DefaultPermittedNumberOfCallsInHalfOpenState is the number of trial
	// calls.
	DefaultPermittedNumberOfCallsInHalfOpenState = 10
	// DefaultWaitDurationInOpenState is the time spent OPEN.
	DefaultWaitDurationInOpenState = time.Minute
	// MaxCountWindowSize bounds a COUNT_BASED window (one 4-byte slot per
	// call).
	MaxCountWindowSize = 1_000_000
	// MaxTimeWindowSize bounds a TIME_BASED window in seconds (one
	// 32-byte bucket per second): a day.
	MaxTimeWindowSize = 86_400
)

// Spec is the CircuitBreaker policy's own fields.
type Spec struct {
	// SlidingWindowType is COUNT_BASED or TIME_BASED.
	SlidingWindowType string `json:"slidingWindowType" jsonschema:"enum=COUNT_BASED,enum=TIME_BASED,default=COUNT_BASED,description=COUNT_BASED (last N calls) or TIME_BASED (last N seconds)"`
	// SlidingWindowSize is N, in calls or seconds.
	SlidingWindowSize uint32 `json:"slidingWindowSize" jsonschema:"minimum=1,default=100,description=N: calls (COUNT_BASED; at most 1000000) or seconds (TIME_BASED; at most 86400)"`
	// FailureRateThreshold opens the breaker at this failure percentage.
	FailureRateThreshold uint8 `json:"failureRateThreshold" jsonschema:"minimum=1,maximum=100,default=50,description=open at this failure percentage or more"`
	// SlowCallRateThreshold opens the breaker at this slow-call
	// percentage.
	SlowCallRateThreshold uint8 `json:"slowCallRateThreshold" jsonschema:"minimum=1,maximum=100,default=100,description=open at this slow-call percentage or more"`
	// SlowCallDurationThreshold: calls taking longer are slow.
	SlowCallDurationThreshold registry.Duration `json:"slowCallDurationThreshold" jsonschema:"description=calls taking longer are slow (default 1m)"`
	// MinimumNumberOfCalls is the number of calls in the window before
	// the rates are looked at.
	MinimumNumberOfCalls uint32 `json:"minimumNumberOfCalls" jsonschema:"minimum=1,default=100,description=calls in the window before the rates count"`
	// PermittedNumberOfCallsInHalfOpenState is the number of trial calls.
	PermittedNumberOfCallsInHalfOpenState uint32 `json:"permittedNumberOfCallsInHalfOpenState" jsonschema:"minimum=1,default=10,description=trial calls in HALF_OPEN"`
	// MaxWaitDurationInHalfOpenState reopens a breaker that stayed
	// HALF_OPEN this long; 0 waits for the trial calls however long.
	MaxWaitDurationInHalfOpenState registry.Duration `json:"maxWaitDurationInHalfOpenState,omitempty" jsonschema:"description=longest HALF_OPEN time before reopening (0: unbounded)"`
	// WaitDurationInOpenState is the time spent OPEN before HALF_OPEN.
	WaitDurationInOpenState registry.Duration `json:"waitDurationInOpenState" jsonschema:"description=time OPEN before HALF_OPEN (default 1m)"`
}

// DefaultSpec returns a spec holding the defaults.
func DefaultSpec() *Spec {
	return &Spec{
		SlidingWindowType:                     CountBased,
		SlidingWindowSize:                     DefaultSlidingWindowSize,
		FailureRateThreshold:                  DefaultFailureRateThreshold,
		SlowCallRateThreshold:                 DefaultSlowCallRateThreshold,
		SlowCallDurationThreshold:             registry.Duration(DefaultSlowCallDurationThreshold),
		MinimumNumberOfCalls:                  DefaultMinimumNumberOfCalls,
		PermittedNumberOfCallsInHalfOpenState: DefaultPermittedNumberOfCallsInHalfOpenState,
		WaitDurationInOpenState:               registry.Duration(DefaultWaitDurationInOpenState),
	}
}

// Validate checks what the schema cannot: bounds that depend on the window
// type, and durations.
func (s *Spec) Validate() error {
	var errs registry.FieldErrors
	fail := func(path, reason string) { errs = append(errs, registry.FieldError{Path: path, Reason: reason}) }
	switch s.SlidingWindowType {
	case CountBased:
		if s.SlidingWindowSize > MaxCountWindowSize {
			fail("slidingWindowSize", "must be at most "+strconv.Itoa(MaxCountWindowSize)+" calls")
		}
	case TimeBased:
		if s.SlidingWindowSize > MaxTimeWindowSize {
			fail("slidingWindowSize", "must be at most "+strconv.Itoa(MaxTimeWindowSize)+" seconds")
		}
	default:
		fail("slidingWindowType", strconv.Quote(s.SlidingWindowType)+" is not COUNT_BASED or TIME_BASED")
	}
	if s.SlidingWindowSize == 0 {
		fail("slidingWindowSize", "must be >= 1")
	}
	if s.FailureRateThreshold < 1 || s.FailureRateThreshold > 100 {
		fail("failureRateThreshold", "must be between 1 and 100")
	}
	if s.SlowCallRateThreshold < 1 || s.SlowCallRateThreshold > 100 {
		fail("slowCallRateThreshold", "must be between 1 and 100")
	}
	if s.MinimumNumberOfCalls == 0 {
		fail("minimumNumberOfCalls", "must be >= 1")
	}
	if s.PermittedNumberOfCallsInHalfOpenState == 0 {
		fail("permittedNumberOfCallsInHalfOpenState", "must be >= 1")
	}
	for _, d := range []struct {
		path string
		v    registry.Duration
	}{
		{"slowCallDurationThreshold", s.SlowCallDurationThreshold},
		{"maxWaitDurationInHalfOpenState", s.MaxWaitDurationInHalfOpenState},
		{"waitDurationInOpenState", s.WaitDurationInOpenState},
	} {
		if d.v < 0 {
			fail(d.path, "must not be negative")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
