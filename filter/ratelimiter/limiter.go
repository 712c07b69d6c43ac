package ratelimiter

import (
	"sync/atomic"
	"time"
)

// rate is a policy in the units the limiter works in.
type rate struct {
	period  int64 // limitRefreshPeriod, ns
	permits int64 // limitForPeriod
	timeout int64 // timeoutDuration, ns
}

func newRate(p *Policy) rate {
	return rate{
		period:  int64(p.refreshPeriod()),
		permits: int64(p.limitForPeriod()),
		timeout: int64(p.timeout()),
	}
}

// limiter hands out permits without a lock.
//
// Time since the rule's epoch is cut into cycles of one period. Permits
// are numbered: permit i belongs to cycle i/permits, so every cycle owns
// permits of its own. next is the number of the next permit to hand out.
// A request in cycle c takes permit max(next, c*permits): the permits of
// past cycles that nobody took are gone (a period's permits do not
// accumulate), and when the current cycle's permits are all taken the
// request reserves one of a later cycle and waits for that cycle to
// start, if the wait is within the policy's timeout. Taking a permit is
// one compare-and-swap of next.
type limiter struct {
	next atomic.Int64
}

// acquire takes a permit for a request arriving now ns after the epoch.
// It returns true and how long the request must wait for its permit's
// cycle (0 when the permit is of the current cycle), or false and how
// long a request would have had to wait when that is more than the
// timeout; nothing is taken then.
func (l *limiter) acquire(r *rate, now int64) (time.Duration, bool) {
	cycle := now / r.period
	first := cycle * r.permits
	for {
		next := l.next.Load()
		permit := max(next, first)
		var wait int64
		if c := permit / r.permits; c > cycle {
			wait = c*r.period - now
		}
		if wait > r.timeout {
			return time.Duration(wait), false
		}
		if l.next.CompareAndSwap(next, permit+1) {
			return time.Duration(wait), true
		}
	}
}

// idle reports whether the limiter took no permit of the cycle of now or
// of a later one: a fresh limiter would behave exactly the same, so it
// can be dropped.
func (l *limiter) idle(r *rate, now int64) bool {
	return l.next.Load() <= (now/r.period)*r.permits
}
