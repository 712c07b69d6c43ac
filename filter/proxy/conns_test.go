package proxy

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestIdleCapDoesNotLimitBusyConnections checks maxIdleConnsPerHost the
// way Easegress (net/http) reads it: more requests than the cap run at
// once, each on a connection of its own, and when they finish only the
// cap's worth of connections is kept.
func TestIdleCapDoesNotLimitBusyConnections(t *testing.T) {
	const concurrent, idleCap = 6, 2
	var open, inFlight atomic.Int64
	// gate lets held requests go; buffered so that the test never blocks
	// on it, and closed at the end so that no handler outlives the test.
	gate := make(chan struct{}, concurrent+1)
	up := startConfiguredUpstream(t, func(ctx *fasthttp.RequestCtx) {
		inFlight.Add(1)
		<-gate
		ctx.SetBodyString("ok")
	}, func(srv *fasthttp.Server) {
		srv.ConnState = func(_ net.Conn, s fasthttp.ConnState) {
			switch s {
			case fasthttp.StateNew:
				open.Add(1)
			case fasthttp.StateClosed:
				open.Add(-1)
			}
		}
	})
	t.Cleanup(func() { close(gate) })
	p := startProxy(t, `{"maxIdleConnsPerHost": 2, "pools": [`+poolDoc("", up.url)+`]}`)

	replies := make(chan reply, concurrent)
	for range concurrent {
		go func() { replies <- call(t, p, "192.0.2.1", nil) }()
	}
	waitFor(t, "all requests at the upstream at once", 5*time.Second, func() bool { return inFlight.Load() == concurrent })
	// Let them finish one at a time, so that each connection comes back
	// after the previous one did and the cap is exact.
	for i := range concurrent {
		gate <- struct{}{}
		r := <-replies
		if r.result != "" || r.status != 200 || r.body != "ok" {
			t.Fatalf("request %d: %+v, want 200 ok", i, r)
		}
	}
	waitFor(t, "connections beyond the idle cap closed", 5*time.Second, func() bool { return open.Load() == idleCap })

	// The kept connections serve the next requests: no new one is opened.
	gate <- struct{}{}
	if r := call(t, p, "192.0.2.1", nil); r.status != 200 {
		t.Fatalf("request on a kept connection: %+v", r)
	}
	if n := open.Load(); n != idleCap {
		t.Fatalf("%d connections open after reuse, want %d", n, idleCap)
	}
}
