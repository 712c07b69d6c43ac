package corsadaptor

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

const benchSpec = `{"allowedOrigins": ["https://*.shop.example", "https://admin.example"],
	"allowedMethods": ["GET", "POST", "PUT", "DELETE"], "allowedHeaders": ["Content-Type", "Authorization", "X-Api-Key"],
	"allowCredentials": true, "exposedHeaders": ["X-Request-Id"], "maxAge": 600}`

// serverCtx returns a request context as a fasthttp server makes it, for a
// request with the given method and headers.
func serverCtx(method string, headers ...string) *fasthttp.RequestCtx {
	req := &fasthttp.Request{}
	req.SetRequestURI("http://api.example/v1/items")
	req.Header.SetMethod(method)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	var rc fasthttp.RequestCtx
	rc.Init(req, nil, nil)
	return &rc
}

// preflightOnce answers one preflight as a server would.
func preflightOnce(f filter.Filter, ctx *filter.Context, rc *fasthttp.RequestCtx, now time.Time) string {
	ctx.Reset(rc, nil, now)
	r := f.Handle(ctx)
	ctx.Finish()
	return r
}

// actualOnce lets one cross-origin request through, gives it a reply as an
// upstream would, and finishes it (the finisher adds the headers).
func actualOnce(f filter.Filter, ctx *filter.Context, rc *fasthttp.RequestCtx, now time.Time) string {
	ctx.Reset(rc, nil, now)
	r := f.Handle(ctx)
	resp := ctx.NewResponse()
	resp.SetBodyString("upstream")
	ctx.Finish()
	return r
}

func TestCORSAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, benchSpec)
	ctx := filter.NewContext()
	now := time.Now()
	pre := serverCtx("OPTIONS", "Origin", "https://eu.shop.example", "Access-Control-Request-Method", "PUT",
		"Access-Control-Request-Headers", "content-type, authorization")
	if r := preflightOnce(f, ctx, pre, now); r != ResultPreflighted || pre.Response.StatusCode() != 204 {
		t.Fatalf("preflight: %q %d", r, pre.Response.StatusCode())
	}
	if n := testing.AllocsPerRun(200, func() { preflightOnce(f, ctx, pre, now) }); n != 0 {
		t.Errorf("a preflight allocates %v", n)
	}
	act := serverCtx("POST", "Origin", "https://admin.example")
	if r := actualOnce(f, ctx, act, now); r != "" || string(act.Response.Header.Peek("Access-Control-Allow-Origin")) != "https://admin.example" {
		t.Fatalf("actual request: %q %s", r, act.Response.Header.String())
	}
	if n := testing.AllocsPerRun(200, func() { actualOnce(f, ctx, act, now) }); n != 0 {
		t.Errorf("an actual request allocates %v", n)
	}
	bad := serverCtx("POST", "Origin", "https://evil.example")
	if r := preflightOnce(f, ctx, bad, now); r != ResultRejected {
		t.Fatalf("refused origin: %q", r)
	}
	if n := testing.AllocsPerRun(200, func() { preflightOnce(f, ctx, bad, now) }); n != 0 {
		t.Errorf("a refusal allocates %v", n)
	}
}

func BenchmarkCORSPreflight(b *testing.B) {
	f := filtertest.New(b, Kind, benchSpec)
	ctx := filter.NewContext()
	now := time.Now()
	rc := serverCtx("OPTIONS", "Origin", "https://eu.shop.example", "Access-Control-Request-Method", "PUT",
		"Access-Control-Request-Headers", "content-type, authorization")
	b.ReportAllocs()
	for b.Loop() {
		preflightOnce(f, ctx, rc, now)
	}
}

func BenchmarkCORSActual(b *testing.B) {
	f := filtertest.New(b, Kind, benchSpec)
	ctx := filter.NewContext()
	now := time.Now()
	rc := serverCtx("POST", "Origin", "https://admin.example")
	b.ReportAllocs()
	for b.Loop() {
		actualOnce(f, ctx, rc, now)
	}
}

func BenchmarkCORSNoOrigin(b *testing.B) {
	f := filtertest.New(b, Kind, benchSpec)
	ctx := filter.NewContext()
	now := time.Now()
	rc := serverCtx("GET")
	b.ReportAllocs()
	for b.Loop() {
		preflightOnce(f, ctx, rc, now)
	}
}
