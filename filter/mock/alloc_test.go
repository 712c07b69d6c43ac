package mock

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

const benchSpec = `{"rules": [
	{"match": {"path": "/health"}, "code": 200, "body": "ok"},
	{"match": {"pathPrefix": "/admin", "headers": {"X-Role": {"exact": "admin"}}}, "code": 403},
	{"match": {"pathPrefix": "/v1/orders", "matchAllHeaders": true,
	           "headers": {"X-Env": {"regex": "^(prod|stage)$"}, "X-Canary": {"empty": true}}},
	 "code": 200, "headers": {"Content-Type": "application/json", "X-Mock": "orders"}, "body": "{\"orders\":[]}"}
]}`

// newBenchRequest returns a request that matches the third rule of
// benchSpec (every rule is tried; headers are matched by regex and empty).
func newBenchRequest() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.SetRequestURI("http://api.example/v1/orders/42?expand=items")
	req.Header.Set("X-Env", "prod")
	req.Header.Set("X-Role", "user")
	return req
}

// handleOnce runs one request through f as a traffic gate would with a
// pooled context: reset, handle, finish.
func handleOnce(f filter.Filter, ctx *filter.Context, req *fasthttp.Request, now time.Time) string {
	ctx.ResetDetached(req, []byte(filtertest.ClientIP), now)
	result := f.Handle(ctx)
	ctx.Finish()
	return result
}

// TestMatchAllocs asserts that matching a rule and writing its reply
// allocate nothing per request: 0 allocs/op.
func TestMatchAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, benchSpec)
	req := newBenchRequest()
	ctx := filter.NewContext()
	now := time.Now()
	if r := handleOnce(f, ctx, req, now); r != ResultMocked {
		t.Fatalf("result %q", r)
	}
	if n := testing.AllocsPerRun(200, func() { handleOnce(f, ctx, req, now) }); n != 0 {
		t.Errorf("a rule match allocates %v per request, want 0", n)
	}
	req.SetRequestURI("/nothing/here")
	if n := testing.AllocsPerRun(200, func() { handleOnce(f, ctx, req, now) }); n != 0 {
		t.Errorf("a miss allocates %v per request, want 0", n)
	}

	// As behind a fasthttp server: the reply is the server's response.
	var rc fasthttp.RequestCtx
	rc.Init(newBenchRequest(), nil, nil)
	serverOnce := func() {
		ctx.Reset(&rc, []byte(filtertest.ClientIP), now)
		f.Handle(ctx)
		ctx.Finish()
	}
	serverOnce()
	if rc.Response.StatusCode() != 200 || string(rc.Response.Body()) != `{"orders":[]}` {
		t.Fatalf("server response %d %q", rc.Response.StatusCode(), rc.Response.Body())
	}
	if n := testing.AllocsPerRun(200, serverOnce); n != 0 {
		t.Errorf("a rule match behind a server allocates %v per request, want 0", n)
	}
}

func BenchmarkMockMatch(b *testing.B) {
	f := filtertest.New(b, Kind, benchSpec)
	req := newBenchRequest()
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

func BenchmarkMockNoMatch(b *testing.B) {
	f := filtertest.New(b, Kind, benchSpec)
	req := newBenchRequest()
	req.SetRequestURI("/nothing/here")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

// BenchmarkMockServer measures a mocked reply over loopback: the fasthttp
// client and server costs are included.
func BenchmarkMockServer(b *testing.B) {
	f := filtertest.New(b, Kind, benchSpec)
	s := serve(b, f)
	req := newBenchRequest()
	var resp fasthttp.Response
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Do(req, &resp); err != nil {
			b.Fatal(err)
		}
	}
}
