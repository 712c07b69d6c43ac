package circuitbreaker

import (
	"sync/atomic"
	"time"
)

// State is a breaker state.
type State int32

// Breaker states.
const (
	Closed State = iota
	Open
	HalfOpen
)

// String returns the state's name as resilience4j and Easegress write it.
func (s State) String() string {
	switch s {
	case Closed:
		return "CLOSED"
	case Open:
		return "OPEN"
	case HalfOpen:
		return "HALF_OPEN"
	}
	return "UNKNOWN"
}

// phase is one stay in a state. It is immutable apart from its counters;
// a transition replaces the breaker's phase with a new one.
type phase struct {
	state State
	since time.Time
	// window records outcomes while CLOSED.
	window window
	// permitted counts the trial calls handed out while HALF_OPEN;
	// trial holds their outcomes.
	permitted atomic.Int64
	trial     struct{ calls, failures, slow atomic.Int64 }
}

// Breaker is the circuit breaker of one pool. Its methods are safe for
// concurrent use, take no lock and do not allocate except on a state
// transition.
type Breaker struct {
	cfg *config
	now func() time.Time
	cur atomic.Pointer[phase]

	rejected    atomic.Uint64
	transitions atomic.Uint64
}

// newBreaker returns a closed breaker reading the time from now.
func newBreaker(cfg *config, now func() time.Time) *Breaker {
	b := &Breaker{cfg: cfg, now: now}
	b.cur.Store(&phase{state: Closed, since: now(), window: newWindow(cfg)})
	return b
}

// Permit is a call let through by Acquire. Report its outcome with Done.
type Permit struct {
	ph    *phase
	start time.Time
}

// Acquire asks to make a call. It returns false, counting the refusal,
// while the breaker is OPEN or while HALF_OPEN has handed out all its
// trial calls.
func (b *Breaker) Acquire() (Permit, bool) {
	now := b.now()
	for {
		ph := b.cur.Load()
		switch ph.state {
		case Closed:
			return Permit{ph: ph, start: now}, true
		case Open:
			if now.Sub(ph.since) < b.cfg.waitOpen {
				b.rejected.Add(1)
				return Permit{}, false
			}
			b.transition(ph, HalfOpen, now)
		case HalfOpen:
			if b.cfg.maxHalfOpen > 0 && now.Sub(ph.since) >= b.cfg.maxHalfOpen {
				b.transition(ph, Open, now)
				continue
			}
			if ph.permitted.Add(1) > b.cfg.halfOpenCalls {
				b.rejected.Add(1)
				return Permit{}, false
			}
			return Permit{ph: ph, start: now}, true
		}
	}
}

// Done reports the outcome of a permitted call; the call's duration is
// measured from Acquire. Outcomes of calls permitted in an earlier phase
// are dropped.
func (b *Breaker) Done(p Permit, failed bool) {
	if p.ph == nil {
		return
	}
	now := b.now()
	slow := now.Sub(p.start) > b.cfg.slowDuration
	ph := p.ph
	if b.cur.Load() != ph {
		return
	}
	switch ph.state {
	case Closed:
		c := ph.window.record(now.Unix(), failed, slow)
		if c.calls >= b.cfg.minCalls && b.exceeds(c) {
			b.transition(ph, Open, now)
		}
	case HalfOpen:
		c := counts{calls: ph.trial.calls.Add(1)}
		if failed {
			c.failures = ph.trial.failures.Add(1)
		} else {
			c.failures = ph.trial.failures.Load()
		}
		if slow {
			c.slow = ph.trial.slow.Add(1)
		} else {
			c.slow = ph.trial.slow.Load()
		}
		if c.calls < b.cfg.halfOpenCalls {
			return
		}
		if b.exceeds(c) {
			b.transition(ph, Open, now)
		} else {
			b.transition(ph, Closed, now)
		}
	}
}

// exceeds reports whether the failure or slow-call rate of c reaches its
// threshold.
func (b *Breaker) exceeds(c counts) bool {
	if c.calls == 0 {
		return false
	}
	return c.failures*100 >= b.cfg.failureRate*c.calls || c.slow*100 >= b.cfg.slowRate*c.calls
}

// transition replaces from by a new phase in state to, unless another
// goroutine moved the breaker on first.
func (b *Breaker) transition(from *phase, to State, now time.Time) {
	next := &phase{state: to, since: now}
	if to == Closed {
		next.window = newWindow(b.cfg)
	}
	if b.cur.CompareAndSwap(from, next) {
		b.transitions.Add(1)
	}
}

// State returns the current state. An OPEN breaker whose wait is over
// shows OPEN until the next call moves it to HALF_OPEN.
func (b *Breaker) State() State { return b.cur.Load().state }
