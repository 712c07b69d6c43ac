package circuitbreaker

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

// decode decodes the policy's own fields through a registry holding only
// the CircuitBreaker kind, as a pipeline does.
func decode(fields string) (*Spec, error) {
	body, err := filtertest.DecodePolicy(Kind, fields)
	if err != nil {
		return nil, err
	}
	return body.(*Spec), nil
}

// clock is a test clock that moves only when told.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// newTestBreaker decodes fields into a policy and returns a breaker on a
// test clock.
func newTestBreaker(t *testing.T, fields string) (*Breaker, *clock) {
	t.Helper()
	s, err := decode(fields)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New("cb", s)
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	return newBreaker(&p.(*Policy).cfg, c.now), c
}

// call makes one call through b taking d on clk; it reports whether the
// breaker let it through.
func call(b *Breaker, clk *clock, failed bool, d time.Duration) bool {
	p, ok := b.Acquire()
	if !ok {
		return false
	}
	clk.advance(d)
	b.Done(p, failed)
	return true
}

func wantState(t *testing.T, b *Breaker, want State) {
	t.Helper()
	if got := b.State(); got != want {
		t.Fatalf("state %v, want %v (status %+v)", got, want, b.Status("cb"))
	}
}
