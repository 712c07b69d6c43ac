package ratelimiter

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const ms = int64(time.Millisecond)

func TestLimiterPermitsPerPeriod(t *testing.T) {
	r := rate{period: 100 * ms, permits: 3, timeout: 0}
	var l limiter
	for i := range 3 {
		if wait, ok := l.acquire(&r, 10*ms+int64(i)); !ok || wait != 0 {
			t.Fatalf("permit %d: ok %v wait %v", i, ok, wait)
		}
	}
	wait, ok := l.acquire(&r, 40*ms)
	if ok {
		t.Fatal("a fourth permit in one period")
	}
	if want := time.Duration(60 * ms); wait != want {
		t.Fatalf("refusal reports a wait of %v, want %v (until the next period)", wait, want)
	}
	// The next period has its own three permits.
	for i := range 3 {
		if _, ok := l.acquire(&r, 100*ms+int64(i)); !ok {
			t.Fatalf("next period, permit %d refused", i)
		}
	}
	if _, ok := l.acquire(&r, 199*ms); ok {
		t.Fatal("a fourth permit in the second period")
	}
}

func TestLimiterPermitsDoNotAccumulate(t *testing.T) {
	r := rate{period: 10 * ms, permits: 2, timeout: 0}
	var l limiter
	// Idle for many periods, then a burst: still only one period's worth.
	admitted := 0
	for range 10 {
		if _, ok := l.acquire(&r, 1000*ms+5*ms); ok {
			admitted++
		}
	}
	if admitted != 2 {
		t.Fatalf("admitted %d after an idle spell, want 2", admitted)
	}
}

func TestLimiterReservesWithinTimeout(t *testing.T) {
	r := rate{period: 100 * ms, permits: 2, timeout: 150 * ms}
	var l limiter
	now := 30 * ms
	want := []time.Duration{0, 0, 70 * time.Millisecond, 70 * time.Millisecond, 170 * time.Millisecond}
	for i, w := range want[:4] {
		wait, ok := l.acquire(&r, now)
		if !ok || wait != w {
			t.Fatalf("request %d: ok %v wait %v, want a permit after %v", i, ok, wait, w)
		}
	}
	// The fifth would need the period after next: 170ms > 150ms.
	wait, ok := l.acquire(&r, now)
	if ok || wait != want[4] {
		t.Fatalf("request 4: ok %v wait %v, want a refusal reporting %v", ok, wait, want[4])
	}
	// A refusal takes nothing. In the next period both of its permits
	// are already reserved, so a newcomer waits for the period after.
	wait, ok = l.acquire(&r, 100*ms)
	if !ok || wait != 100*time.Millisecond {
		t.Fatalf("next period: ok %v wait %v, want a permit of the period after (100ms)", ok, wait)
	}
}

func TestLimiterConcurrentExact(t *testing.T) {
	// Many goroutines in one period: exactly permits are handed out.
	r := rate{period: int64(time.Hour), permits: 1000, timeout: 0}
	var l limiter
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				if _, ok := l.acquire(&r, 5*ms); ok {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if admitted.Load() != 1000 {
		t.Fatalf("admitted %d of 4000 in one period, want exactly 1000", admitted.Load())
	}
}

func TestLimiterIdle(t *testing.T) {
	r := rate{period: 10 * ms, permits: 5, timeout: 100 * ms}
	var l limiter
	if !l.idle(&r, 0) {
		t.Fatal("a new limiter is idle")
	}
	l.acquire(&r, 15*ms)
	if l.idle(&r, 15*ms) {
		t.Fatal("a limiter that took a permit of this period is not idle")
	}
	if !l.idle(&r, 20*ms) {
		t.Fatal("in the next period it is idle again")
	}
	// Reserve into the future: busy until that period is over.
	for range 10 { // the permits of 20ms..30ms and of 30ms..40ms
		if _, ok := l.acquire(&r, 20*ms); !ok {
			t.Fatal("reservation refused")
		}
	}
	if l.idle(&r, 30*ms) {
		t.Fatal("a limiter with a reservation for the period 30ms..40ms is busy at 30ms")
	}
	if !l.idle(&r, 40*ms) {
		t.Fatal("after the reserved period it is idle")
	}
}
