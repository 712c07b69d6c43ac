package circuitbreaker

import (
	"sync"
	"sync/atomic"
)

// counts are the totals of a window or of a half-open trial.
type counts struct {
	calls, failures, slow int64
}

// window records call outcomes and keeps the totals of the calls it still
// holds.
type window interface {
	// record adds one outcome at sec (Unix seconds) and returns the totals
	// after it.
	record(sec int64, failed, slow bool) counts
	// totals returns the totals as of sec.
	totals(sec int64) counts
}

// newWindow returns the window a spec asks for.
func newWindow(cfg *config) window {
	if cfg.timeBased {
		return newTimeWindow(int64(cfg.windowSize))
	}
	return newCountWindow(int(cfg.windowSize))
}

// Slot bits of a count window.
const (
	slotUsed uint32 = 1 << iota
	slotFailed
	slotSlow
)

// countWindow holds the last len(slots) outcomes in a ring. Each record
// claims the next slot with an atomic counter and swaps its outcome in;
// the totals move by the difference between the new outcome and the one
// it replaced, so they always equal the sum over the slots once writers
// are done.
type countWindow struct {
	slots    []atomic.Uint32
	next     atomic.Uint64
	failures atomic.Int64
	slow     atomic.Int64
}

func newCountWindow(size int) *countWindow {
	return &countWindow{slots: make([]atomic.Uint32, size)}
}

func (w *countWindow) record(_ int64, failed, slow bool) counts {
	v := slotUsed
	if failed {
		v |= slotFailed
	}
	if slow {
		v |= slotSlow
	}
	i := w.next.Add(1) - 1
	old := w.slots[i%uint64(len(w.slots))].Swap(v)
	f := bitDiff(v, old, slotFailed)
	s := bitDiff(v, old, slotSlow)
	out := counts{calls: int64(min(i+1, uint64(len(w.slots))))}
	if f != 0 {
		out.failures = w.failures.Add(f)
	} else {
		out.failures = w.failures.Load()
	}
	if s != 0 {
		out.slow = w.slow.Add(s)
	} else {
		out.slow = w.slow.Load()
	}
	return out
}

func (w *countWindow) totals(int64) counts {
	return counts{
		calls:    int64(min(w.next.Load(), uint64(len(w.slots)))),
		failures: w.failures.Load(),
		slow:     w.slow.Load(),
	}
}

// bitDiff returns +1, 0 or -1: whether bit is set in now and not in old,
// set in both or neither, or set only in old.
func bitDiff(now, old, bit uint32) int64 {
	var d int64
	if now&bit != 0 {
		d++
	}
	if old&bit != 0 {
		d--
	}
	return d
}

// bucket holds the outcomes of one second.
type bucket struct {
	calls, failures, slow atomic.Int64
}

// timeWindow holds the outcomes of the last len(buckets) seconds, one
// bucket per second in a ring, and running totals over the live buckets.
// Recording is lock-free; moving into a new second takes mu once to empty
// the buckets of the seconds that left the window and subtract them from
// the totals.
type timeWindow struct {
	buckets []bucket
	size    int64
	// head is the latest second the window was advanced to.
	head atomic.Int64
	mu   sync.Mutex

	calls, failures, slow atomic.Int64
}

func newTimeWindow(size int64) *timeWindow {
	return &timeWindow{buckets: make([]bucket, size), size: size}
}

func (w *timeWindow) record(sec int64, failed, slow bool) counts {
	head := w.head.Load()
	if sec > head {
		w.advance(sec)
	} else if sec <= head-w.size {
		// A call older than the window (a clock read long before the
		// record): it no longer counts.
		return w.totals(head)
	}
	b := &w.buckets[sec%w.size]
	b.calls.Add(1)
	out := counts{calls: w.calls.Add(1)}
	if failed {
		b.failures.Add(1)
		out.failures = w.failures.Add(1)
	} else {
		out.failures = w.failures.Load()
	}
	if slow {
		b.slow.Add(1)
		out.slow = w.slow.Add(1)
	} else {
		out.slow = w.slow.Load()
	}
	return out
}

func (w *timeWindow) totals(sec int64) counts {
	if sec > w.head.Load() {
		w.advance(sec)
	}
	return counts{calls: w.calls.Load(), failures: w.failures.Load(), slow: w.slow.Load()}
}

// advance moves the window's head to sec, emptying the buckets of the
// seconds that left the window.
func (w *timeWindow) advance(sec int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	head := w.head.Load()
	if sec <= head {
		return
	}
	from := max(head+1, sec-w.size+1)
	for s := from; s <= sec; s++ {
		b := &w.buckets[s%w.size]
		w.calls.Add(-b.calls.Swap(0))
		w.failures.Add(-b.failures.Swap(0))
		w.slow.Add(-b.slow.Swap(0))
	}
	w.head.Store(sec)
}
