package proxy

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// flakyUpstream answers 503 while failing is set, 200 otherwise, and
// records the bodies it got.
type flakyUpstream struct {
	*testUpstream
	failing atomic.Bool
	delay   atomic.Int64 // nanoseconds before answering
	mu      sync.Mutex
	bodies  []string
}

func startFlaky(t testing.TB) *flakyUpstream {
	f := &flakyUpstream{}
	f.testUpstream = startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		f.mu.Lock()
		f.bodies = append(f.bodies, string(ctx.Request.Body()))
		f.mu.Unlock()
		if d := f.delay.Load(); d > 0 {
			time.Sleep(time.Duration(d))
		}
		if f.failing.Load() {
			ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
			ctx.SetBodyString("down")
			return
		}
		ctx.SetBodyString("up")
	})
	return f
}

func (f *flakyUpstream) seenBodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies...)
}

func TestRetryMovesToAnotherServer(t *testing.T) {
	live := startUpstream(t, nil)
	dead := deadURL(t)
	pols := realPolicies(t, `{"name": "again", "kind": "Retry", "maxAttempts": 2, "waitDuration": "0s"}`)
	p := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"again"`, dead, live.url)+`]}`, pols)
	// Round robin hands every first try to the dead server: each request
	// is tried again, on the live one.
	for i := range 6 {
		if r := call(t, p, "10.0.0.1", nil); r.result != "" || r.status != 200 || r.body != live.addr {
			t.Fatalf("request %d: %+v", i, r)
		}
	}
	// Without the policy, half the requests reach the dead server.
	bare := startProxy(t, `{"pools":[`+poolDoc("", dead, live.url)+`]}`)
	failed := 0
	for range 6 {
		if r := call(t, bare, "10.0.0.1", nil); r.result == ResultServerError {
			failed++
		}
	}
	if failed != 3 {
		t.Fatalf("without retries %d of 6 requests failed, want 3", failed)
	}
	if !strings.Contains(statusJSON(t, p), `"retry":{"policy":"again","retries":6}`) {
		t.Fatalf("status %s", statusJSON(t, p))
	}
}

func TestRetryOnlyIdempotentUnlessConfigured(t *testing.T) {
	up := startFlaky(t)
	up.failing.Store(true)
	pols := realPolicies(t,
		`{"name": "safe", "kind": "Retry", "maxAttempts": 3, "waitDuration": "0s"}`,
		`{"name": "all", "kind": "Retry", "maxAttempts": 3, "waitDuration": "0s", "retryNonIdempotent": true}`)
	safe := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"safe"`, up.url)+`]}`, pols)
	all := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"all"`, up.url)+`]}`, pols)
	send := func(p *Proxy, method string) (reply, int64) {
		before := up.hits.Load()
		r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) {
			req.Header.SetMethod(method)
			if method == "POST" || method == "PATCH" || method == "PUT" {
				req.SetBodyString("payload-" + method)
			}
		})
		return r, up.hits.Load() - before
	}
	for _, tc := range []struct {
		p      *Proxy
		method string
		hits   int64
	}{
		{safe, "POST", 1}, {safe, "PATCH", 1}, {safe, "GET", 3}, {safe, "PUT", 3}, {safe, "DELETE", 3},
		{all, "POST", 3}, {all, "PATCH", 3},
	} {
		r, hits := send(tc.p, tc.method)
		if hits != tc.hits || r.result != ResultFailureCode || r.status != 503 {
			t.Errorf("%s: %d upstream hits (want %d), result %q status %d", tc.method, hits, tc.hits, r.result, r.status)
		}
	}
	// Every retried POST carried its body again.
	n := 0
	for _, b := range up.seenBodies() {
		if b == "payload-POST" {
			n++
		}
	}
	if n != 1+3 {
		t.Fatalf("the POST body reached the upstream %d times, want 4", n)
	}
}

func TestRetryWaitsBetweenTries(t *testing.T) {
	up := startFlaky(t)
	up.failing.Store(true)
	pols := realPolicies(t, `{"name": "slow", "kind": "Retry", "maxAttempts": 3, "waitDuration": "60ms", "backOffPolicy": "exponential"}`)
	p := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"slow"`, up.url)+`]}`, pols)
	start := time.Now()
	r := call(t, p, "10.0.0.1", nil)
	// 60ms after the first failure, 90ms after the second.
	if took := time.Since(start); took < 150*time.Millisecond || r.result != ResultFailureCode || up.hits.Load() != 3 {
		t.Fatalf("took %v, result %q, hits %d", took, r.result, up.hits.Load())
	}
}

func TestRetryReplaysAStreamedBody(t *testing.T) {
	up := startFlaky(t)
	up.failing.Store(true)
	pols := realPolicies(t,
		`{"name": "buffered", "kind": "Retry", "maxAttempts": 2, "waitDuration": "0s", "retryNonIdempotent": true, "maxReplayBodySize": 64}`,
		`{"name": "unbuffered", "kind": "Retry", "maxAttempts": 2, "waitDuration": "0s", "retryNonIdempotent": true, "maxReplayBodySize": 0}`)
	body := strings.Repeat("s", 40)
	for _, tc := range []struct {
		policy string
		hits   int64
	}{{"buffered", 2}, {"unbuffered", 1}} {
		p := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"`+tc.policy+`"`, up.url)+`]}`, pols)
		before := up.hits.Load()
		r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) {
			req.Header.SetMethod("POST")
			req.SetBodyStream(bytes.NewReader([]byte(body)), len(body))
		})
		if hits := up.hits.Load() - before; hits != tc.hits || r.result != ResultFailureCode {
			t.Fatalf("%s: %d hits, result %q", tc.policy, hits, r.result)
		}
	}
	for i, b := range up.seenBodies() {
		if b != body {
			t.Fatalf("try %d carried %q", i, b)
		}
	}
}

func TestTimeoutBoundsEachTry(t *testing.T) {
	up := startFlaky(t)
	up.delay.Store(int64(300 * time.Millisecond))
	pols := realPolicies(t, `{"name": "twice", "kind": "Retry", "maxAttempts": 2, "waitDuration": "0s"}`)
	p := startProxyWith(t, `{"pools":[`+poolDoc(`"timeout":"50ms","retryPolicy":"twice"`, up.url)+`]}`, pols)
	r := call(t, p, "10.0.0.1", nil)
	if r.result != ResultTimeout || r.status != fasthttp.StatusRequestTimeout {
		t.Fatalf("result %q status %d", r.result, r.status)
	}
	waitFor(t, "both tries to reach the upstream", 5*time.Second, func() bool { return up.hits.Load() == 2 })
}

func TestCircuitBreakerLifecycle(t *testing.T) {
	up := startFlaky(t)
	pols := realPolicies(t, `{"name": "guard", "kind": "CircuitBreaker", "slidingWindowSize": 4, "minimumNumberOfCalls": 4,
		"failureRateThreshold": 50, "waitDurationInOpenState": "200ms", "permittedNumberOfCallsInHalfOpenState": 2}`)
	p := startProxyWith(t, `{"pools":[`+poolDoc(`"circuitBreakerPolicy":"guard"`, up.url)+`]}`, pols)
	state := func() string {
		st := p.Status().(*Status)
		return st.Pools[0].CircuitBreaker.State
	}
	if r := call(t, p, "10.0.0.1", nil); r.result != "" || state() != "CLOSED" {
		t.Fatalf("healthy upstream: %+v, state %s", r, state())
	}
	// The upstream fails: 3 failures out of 4 calls open the breaker.
	up.failing.Store(true)
	for range 3 {
		if r := call(t, p, "10.0.0.1", nil); r.result != ResultFailureCode {
			t.Fatalf("failing upstream: %+v", r)
		}
	}
	if state() != "OPEN" {
		t.Fatalf("state %s after 3 failures of 4 calls", state())
	}
	// Open: requests fail fast without reaching the upstream.
	hits := up.hits.Load()
	for range 5 {
		if r := call(t, p, "10.0.0.1", nil); r.result != ResultShortCircuited || r.status != 503 {
			t.Fatalf("open breaker: %+v", r)
		}
	}
	if up.hits.Load() != hits {
		t.Fatalf("an open breaker let %d requests through", up.hits.Load()-hits)
	}
	if st := p.Status().(*Status).Pools[0].CircuitBreaker; st.NotPermittedCalls != 5 || st.Policy != "guard" {
		t.Fatalf("status %+v", st)
	}
	// The upstream recovers; after the wait the breaker half-opens and
	// two good trial calls close it.
	up.failing.Store(false)
	waitFor(t, "the breaker to let a trial call through", 5*time.Second, func() bool {
		return call(t, p, "10.0.0.1", nil).result == ""
	})
	if r := call(t, p, "10.0.0.1", nil); r.result != "" {
		t.Fatalf("second trial call: %+v", r)
	}
	if state() != "CLOSED" {
		t.Fatalf("state %s after good trial calls", state())
	}
}

func TestCircuitBreakerWrapsRetries(t *testing.T) {
	up := startFlaky(t)
	up.failing.Store(true)
	pols := realPolicies(t,
		`{"name": "again", "kind": "Retry", "maxAttempts": 3, "waitDuration": "0s"}`,
		`{"name": "guard", "kind": "CircuitBreaker", "slidingWindowSize": 2, "minimumNumberOfCalls": 2, "waitDurationInOpenState": "1m"}`)
	p := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"again","circuitBreakerPolicy":"guard"`, up.url)+`]}`, pols)
	call(t, p, "10.0.0.1", nil)
	if st := p.Status().(*Status).Pools[0].CircuitBreaker; st.State != "CLOSED" || st.Calls != 1 {
		t.Fatalf("three tries counted as %d breaker calls (state %s)", st.Calls, st.State)
	}
	call(t, p, "10.0.0.1", nil)
	if r := call(t, p, "10.0.0.1", nil); r.result != ResultShortCircuited || up.hits.Load() != 6 {
		t.Fatalf("result %q after %d upstream hits", r.result, up.hits.Load())
	}
}

func TestCircuitBreakerSurvivesUnrelatedUpdates(t *testing.T) {
	up := startFlaky(t)
	up.failing.Store(true)
	guard := `{"name": "guard", "kind": "CircuitBreaker", "slidingWindowSize": 1, "minimumNumberOfCalls": 1, "waitDurationInOpenState": "1m"}`
	doc := `{"pools":[` + poolDoc(`"circuitBreakerPolicy":"guard"`, up.url) + `]}`
	old := startProxyWith(t, doc, realPolicies(t, guard))
	call(t, old, "10.0.0.1", nil)
	// Same policy settings: the new generation keeps the open breaker.
	next := newFilter(t, `{"maxIdleConns": 50, "pools":[`+poolDoc(`"circuitBreakerPolicy":"guard"`, up.url)+`]}`, realPolicies(t, guard))
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = next.Close() })
	if r := call(t, next, "10.0.0.1", nil); r.result != ResultShortCircuited {
		t.Fatalf("after the update: %+v", r)
	}
	// Changed settings: a fresh breaker.
	changed := newFilter(t, doc, realPolicies(t, strings.Replace(guard, `"1m"`, `"2m"`, 1)))
	if err := changed.Inherit(next); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = changed.Close() })
	if r := call(t, changed, "10.0.0.1", nil); r.result != ResultFailureCode {
		t.Fatalf("after a policy change: %+v", r)
	}
}

func TestResilienceDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	a, b := benchUpstreams(t)
	pols := realPolicies(t,
		`{"name": "again", "kind": "Retry", "maxAttempts": 3}`,
		`{"name": "guard", "kind": "CircuitBreaker", "slidingWindowType": "TIME_BASED", "slidingWindowSize": 10}`)
	p := startProxyWith(t, `{"pools":[`+poolDoc(`"retryPolicy":"again","circuitBreakerPolicy":"guard","timeout":"5s"`, a, b)+`]}`, pols)
	run := serverRunner(t, p)
	for range 200 {
		run()
	}
	if allocs := testing.AllocsPerRun(2000, run); allocs > maxAllocsPerRequest {
		t.Fatalf("%v allocations per request with retry and circuit breaker", allocs)
	}
}

func BenchmarkProxyWithResilience(b *testing.B) {
	up1, up2 := benchUpstreams(b)
	pols := realPolicies(b,
		`{"name": "again", "kind": "Retry", "maxAttempts": 3}`,
		`{"name": "guard", "kind": "CircuitBreaker", "slidingWindowSize": 100}`)
	p := startProxyWith(b, `{"pools":[`+poolDoc(`"retryPolicy":"again","circuitBreakerPolicy":"guard"`, up1, up2)+`]}`, pols)
	run := serverRunner(b, p)
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
}
