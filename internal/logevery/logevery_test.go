package logevery

import (
	"sync"
	"testing"
	"time"
)

func TestOnePerIntervalWithTheCountHeldBack(t *testing.T) {
	l := New(time.Minute)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if ok, n := l.Allow(t0); !ok || n != 0 {
		t.Fatalf("first event: ok=%v suppressed=%d, want it logged", ok, n)
	}
	for i := 1; i <= 5; i++ {
		if ok, _ := l.Allow(t0.Add(time.Duration(i) * time.Second)); ok {
			t.Fatalf("event %d within the interval was let through", i)
		}
	}
	if ok, n := l.Allow(t0.Add(time.Minute)); !ok || n != 5 {
		t.Fatalf("event after the interval: ok=%v suppressed=%d, want logged with 5 held back", ok, n)
	}
	if ok, _ := l.Allow(t0.Add(time.Minute + time.Second)); ok {
		t.Fatal("the interval did not restart at the last logged event")
	}
}

func TestConcurrentEventsLetOneThrough(t *testing.T) {
	l := New(time.Hour)
	now := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	logged := 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := l.Allow(now); ok {
				mu.Lock()
				logged++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if logged != 1 {
		t.Fatalf("%d of 50 concurrent events logged, want 1", logged)
	}
	if ok, n := l.Allow(now.Add(time.Hour)); !ok || n != 49 {
		t.Fatalf("next interval: ok=%v suppressed=%d, want 49 held back", ok, n)
	}
}
