package circuitbreaker

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/registry"
)

func TestSpecDefaults(t *testing.T) {
	s, err := decode(`{}`)
	if err != nil {
		t.Fatal(err)
	}
	if *s != *DefaultSpec() || s.MinimumNumberOfCalls != 100 || s.SlowCallDurationThreshold.D() != time.Minute ||
		s.SlidingWindowType != CountBased || s.WaitDurationInOpenState.D() != time.Minute {
		t.Fatalf("defaults %+v", s)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, decode, `{"slidingWindowType": "TIME_BASED", "slidingWindowSize": 30, "failureRateThreshold": 40,
		"slowCallRateThreshold": 60, "slowCallDurationThreshold": "2s", "minimumNumberOfCalls": 20,
		"permittedNumberOfCallsInHalfOpenState": 3, "maxWaitDurationInHalfOpenState": "10s", "waitDurationInOpenState": "15s"}`)
	if s.SlidingWindowType != TimeBased || s.SlidingWindowSize != 30 || s.FailureRateThreshold != 40 || s.SlowCallRateThreshold != 60 ||
		s.SlowCallDurationThreshold.D() != 2*time.Second || s.MinimumNumberOfCalls != 20 || s.PermittedNumberOfCallsInHalfOpenState != 3 ||
		s.MaxWaitDurationInHalfOpenState.D() != 10*time.Second || s.WaitDurationInOpenState.D() != 15*time.Second {
		t.Fatalf("decoded %+v", s)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, decode, []filtertest.InvalidSpec{
		{"lower-case window type", `{"slidingWindowType": "count_based"}`, `slidingWindowType`},
		{"zero window", `{"slidingWindowSize": 0}`, `slidingWindowSize`},
		{"huge count window", `{"slidingWindowSize": 2000000}`, `slidingWindowSize: must be at most 1000000 calls`},
		{"huge time window", `{"slidingWindowType": "TIME_BASED", "slidingWindowSize": 100000}`, `slidingWindowSize: must be at most 86400 seconds`},
		{"failure rate 0", `{"failureRateThreshold": 0}`, `failureRateThreshold`},
		{"failure rate 101", `{"failureRateThreshold": 101}`, `failureRateThreshold`},
		{"slow rate 200", `{"slowCallRateThreshold": 200}`, `slowCallRateThreshold`},
		{"min calls 0", `{"minimumNumberOfCalls": 0}`, `minimumNumberOfCalls`},
		{"half-open calls 0", `{"permittedNumberOfCallsInHalfOpenState": 0}`, `permittedNumberOfCallsInHalfOpenState`},
		{"negative wait", `{"waitDurationInOpenState": "-1s"}`, `waitDurationInOpenState: must not be negative`},
		{"negative half-open wait", `{"maxWaitDurationInHalfOpenState": "-1s"}`, `maxWaitDurationInHalfOpenState: must not be negative`},
		{"bad duration", `{"slowCallDurationThreshold": "soon"}`, `slowCallDurationThreshold: must be a duration`},
		{"unknown field", `{"slidingWindow": 5}`, `unknown field "slidingWindow"`},
	})
}

func TestRegisteredInDefault(t *testing.T) {
	e, err := registry.Default.Lookup(registry.PolicyClass, KindName)
	if err != nil || e.Kind != Kind {
		t.Fatalf("CircuitBreaker not in registry.Default: %v", err)
	}
}
