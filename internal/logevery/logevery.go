// Package logevery keeps a recurring warning (an upstream that is down,
// say) from flooding the log: it lets one through per interval and counts
// the ones it held back, for the next to report.
package logevery

import (
	"sync"
	"time"
)

// Limiter lets one event through per interval. The zero value lets every
// event through; use New. It is safe for concurrent use.
type Limiter struct {
	every time.Duration

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// New returns a Limiter letting one event through per every.
func New(every time.Duration) *Limiter { return &Limiter{every: every} }

// Allow reports whether the event at now should be logged and, if so, how
// many events were held back since the last one logged.
func (l *Limiter) Allow(now time.Time) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		l.suppressed++
		return false, 0
	}
	suppressed, l.last, l.suppressed = l.suppressed, now, 0
	return true, suppressed
}
