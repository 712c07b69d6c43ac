// Package timerpool lets built-in filters delay a request without
// allocating a timer for each wait. The Mock filter's reply delays and the
// RateLimiter's queued requests both wait through a Pool.
package timerpool

import (
	"sync"
	"time"

	"github.com/gatewright/gatewright/filter"
)

// Pool recycles the timers that delayed requests wait on. The zero value is
// ready to use; a Pool must not be copied after first use. It is safe for
// concurrent use.
type Pool struct {
	p sync.Pool // *time.Timer, stopped
}

// Wait parks the request's goroutine for d, or less when the server that
// received the request shuts down. No CPU is spent while it waits.
func (tp *Pool) Wait(ctx *filter.Context, d time.Duration) {
	t, _ := tp.p.Get().(*time.Timer)
	if t == nil {
		t = time.NewTimer(d)
	} else {
		t.Reset(d)
	}
	var shutdown <-chan struct{}
	if s := ctx.Server(); s != nil {
		shutdown = s.Done()
	}
	select {
	case <-t.C:
	case <-shutdown:
	}
	// A stopped timer's channel holds no stale value (Go 1.23 and
	// later), so the next user can reset it as it is.
	t.Stop()
	tp.p.Put(t)
}
