package ratelimiter

import (
	"strconv"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

const (
	// openSpec never limits: every request takes the admit path.
	openSpec = `{"policies": [{"name": "p", "limitForPeriod": 1000000, "limitRefreshPeriod": "1ms", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"methods": ["POST"], "url": {"prefix": "/admin"}}, {"url": {"regex": "^/v1/orders/[0-9]+$"}}]}`
	// closedSpec limits everything after the first request.
	closedSpec = `{"policies": [{"name": "p", "limitForPeriod": 1, "limitRefreshPeriod": "1h", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}}]}`
	// keyedSpec limits per X-Api-Key and never refuses.
	keyedSpec = `{"policies": [{"name": "p", "limitForPeriod": 1000000, "limitRefreshPeriod": "1ms", "timeoutDuration": "0s"}],
		"defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {"header": "X-Api-Key"}}]}`
)

func benchRequest() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.SetRequestURI("http://api.example/v1/orders/42")
	req.Header.Set("X-Api-Key", "key-1")
	return req
}

// handleOnce runs one request through f as a traffic gate would.
func handleOnce(f filter.Filter, ctx *filter.Context, req *fasthttp.Request, now time.Time) string {
	ctx.ResetDetached(req, []byte(filtertest.ClientIP), now)
	r := f.Handle(ctx)
	ctx.Finish()
	return r
}

// TestAllocs asserts that admitting, refusing (429 with Retry-After) and
// finding a known key allocate nothing per request.
func TestAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	now := time.Now()
	ctx := filter.NewContext()
	req := benchRequest()
	for name, tc := range map[string]struct {
		spec, result string
	}{
		"admit":   {openSpec, ""},
		"refuse":  {closedSpec, ResultRateLimited},
		"per key": {keyedSpec, ""},
	} {
		f := filtertest.New(t, Kind, tc.spec)
		handleOnce(f, ctx, req, now)
		if r := handleOnce(f, ctx, req, now); r != tc.result {
			t.Fatalf("%s: result %q, want %q", name, r, tc.result)
		}
		if n := testing.AllocsPerRun(500, func() { handleOnce(f, ctx, req, now) }); n != 0 {
			t.Errorf("%s: %v allocs per request, want 0", name, n)
		}
	}

	// Behind a server the 429 is written into the server's response.
	f := filtertest.New(t, Kind, closedSpec)
	var rc fasthttp.RequestCtx
	rc.Init(benchRequest(), nil, nil)
	serverOnce := func() {
		ctx.Reset(&rc, []byte(filtertest.ClientIP), now)
		f.Handle(ctx)
		ctx.Finish()
	}
	serverOnce()
	serverOnce()
	if rc.Response.StatusCode() != 429 || len(rc.Response.Header.Peek(HeaderRetryAfter)) == 0 {
		t.Fatalf("server response %d", rc.Response.StatusCode())
	}
	if n := testing.AllocsPerRun(500, serverOnce); n != 0 {
		t.Errorf("a refusal behind a server allocates %v per request, want 0", n)
	}
}

func benchmark(b *testing.B, spec string) {
	f := filtertest.New(b, Kind, spec)
	ctx := filter.NewContext()
	req := benchRequest()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

// BenchmarkAdmit: a request matched by the second rule takes a permit.
func BenchmarkAdmit(b *testing.B) { benchmark(b, openSpec) }

// BenchmarkRefuse: the limit is reached; the filter writes the 429.
func BenchmarkRefuse(b *testing.B) { benchmark(b, closedSpec) }

// BenchmarkPerKey: a known key's limiter is found and takes a permit.
func BenchmarkPerKey(b *testing.B) { benchmark(b, keyedSpec) }

// BenchmarkPerKeyMany: requests spread over 10000 keys.
func BenchmarkPerKeyMany(b *testing.B) {
	f := filtertest.New(b, Kind, keyedSpec)
	ctx := filter.NewContext()
	reqs := make([]*fasthttp.Request, 10000)
	for i := range reqs {
		reqs[i] = benchRequest()
		reqs[i].Header.Set("X-Api-Key", "key-"+strconv.Itoa(i))
	}
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		handleOnce(f, ctx, reqs[i%len(reqs)], now)
		i++
	}
}

// BenchmarkAdmitParallel: every goroutine takes permits from one limiter.
func BenchmarkAdmitParallel(b *testing.B) {
	f := filtertest.New(b, Kind, openSpec)
	now := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := filter.NewContext()
		req := benchRequest()
		for pb.Next() {
			handleOnce(f, ctx, req, now)
		}
	})
}

// BenchmarkPerKeyParallel: every goroutine uses its own key.
func BenchmarkPerKeyParallel(b *testing.B) {
	f := filtertest.New(b, Kind, keyedSpec)
	now := time.Now()
	var n int64
	var mu = make(chan struct{}, 1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		mu <- struct{}{}
		n++
		key := "key-" + strconv.FormatInt(n, 10)
		<-mu
		ctx := filter.NewContext()
		req := benchRequest()
		req.Header.Set("X-Api-Key", key)
		for pb.Next() {
			handleOnce(f, ctx, req, now)
		}
	})
}
