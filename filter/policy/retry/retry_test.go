package retry

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/registry"
)

func newPolicy(t *testing.T, fields string) *Policy {
	t.Helper()
	s, err := decode(fields)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New("r", s)
	if err != nil {
		t.Fatal(err)
	}
	return p.(*Policy)
}

func TestAttemptsOnlyForIdempotentMethods(t *testing.T) {
	p := newPolicy(t, `{"maxAttempts": 4}`)
	for _, m := range []string{"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"} {
		if n := p.Attempts([]byte(m)); n != 4 {
			t.Errorf("%s: %d attempts, want 4", m, n)
		}
	}
	for _, m := range []string{"POST", "PATCH", "CONNECT", "get", ""} {
		if n := p.Attempts([]byte(m)); n != 1 {
			t.Errorf("%s: %d attempts, want 1 (not idempotent)", m, n)
		}
	}
	all := newPolicy(t, `{"maxAttempts": 4, "retryNonIdempotent": true}`)
	if n := all.Attempts([]byte("POST")); n != 4 {
		t.Errorf("POST with retryNonIdempotent: %d attempts, want 4", n)
	}
}

func TestPauseRandom(t *testing.T) {
	p := newPolicy(t, `{"waitDuration": "100ms"}`)
	for n := 1; n < 5; n++ {
		if d := p.Pause(n); d != 100*time.Millisecond {
			t.Fatalf("pause after %d failures: %v, want 100ms", n, d)
		}
	}
	jitter := newPolicy(t, `{"waitDuration": "100ms", "randomizationFactor": 0.5}`)
	seen := map[time.Duration]bool{}
	for range 200 {
		d := jitter.Pause(1)
		if d < 50*time.Millisecond || d > 150*time.Millisecond {
			t.Fatalf("randomized pause %v outside [50ms, 150ms]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Fatalf("randomized pauses took only %d distinct values in 200 draws", len(seen))
	}
}

func TestPauseExponential(t *testing.T) {
	p := newPolicy(t, `{"waitDuration": "100ms", "backOffPolicy": "exponential"}`)
	want := []time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 225 * time.Millisecond, 337500 * time.Microsecond}
	for i, w := range want {
		if d := p.Pause(i + 1); d != w {
			t.Errorf("pause after %d failures: %v, want %v", i+1, d, w)
		}
	}
	if d := p.Pause(100); d != MaxWaitDuration {
		t.Errorf("pause after 100 failures: %v, want the cap %v", d, MaxWaitDuration)
	}
	none := newPolicy(t, `{"waitDuration": "0s", "backOffPolicy": "exponential", "randomizationFactor": 1}`)
	if d := none.Pause(3); d != 0 {
		t.Errorf("zero wait: pause %v", d)
	}
}

func TestNewRejectsForeignSpec(t *testing.T) {
	if _, err := New("r", &struct{}{}); err == nil || !strings.Contains(err.Error(), `retry policy "r"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestRegisteredInDefault(t *testing.T) {
	e, err := registry.Default.Lookup(registry.PolicyClass, KindName)
	if err != nil || e.Kind != Kind {
		t.Fatalf("Retry not in registry.Default: %v", err)
	}
	if _, err := e.Schema(); err != nil {
		t.Fatalf("schema: %v", err)
	}
}

func TestPauseDoesNotAllocate(t *testing.T) {
	p := newPolicy(t, `{"waitDuration": "10ms", "backOffPolicy": "exponential", "randomizationFactor": 0.3}`)
	method := []byte("GET")
	if n := testing.AllocsPerRun(100, func() { _ = p.Pause(3) + time.Duration(p.Attempts(method)) }); n != 0 {
		t.Fatalf("%v allocations per call", n)
	}
}
