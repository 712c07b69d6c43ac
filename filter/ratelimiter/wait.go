package ratelimiter

import (
	"sync"
	"time"

	"github.com/gatewright/gatewright/filter"
)

// timerPool recycles the timers that delayed requests wait on, so that a
// wait does not allocate a timer.
type timerPool struct {
	p sync.Pool // *time.Timer, stopped
}

// wait parks the request's goroutine for d, or less when the server that
// received the request shuts down.
func (tp *timerPool) wait(ctx *filter.Context, d time.Duration) {
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
