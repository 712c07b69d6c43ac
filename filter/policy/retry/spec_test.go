package retry

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/registry"
)

// decode decodes the policy's own fields through a registry holding only
// the Retry kind, as a pipeline does.
func decode(fields string) (*Spec, error) {
	body, err := filtertest.DecodePolicy(Kind, fields)
	if err != nil {
		return nil, err
	}
	return body.(*Spec), nil
}

func TestSpecDefaults(t *testing.T) {
	s, err := decode(`{}`)
	if err != nil {
		t.Fatal(err)
	}
	want := Spec{MaxAttempts: 3, WaitDuration: registry.Duration(500 * time.Millisecond), BackOffPolicy: "random", MaxReplayBodySize: 1 << 20}
	if *s != want {
		t.Fatalf("defaults %+v, want %+v", *s, want)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, decode, `{"maxAttempts": 4, "waitDuration": "200ms", "backOffPolicy": "exponential",
		"randomizationFactor": 0.25, "retryNonIdempotent": true, "maxReplayBodySize": 0}`)
	if s.MaxAttempts != 4 || s.WaitDuration.D() != 200*time.Millisecond || s.BackOffPolicy != BackOffExponential ||
		s.RandomizationFactor != 0.25 || !s.RetryNonIdempotent || s.MaxReplayBodySize != 0 {
		t.Fatalf("decoded %+v", s)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, decode, []filtertest.InvalidSpec{
		{"zero attempts", `{"maxAttempts": 0}`, `maxAttempts`},
		{"too many attempts", `{"maxAttempts": 101}`, `maxAttempts`},
		{"upper-case back-off", `{"backOffPolicy": "EXPONENTIAL"}`, `backOffPolicy`},
		{"unknown back-off", `{"backOffPolicy": "linear"}`, `backOffPolicy`},
		{"factor above 1", `{"randomizationFactor": 1.5}`, `randomizationFactor`},
		{"negative factor", `{"randomizationFactor": -0.1}`, `randomizationFactor`},
		{"bare number wait", `{"waitDuration": 5}`, `waitDuration`},
		{"bad wait", `{"waitDuration": "5 parsecs"}`, `waitDuration: must be a duration`},
		{"negative wait", `{"waitDuration": "-1s"}`, `waitDuration: must not be negative`},
		{"wait too long", `{"waitDuration": "1h"}`, `waitDuration: must be at most 5m0s`},
		{"negative replay bound", `{"maxReplayBodySize": -1}`, `maxReplayBodySize`},
		{"unknown field", `{"maxAttempt": 2}`, `unknown field "maxAttempt"`},
	})
}
