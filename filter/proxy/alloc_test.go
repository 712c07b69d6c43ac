package proxy

import (
	"net"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// maxAllocsPerRequest is the number of allocations per request allowed on
// the steady-state proxy path (main pool, round robin, kept-alive upstream
// connection), counted process-wide: the filter, fasthttp's HostClient and
// the in-process fasthttp upstream together. The filter's own target is
// zero; the measured total is 0 too.
const maxAllocsPerRequest = 0

// benchUpstreams starts two upstreams answering a small body.
func benchUpstreams(t testing.TB) (string, string) {
	h := func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString(`{"ok":true}`) }
	return startUpstream(t, h).url, startUpstream(t, h).url
}

// benchRequest is the client request of the allocation test and benchmark.
func benchRequest() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.Header.SetMethod("GET")
	req.SetRequestURI("/bench/items?id=42")
	req.Header.SetHost("api.example")
	req.Header.Set("User-Agent", "bench/1.0")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	req.Header.Set("Connection", "keep-alive")
	return req
}

// detachedRunner drives Handle with a detached context.
func detachedRunner(t testing.TB, p *Proxy) func() {
	tmpl := benchRequest()
	req := &fasthttp.Request{}
	ctx := filter.NewContext()
	ip := []byte("10.0.0.1")
	return func() {
		tmpl.CopyTo(req)
		ctx.ResetDetached(req, ip, time.Now())
		if r := p.Handle(ctx); r != "" {
			t.Fatalf("result %q", r)
		}
		ctx.Finish()
	}
}

// serverRunner drives Handle with a context over a fasthttp.RequestCtx, as
// the HTTPServer does: the reply lands in the server's own response.
func serverRunner(t testing.TB, p *Proxy) func() {
	tmpl := benchRequest()
	rc := &fasthttp.RequestCtx{}
	rc.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 40000}, nil)
	ctx := filter.NewContext()
	ip := []byte("10.0.0.1")
	return func() {
		tmpl.CopyTo(&rc.Request)
		rc.Response.Reset()
		ctx.Reset(rc, ip, time.Now())
		if r := p.Handle(ctx); r != "" {
			t.Fatalf("result %q", r)
		}
		ctx.Finish()
	}
}

func TestProxyDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	a, b := benchUpstreams(t)
	p := startProxy(t, `{"pools":[`+poolDoc("", a, b)+`]}`)
	for name, mk := range map[string]func(testing.TB, *Proxy) func(){"detached": detachedRunner, "server": serverRunner} {
		t.Run(name, func(t *testing.T) {
			run := mk(t, p)
			for i := 0; i < 200; i++ {
				run()
			}
			if allocs := testing.AllocsPerRun(2000, run); allocs > maxAllocsPerRequest {
				t.Fatalf("%v allocations per request, want <= %d", allocs, maxAllocsPerRequest)
			}
		})
	}
}

func BenchmarkProxy(b *testing.B) {
	up1, up2 := benchUpstreams(b)
	p := startProxy(b, `{"pools":[`+poolDoc("", up1, up2)+`]}`)
	for name, mk := range map[string]func(testing.TB, *Proxy) func(){"detached": detachedRunner, "server": serverRunner} {
		b.Run(name, func(b *testing.B) {
			run := mk(b, p)
			run()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run()
			}
		})
	}
}
