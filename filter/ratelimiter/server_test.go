package ratelimiter

import (
	"strconv"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// serve runs f behind a real server; a request f lets through is answered
// 200 "passed".
func serve(t testing.TB, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		if f.Handle(ctx) == "" {
			resp := ctx.NewResponse()
			resp.SetStatusCode(fasthttp.StatusOK)
			resp.SetBodyString("passed")
		}
	})
}

// send sends one request and returns the response.
func send(t *testing.T, s *filtertest.Server, method, path string, headers ...string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI(path)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := &fasthttp.Response{}
	if err := s.Do(req, resp); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// expectCodes sends the requests one after the other and checks their
// statuses.
func expectCodes(t *testing.T, s *filtertest.Server, method, path string, codes []int, headers ...string) {
	t.Helper()
	for i, want := range codes {
		if got := send(t, s, method, path, headers...).StatusCode(); got != want {
			t.Fatalf("%s %s %v, request %d: status %d, want %d", method, path, headers, i, got, want)
		}
	}
}

func TestServerLimits(t *testing.T) {
	f := filtertest.New(t, Kind, `{"policies": [{"name": "p", "limitForPeriod": 3, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]}`)
	s := serve(t, f)
	expectCodes(t, s, "GET", "/a", []int{200, 200, 200})
	resp := send(t, s, "GET", "/b")
	if resp.StatusCode() != fasthttp.StatusTooManyRequests {
		t.Fatalf("fourth request: status %d, want 429", resp.StatusCode())
	}
	if got := string(resp.Header.Peek(HeaderRateLimiter)); got != "too-many-requests" {
		t.Errorf("%s = %q", HeaderRateLimiter, got)
	}
	// The next permit comes with the next period, about an hour away.
	secs, err := strconv.Atoi(string(resp.Header.Peek(HeaderRetryAfter)))
	if err != nil || secs < 3000 || secs > 3600 {
		t.Errorf("Retry-After = %q, want the seconds until the next period (about 3600)", resp.Header.Peek(HeaderRetryAfter))
	}
	if len(resp.Body()) != 0 {
		t.Errorf("body %q, want none", resp.Body())
	}
}

func TestRetryAfterRoundsUp(t *testing.T) {
	ctx := filtertest.Detached(&fasthttp.Request{})
	defer ctx.Finish()
	reject(ctx, 3*time.Millisecond)
	if got := string(ctx.Response().Header.Peek(HeaderRetryAfter)); got != "1" {
		t.Errorf("Retry-After for a 3ms wait = %q, want 1", got)
	}
	reject(ctx, 2500*time.Millisecond)
	if got := string(ctx.Response().Header.Peek(HeaderRetryAfter)); got != "3" {
		t.Errorf("Retry-After for a 2.5s wait = %q, want 3", got)
	}
}

func TestServerFirstMatchingRule(t *testing.T) {
	f := filtertest.New(t, Kind, `{"policies": [
			{"name": "one", "limitForPeriod": 1, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"},
			{"name": "two", "limitForPeriod": 2, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"urls": [
			{"methods": ["POST"], "url": {"regex": "^/orders/[0-9]+$"}, "policyRef": "one"},
			{"url": {"prefix": "/orders"}, "policyRef": "two"},
			{"url": {"prefix": "/orders/1"}, "policyRef": "one"}]}`)
	s := serve(t, f)
	expectCodes(t, s, "POST", "/orders/1", []int{200, 429})
	// GET /orders/1 is not the first rule's (methods) but the second's,
	// which has its own limiter of two; the third rule is never reached.
	expectCodes(t, s, "GET", "/orders/1", []int{200, 200, 429})
	// POST /orders/x fails the regex: the second rule, already used up.
	expectCodes(t, s, "POST", "/orders/x", []int{429})
	// A path no rule matches is not limited.
	expectCodes(t, s, "GET", "/other", []int{200, 200, 200, 200, 200})
}

func TestServerDelaysWithinTimeout(t *testing.T) {
	f := filtertest.New(t, Kind, `{"policies": [{"name": "p", "limitForPeriod": 1, "limitRefreshPeriod": "300ms", "timeoutDuration": "1s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]}`)
	s := serve(t, f)
	// Start at the beginning of a period so that the first request's
	// permit is of the current period whatever the machine's speed.
	rl := f.(*RateLimiter)
	elapsed := time.Since(rl.rules[0].state.epoch)
	time.Sleep(300*time.Millisecond - elapsed%(300*time.Millisecond))
	expectCodes(t, s, "GET", "/", []int{200})
	start := time.Now()
	expectCodes(t, s, "GET", "/", []int{200})
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Fatalf("the second request of the period came back after %v: it should have waited for the next period", took)
	}
	st := f.Status().(Status)
	if u := st.URLs[0]; u.Admitted != 2 || u.Delayed != 1 || u.Limited != 0 || u.Policy != "p" {
		t.Fatalf("status %+v", u)
	}
}

func TestServerPerKeyHeader(t *testing.T) {
	f := filtertest.New(t, Kind, `{"policies": [{"name": "p", "limitForPeriod": 2, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {"header": "X-Api-Key"}}]}`)
	s := serve(t, f)
	expectCodes(t, s, "GET", "/", []int{200, 200, 429}, "X-Api-Key", "alice")
	expectCodes(t, s, "GET", "/", []int{200, 200, 429}, "X-Api-Key", "bob")
	// Requests without the header share one limiter.
	expectCodes(t, s, "GET", "/", []int{200, 200, 429})
	expectCodes(t, s, "GET", "/", []int{429}, "X-Api-Key", "alice")
	if u := f.Status().(Status).URLs[0]; u.Keys != 3 || u.Admitted != 6 || u.Limited != 4 {
		t.Fatalf("status %+v, want 3 keys, 6 admitted, 4 limited", u)
	}
}

func TestServerShutdownCutsWait(t *testing.T) {
	f := filtertest.New(t, Kind, `{"policies": [{"name": "p", "limitForPeriod": 1, "limitRefreshPeriod": "50s", "timeoutDuration": "1m"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]}`)
	entered := make(chan struct{}, 2)
	s := filtertest.Serve(t, func(ctx *filter.Context) {
		entered <- struct{}{}
		f.Handle(ctx)
	})
	expectCodes(t, s, "GET", "/", []int{200})
	<-entered
	done := make(chan error, 1)
	go func() {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		req.SetRequestURI("/")
		var resp fasthttp.Response
		done <- s.Do(req, &resp)
	}()
	select {
	case <-entered:
	case <-time.After(filtertest.Timeout):
		t.Fatal("second request never reached the handler")
	}
	start := time.Now()
	if err := s.Shutdown(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if took := time.Since(start); took > filtertest.Timeout/2 {
		t.Fatalf("shutdown waited %v: the wait for a permit was not cut short", took)
	}
	select {
	case <-done:
	case <-time.After(filtertest.Timeout):
		t.Fatal("client never returned")
	}
}

func TestInheritKeepsLimiters(t *testing.T) {
	const spec = `{"policies": [{"name": "p", "limitForPeriod": 2, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/a"}}, {"url": {"prefix": "/b"}, "perKey": {"header": "X-K"}}]}`
	first := filtertest.New(t, Kind, spec)
	s := serve(t, first)
	expectCodes(t, s, "GET", "/a", []int{200, 200})
	expectCodes(t, s, "GET", "/b", []int{200, 200}, "X-K", "k")

	// The same rules under another policy name, plus a new rule.
	body, err := filtertest.Decode(Kind, `{"policies": [{"name": "renamed", "limitForPeriod": 2, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "renamed", "urls": [{"url": {"prefix": "/c"}}, {"url": {"prefix": "/b"}, "perKey": {"header": "X-K"}}, {"url": {"prefix": "/a"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	second := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: body})
	if err := second.Inherit(first); err != nil {
		t.Fatal(err)
	}
	s2 := serve(t, second)
	expectCodes(t, s2, "GET", "/a", []int{429})
	expectCodes(t, s2, "GET", "/b", []int{429}, "X-K", "k")
	expectCodes(t, s2, "GET", "/c", []int{200, 200, 429})
	if u := second.Status().(Status).URLs[2]; u.Admitted != 2 || u.Limited != 1 {
		t.Fatalf("inherited counters %+v, want 2 admitted (before the update) and 1 limited", u)
	}

	// Other numbers: a fresh limiter.
	body, err = filtertest.Decode(Kind, `{"policies": [{"name": "p", "limitForPeriod": 3, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/a"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	third := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: body})
	if err := third.Inherit(second); err != nil {
		t.Fatal(err)
	}
	expectCodes(t, serve(t, third), "GET", "/a", []int{200, 200, 200, 429})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "r", Kind: Kind, Body: "not a spec"})
	if f.Init() == nil || f.(*RateLimiter).Validate() == nil || f.Inherit(f) == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}

func TestNoRequest(t *testing.T) {
	f := filtertest.New(t, Kind, `{"policies": [{"name": "p", "limitForPeriod": 1}], "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]}`)
	ctx := filtertest.Detached(&fasthttp.Request{})
	defer ctx.Finish()
	ctx.UseNamespace("empty")
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("result %q", r)
	}
}
