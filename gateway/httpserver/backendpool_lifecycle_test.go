package httpserver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/supervisor"
)

// TestBackendPoolHotUpdateKeepsConnections updates an HTTPServer with an
// inline pool the way a gateway does, through the supervisor: an update
// that changes only other routes keeps the pool's upstream connection,
// and a pool change takes effect on the same client connection.
func TestBackendPoolHotUpdateKeepsConnections(t *testing.T) {
	h := newPoolHarness(t)
	a, b := startPoolUpstream(t, "up-a"), startPoolUpstream(t, "up-b")
	store := newMemStore()
	port := freePort(t)
	doc := func(paths string) string { return serverDoc("edge", port, "rules: [{paths: ["+paths+"]}]\n") }
	poolA := fmt.Sprintf("{servers: [{url: %q}]}", a.url)
	store.put("objects/p", "kind: Pipeline\nname: p\nfilters: [{name: echo, kind: Echo}]\n")
	store.put("objects/edge", doc("{path: /a, backendPool: "+poolA+"}, {path: /b, backend: p}"))
	sup := supervisor.New(supervisor.Config{
		Registry:  h.reg,
		Store:     store,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		TrafficIP: "127.0.0.1",
	})
	if err := sup.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer sup.Close()
	wait := func(rev uint64) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sup.WaitApplied(ctx, rev); err != nil {
			t.Fatal(err)
		}
		if err := sup.ObjectError("edge"); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t)
	get := func(path string) result {
		t.Helper()
		return do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil, nil)
	}
	for range 3 {
		if r := get("/a"); r.status != 200 || r.body != "up-a" {
			t.Fatalf("%+v", r)
		}
	}
	if n := a.conns.Load(); n != 1 {
		t.Fatalf("%d upstream connections before the update", n)
	}

	// Routes only: one added before the pool's path, another changed.
	wait(store.put("objects/edge", doc("{path: /c, backend: p}, {path: /a, backendPool: "+poolA+"}, {path: /b, methods: [GET], backend: p}")))
	if r := get("/c"); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=p ") || !r.reused {
		t.Fatalf("added route: %+v", r)
	}
	for range 3 {
		if r := get("/a"); r.status != 200 || r.body != "up-a" || !r.reused {
			t.Fatalf("%+v", r)
		}
	}
	if n := a.conns.Load(); n != 1 {
		t.Fatalf("a route-only update opened %d upstream connections, want the one kept", n)
	}

	// The pool changes: b joins; a keeps its connection.
	wait(store.put("objects/edge", doc(fmt.Sprintf("{path: /c, backend: p}, {path: /a, backendPool: {servers: [{url: %q}, {url: %q}]}}", a.url, b.url))))
	seen := map[string]int{}
	for range 4 {
		r := get("/a")
		if r.status != 200 || !r.reused {
			t.Fatalf("%+v", r)
		}
		seen[r.body]++
	}
	if seen["up-a"] != 2 || seen["up-b"] != 2 {
		t.Fatalf("after the pool change: %v", seen)
	}
	if na, nb := a.conns.Load(), b.conns.Load(); na != 1 || nb != 1 {
		t.Fatalf("upstream connections a=%d b=%d, want 1 and 1", na, nb)
	}
	for _, st := range sup.Status() {
		if st.Name != "edge" {
			continue
		}
		s := st.Status.(Status)
		if !s.Listening || s.AcceptedConnections != 1 || len(s.BackendPools) != 1 || s.BackendPools[0].Path != "rules[0].paths[1]" {
			t.Fatalf("status %+v", s)
		}
	}
}

// TestBackendPoolFailedStartClosesWhatWasBuilt checks that a generation
// failing to start closes the pools it started, and that the running
// generation keeps serving with its own.
func TestBackendPoolFailedStartClosesWhatWasBuilt(t *testing.T) {
	h, fp := newFakePoolHarness(t)
	port := freePort(t)
	old := h.server(serverDoc("edge", port, "rules: [{paths: [{path: /a, backendPool: {id: a}}]}]\n"))
	c := newClient(t)
	url := fmt.Sprintf("http://127.0.0.1:%d/a", port)
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || r.body != "pool=a" {
		t.Fatalf("%+v", r)
	}

	// The second pool of the new generation fails to start.
	next := h.newServerObject(serverDoc("edge", port, "rules: [{paths: [{path: /a, backendPool: {id: a}}, {path: /b, backendPool: {id: b, fail: true}}]}]\n"))
	err := next.Inherit(old)
	if err == nil || !strings.Contains(err.Error(), "rules[0].paths[1].backendPool.fail: asked to fail") {
		t.Fatalf("error %v", err)
	}
	as := fp.byID("a")
	if len(as) != 2 || as[1].inherited != as[0] || !as[1].closed.Load() || as[0].closed.Load() {
		t.Fatalf("the half-built pool was not closed, or the running one was: %d filters", len(as))
	}
	if next.snap.inline[0].pipe.Acquire() {
		t.Fatal("the half-built pool's pipeline still takes requests")
	}
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || r.body != "pool=a" || !r.reused || old.Addr() == nil {
		t.Fatalf("the running generation after a failed update: %+v", r)
	}

	// A generation that cannot bind its new address closes its pools.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	moved := h.newServerObject(serverDoc("edge", busy.Addr().(*net.TCPAddr).Port, "rules: [{paths: [{path: /a, backendPool: {id: a}}]}]\n"))
	if err := moved.Inherit(old); err == nil {
		t.Fatal("bound a busy port")
	}
	if as = fp.byID("a"); len(as) != 3 || as[2].inherited != as[0] || !as[2].closed.Load() || as[0].closed.Load() {
		t.Fatal("the pools of a generation that could not listen were not closed")
	}
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || r.body != "pool=a" {
		t.Fatalf("%+v", r)
	}

	// Init fails the same way, and leaves nothing bound.
	fresh := h.newServerObject(serverDoc("other", freePort(t), "rules: [{paths: [{path: /c, backendPool: {id: c}}, {path: /d, backendPool: {id: d, fail: true}}]}]\n"))
	if err := fresh.Init(); err == nil || !strings.Contains(err.Error(), "rules[0].paths[1].backendPool.fail") {
		t.Fatalf("error %v", err)
	}
	if cs := fp.byID("c"); len(cs) != 1 || !cs[0].started.Load() || !cs[0].closed.Load() || fresh.Addr() != nil {
		t.Fatal("a failed Init left its first pool open or a listener bound")
	}

	// Closing the server closes its pools.
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if !fp.byID("a")[0].closed.Load() {
		t.Fatal("Close left the pool open")
	}
}

// TestBackendPoolUpdatesUnderLoad applies 50 updates, changing the pool
// or only other routes, while clients send requests without pause: no
// request fails, the clients keep their connections, and the upstream
// connections are kept across generations.
func TestBackendPoolUpdatesUnderLoad(t *testing.T) {
	const (
		updates = 50
		workers = 4
	)
	h := newPoolHarness(t)
	h.pipeline("p", "")
	a, b := startPoolUpstream(t, "up-a"), startPoolUpstream(t, "up-b")
	port := freePort(t)
	doc := func(i int) string {
		var paths string
		switch i % 3 {
		case 0:
			paths = fmt.Sprintf("{path: /x, backendPool: {servers: [{url: %q}, {url: %q}]}}, {path: /y, backend: p}", a.url, b.url)
		case 1:
			paths = fmt.Sprintf("{path: /y, backend: p}, {path: /x, backendPool: {servers: [{url: %q}, {url: %q}]}}", a.url, b.url)
		case 2:
			paths = fmt.Sprintf("{path: /x, backendPool: {servers: [{url: %q}], timeout: 5s}}", a.url)
		}
		return serverDoc("edge", port, "rules: [{paths: ["+paths+"]}]\n")
	}
	obj, err := h.build(doc(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		t.Fatal(err)
	}
	cur := obj.(*Server)
	defer func() { _ = cur.Close() }()

	var (
		ok, failed atomic.Int64
		firstErr   atomic.Value
		stop       = make(chan struct{})
		wg         sync.WaitGroup
	)
	url := fmt.Sprintf("http://127.0.0.1:%d/x", port)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t)
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := tryDo(c, "GET", url, nil, nil)
				switch {
				case err != nil:
					firstErr.CompareAndSwap(nil, err.Error())
					failed.Add(1)
				case r.status != 200 || (r.body != "up-a" && r.body != "up-b"):
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d body %q", r.status, r.body))
					failed.Add(1)
				default:
					ok.Add(1)
				}
			}
		}()
	}
	deadline := time.Now().Add(60 * time.Second)
	for i := 1; i <= updates && time.Now().Before(deadline); i++ {
		before := ok.Load()
		obj, err := h.build(doc(i))
		if err != nil {
			t.Fatal(err)
		}
		next := obj.(*Server)
		if err := next.Inherit(cur); err != nil {
			t.Fatal(err)
		}
		prev := cur
		cur = next
		if err := prev.Close(); err != nil {
			t.Fatal(err)
		}
		// Let requests run on the new generation before the next update.
		for ok.Load() < before+workers && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	close(stop)
	wg.Wait()
	if time.Now().After(deadline) {
		t.Fatalf("updates did not finish in time (%d requests served)", ok.Load())
	}
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d requests failed during updates; first: %v", n, n+ok.Load(), firstErr.Load())
	}
	if n := ok.Load(); n < updates*workers {
		t.Fatalf("only %d requests served", n)
	}
	st := cur.Status().(Status)
	if st.AcceptedConnections != workers {
		t.Fatalf("%d client connections accepted, want %d: the listener or connections were dropped", st.AcceptedConnections, workers)
	}
	// Each generation inherits the upstream connection pools: the
	// connections to a stay about as many as there are clients.
	if n := a.conns.Load(); n > 2*workers {
		t.Fatalf("%d connections to a over %d updates: connection pools not kept", n, updates)
	}
}

// TestBackendPoolOfAClosedGenerationIsNotUsed checks what a request does
// when it routed on a snapshot whose pools were closed: serve leaves the
// request untouched and reports it, so the handler serves it again on the
// current snapshot; with no newer snapshot it answers 503.
func TestBackendPoolOfAClosedGenerationIsNotUsed(t *testing.T) {
	h, _ := newFakePoolHarness(t)
	build := func(id string) *Server {
		s := h.newServerObject(serverDoc("edge", 8080, "rules: [{paths: [{pathPrefix: /, backendPool: {id: "+id+"}}]}]\n"))
		if err := s.startInline(nil); err != nil {
			t.Fatal(err)
		}
		return s
	}
	old, next := build("old"), build("next")
	if err := closeInline(old.snap.inline); err != nil {
		t.Fatal(err)
	}
	rt := &listenerRuntime{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rt.states.New = func() any { return newRequestState() }
	rt.snap.Store(old.snap)

	ctx := testCtx("GET", "/x", "192.0.2.10", "X-Forwarded-For: 198.51.100.7")
	st := newRequestState()
	if serve(old.snap, st, ctx) {
		t.Fatal("served with a closed pool")
	}
	if len(ctx.Response.Body()) != 0 || string(ctx.Request.Header.Peek("X-Forwarded-For")) != "198.51.100.7" {
		t.Fatal("the request or response was changed")
	}
	rt.handle(ctx)
	if code := ctx.Response.StatusCode(); code != 503 {
		t.Fatalf("status %d with only a closed generation", code)
	}
	rt.snap.Store(next.snap)
	ctx.Response.Reset()
	rt.handle(ctx)
	if code, body := ctx.Response.StatusCode(), string(ctx.Response.Body()); code != 200 || body != "pool=next" {
		t.Fatalf("status %d body %q", code, body)
	}
}
