package mock

import (
	"sync"
	"time"

	"github.com/gatewright/gatewright/filter"
)

// timerPool recycles the timers that delays wait on, so a delayed reply
// does not allocate one per request.
type timerPool struct {
	p sync.Pool // *time.Timer, stopped
}

// wait blocks for d, or less when the server that received the request
// shuts down. It parks the goroutine: no CPU is spent.
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
	// Since Go 1.23 a stopped timer's channel holds no stale value, so
	// the timer can be reset by the next user as it is.
	t.Stop()
	tp.p.Put(t)
}
