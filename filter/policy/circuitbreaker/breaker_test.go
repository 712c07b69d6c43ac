package circuitbreaker

import (
	"sync"
	"testing"
	"time"
)

func TestCountBasedOpensAtFailureRate(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 4, "minimumNumberOfCalls": 4, "failureRateThreshold": 50, "waitDurationInOpenState": "10s"}`)
	// Three failures out of three: still too few calls to judge.
	for range 3 {
		if !call(b, clk, true, time.Millisecond) {
			t.Fatal("refused before minimumNumberOfCalls")
		}
	}
	wantState(t, b, Closed)
	if st := b.Status("cb"); st.Calls != 3 || st.FailedCalls != 3 || st.FailureRate != -1 {
		t.Fatalf("status %+v", st)
	}
	call(b, clk, false, time.Millisecond)
	wantState(t, b, Open)
	if call(b, clk, false, 0) {
		t.Fatal("an open breaker let a call through")
	}
	if st := b.Status("cb"); st.State != "OPEN" || st.NotPermittedCalls != 1 || st.Transitions != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestCountBasedWindowSlides(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 4, "minimumNumberOfCalls": 4, "failureRateThreshold": 75}`)
	// F F S S: 50% < 75%. Then S pushes the first F out: F S S S = 25%.
	for _, failed := range []bool{true, true, false, false, false, true, false} {
		call(b, clk, failed, 0)
		wantState(t, b, Closed)
	}
	if st := b.Status("cb"); st.Calls != 4 || st.FailedCalls != 1 || st.FailureRate != 25 {
		t.Fatalf("window after 7 calls: %+v", st)
	}
	// S S F F then F: the last four are S F F F = 75%: opens.
	call(b, clk, true, 0)
	call(b, clk, true, 0)
	wantState(t, b, Open)
}

func TestMinimumCallsCappedByCountWindow(t *testing.T) {
	// minimumNumberOfCalls 100 (the default) with a window of 2 calls:
	// the window can never hold 100, so 2 is enough.
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 2}`)
	call(b, clk, true, 0)
	call(b, clk, true, 0)
	wantState(t, b, Open)
}

func TestOpenHalfOpenClosed(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 2, "minimumNumberOfCalls": 2, "waitDurationInOpenState": "30s", "permittedNumberOfCallsInHalfOpenState": 2}`)
	call(b, clk, true, 0)
	call(b, clk, true, 0)
	wantState(t, b, Open)
	clk.advance(29 * time.Second)
	if call(b, clk, false, 0) {
		t.Fatal("let through before waitDurationInOpenState")
	}
	clk.advance(time.Second)
	// Two trial calls pass; a third is refused while they are running.
	p1, ok1 := b.Acquire()
	p2, ok2 := b.Acquire()
	_, ok3 := b.Acquire()
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("half-open permits: %v %v %v, want true true false", ok1, ok2, ok3)
	}
	wantState(t, b, HalfOpen)
	b.Done(p1, false)
	wantState(t, b, HalfOpen)
	b.Done(p2, false)
	wantState(t, b, Closed)
	// The window starts empty: one failure does not reopen.
	call(b, clk, true, 0)
	wantState(t, b, Closed)
	if st := b.Status("cb"); st.Calls != 1 || st.Transitions != 3 {
		t.Fatalf("status after closing %+v", st)
	}
}

func TestHalfOpenReopensOnFailingTrials(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 2, "minimumNumberOfCalls": 2, "waitDurationInOpenState": "1s", "permittedNumberOfCallsInHalfOpenState": 2, "failureRateThreshold": 50}`)
	call(b, clk, true, 0)
	call(b, clk, true, 0)
	clk.advance(time.Second)
	call(b, clk, false, 0)
	call(b, clk, true, 0)
	wantState(t, b, Open)
	if call(b, clk, false, 0) {
		t.Fatal("reopened breaker let a call through")
	}
}

func TestHalfOpenMaxWait(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 1, "minimumNumberOfCalls": 1, "waitDurationInOpenState": "1s", "maxWaitDurationInHalfOpenState": "5s", "permittedNumberOfCallsInHalfOpenState": 1}`)
	call(b, clk, true, 0)
	clk.advance(time.Second)
	p, ok := b.Acquire() // the trial call hangs
	if !ok {
		t.Fatal("no trial call")
	}
	clk.advance(5 * time.Second)
	if _, ok := b.Acquire(); ok {
		t.Fatal("let through after the half-open wait ran out")
	}
	wantState(t, b, Open)
	// The hung trial call's outcome belongs to a phase that is over.
	b.Done(p, false)
	wantState(t, b, Open)
}

func TestSlowCalls(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowSize": 4, "minimumNumberOfCalls": 4, "slowCallDurationThreshold": "100ms", "slowCallRateThreshold": 50}`)
	call(b, clk, false, 100*time.Millisecond) // not slower than the threshold
	call(b, clk, false, 101*time.Millisecond)
	call(b, clk, false, time.Millisecond)
	wantState(t, b, Closed)
	call(b, clk, false, time.Second)
	wantState(t, b, Open)
	if st := b.Status("cb"); st.State != "OPEN" {
		t.Fatalf("status %+v", st)
	}
}

func TestTimeBasedWindowForgets(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowType": "TIME_BASED", "slidingWindowSize": 10, "minimumNumberOfCalls": 4, "failureRateThreshold": 50}`)
	// Three failures, then eleven seconds of silence: they leave the
	// window, so four successes and one failure do not open.
	for range 3 {
		call(b, clk, true, 0)
	}
	clk.advance(11 * time.Second)
	if st := b.Status("cb"); st.Calls != 0 {
		t.Fatalf("calls still in the window after it passed: %+v", st)
	}
	for _, failed := range []bool{false, false, false, true} {
		call(b, clk, failed, 0)
	}
	wantState(t, b, Closed)
	// Calls spread over the window all count.
	for range 4 {
		clk.advance(2 * time.Second)
		call(b, clk, true, 0)
	}
	wantState(t, b, Open)
}

func TestTimeBasedWindowPartialExpiry(t *testing.T) {
	b, clk := newTestBreaker(t, `{"slidingWindowType": "TIME_BASED", "slidingWindowSize": 3, "minimumNumberOfCalls": 100}`)
	call(b, clk, true, 0) // second 0
	clk.advance(time.Second)
	call(b, clk, false, 0) // second 1
	call(b, clk, false, 0)
	clk.advance(time.Second)
	call(b, clk, false, 0) // second 2
	if st := b.Status("cb"); st.Calls != 4 || st.FailedCalls != 1 {
		t.Fatalf("status %+v", st)
	}
	clk.advance(time.Second) // second 3: second 0 leaves
	if st := b.Status("cb"); st.Calls != 3 || st.FailedCalls != 0 {
		t.Fatalf("status after one second slid out %+v", st)
	}
}

func TestConcurrentRecordsKeepTotals(t *testing.T) {
	for _, typ := range []string{"COUNT_BASED", "TIME_BASED"} {
		t.Run(typ, func(t *testing.T) {
			b, _ := newTestBreaker(t, `{"slidingWindowType": "`+typ+`", "slidingWindowSize": 50, "minimumNumberOfCalls": 1000000, "failureRateThreshold": 100}`)
			var wg sync.WaitGroup
			const workers, per = 8, 500
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range per {
						p, ok := b.Acquire()
						if !ok {
							t.Error("refused")
							return
						}
						b.Done(p, (w+i)%3 == 0)
					}
				}()
			}
			wg.Wait()
			// The totals must equal what the window's cells hold.
			var cells counts
			switch w := b.cur.Load().window.(type) {
			case *countWindow:
				for i := range w.slots {
					v := w.slots[i].Load()
					if v&slotUsed != 0 {
						cells.calls++
					}
					if v&slotFailed != 0 {
						cells.failures++
					}
				}
			case *timeWindow:
				for i := range w.buckets {
					cells.calls += w.buckets[i].calls.Load()
					cells.failures += w.buckets[i].failures.Load()
				}
				if cells.calls != workers*per {
					t.Fatalf("buckets hold %d calls, %d were recorded", cells.calls, workers*per)
				}
			}
			st := b.Status("cb")
			if st.Calls != cells.calls || st.FailedCalls != cells.failures {
				t.Fatalf("totals %d/%d, cells %d/%d", st.Calls, st.FailedCalls, cells.calls, cells.failures)
			}
		})
	}
}

func TestAcquireDoneDoNotAllocate(t *testing.T) {
	for _, typ := range []string{"COUNT_BASED", "TIME_BASED"} {
		b, _ := newTestBreaker(t, `{"slidingWindowType": "`+typ+`", "slidingWindowSize": 10}`)
		n := testing.AllocsPerRun(200, func() {
			p, ok := b.Acquire()
			if ok {
				b.Done(p, false)
			}
		})
		if n != 0 {
			t.Fatalf("%s: %v allocations per call", typ, n)
		}
	}
}

func TestRealClockBreaker(t *testing.T) {
	s, err := decode(`{"slidingWindowSize": 2, "minimumNumberOfCalls": 2, "waitDurationInOpenState": "20ms", "permittedNumberOfCallsInHalfOpenState": 1}`)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New("cb", s)
	if err != nil {
		t.Fatal(err)
	}
	b := p.(*Policy).NewBreaker()
	for range 2 {
		pm, _ := b.Acquire()
		b.Done(pm, true)
	}
	wantState(t, b, Open)
	deadline := time.Now().Add(5 * time.Second)
	for {
		pm, ok := b.Acquire()
		if ok {
			b.Done(pm, false)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("never half-opened")
		}
		time.Sleep(5 * time.Millisecond)
	}
	wantState(t, b, Closed)
}

func BenchmarkAcquireDone(b *testing.B) {
	for _, typ := range []string{"COUNT_BASED", "TIME_BASED"} {
		b.Run(typ, func(b *testing.B) {
			s, _ := decode(`{"slidingWindowType": "` + typ + `", "slidingWindowSize": 100, "failureRateThreshold": 100}`)
			p, _ := New("cb", s)
			br := p.(*Policy).NewBreaker()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					pm, ok := br.Acquire()
					if ok {
						br.Done(pm, false)
					}
				}
			})
		})
	}
}
