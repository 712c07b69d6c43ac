package httpserver

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/registry"
)

// bigBody is the size of the upstream's /v1/big reply.
const bigBody = 200 << 10

// poolUpstream is a net/http server on 127.0.0.1 counting the connections
// it accepts and describing, in X-Up-* headers, the requests it gets.
type poolUpstream struct {
	name, url string
	conns     atomic.Int64 // connections accepted
	hits      atomic.Int64 // requests other than health probes
	probes    atomic.Int64
	down      atomic.Bool // /health answers 503
}

// startPoolUpstream starts an upstream whose replies carry its name.
// Paths: /health (200, or 503 while down), /v1/big (bigBody bytes),
// /v1/fail (500), /v1/slow (answers after a second), anything else 200.
func startPoolUpstream(t testing.TB, name string) *poolUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &poolUpstream{name: name, url: "http://" + ln.Addr().String()}
	srv := &http.Server{
		Handler: http.HandlerFunc(u.serve),
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				u.conns.Add(1)
			}
		},
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return u
}

func (u *poolUpstream) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/health":
		u.probes.Add(1)
		if u.down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		return
	case "/v1/big":
		_, _ = w.Write(bytes.Repeat([]byte("x"), bigBody))
		return
	case "/v1/fail":
		w.WriteHeader(http.StatusInternalServerError)
		return
	case "/v1/slow":
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
		return
	}
	u.hits.Add(1)
	h := w.Header()
	h.Set("X-Up-Uri", r.URL.RequestURI())
	h.Set("X-Up-Xff", r.Header.Get("X-Forwarded-For"))
	h.Set("X-Up-Proto", r.Header.Get("X-Forwarded-Proto"))
	h.Set("X-Up-Host", r.Header.Get("X-Forwarded-Host"))
	h.Set("X-Up-Hop", r.Header.Get("X-Hop"))
	_, _ = io.WriteString(w, u.name)
}

// deadUpstreamURL returns the URL of a port nothing listens on.
func deadUpstreamURL(t testing.TB) string {
	return "http://127.0.0.1:" + strconv.Itoa(freePort(t))
}

// newPoolHarness returns a harness whose registry holds the Proxy kind.
func newPoolHarness(t testing.TB) *harness {
	h := newHarness(t)
	h.reg.Register(registry.FilterClass, proxy.Kind)
	return h
}

// proxyStatus returns the Proxy status of the inline pool at where.
func proxyStatus(t testing.TB, s *Server, where string) *proxy.Status {
	t.Helper()
	for _, bp := range s.Status().(Status).BackendPools {
		if bp.Path == where {
			ps, ok := bp.Proxy.(*proxy.Status)
			if !ok {
				t.Fatalf("status of %s is %T", where, bp.Proxy)
			}
			return ps
		}
	}
	t.Fatalf("no backendPool status for %s", where)
	return nil
}

// serverHealthy reads a server's health from an inline pool's status.
func serverHealthy(t testing.TB, s *Server, where, url string) bool {
	t.Helper()
	for _, srv := range proxyStatus(t, s, where).Pools[0].Servers {
		if srv.URL == url {
			return srv.Healthy
		}
	}
	t.Fatalf("no server %s in %s", url, where)
	return false
}

// fakeProxies provides a stand-in Proxy kind that records the lifecycle
// of its filters. The server finds the Proxy kind by name in its
// registry, so a test registry may hold this one instead.
type fakeProxies struct {
	mu  sync.Mutex
	all []*fakeProxy
}

// fakeProxySpec accepts any pool fields.
type fakeProxySpec struct {
	Pools []map[string]any `json:"pools"`
}

// fakeProxy answers "pool=<id>" where id is its pool's id field; a pool
// with fail: true fails Init and Inherit.
type fakeProxy struct {
	filter.Base
	id        string
	fail      bool
	inherited *fakeProxy
	started   atomic.Bool
	closed    atomic.Bool
}

// kind returns the stand-in Proxy kind.
func (fp *fakeProxies) kind() *filter.Kind {
	return &filter.Kind{
		Name:        proxyKindName,
		Description: "test stand-in for the Proxy filter",
		DefaultSpec: func() any { return &fakeProxySpec{} },
		New: func(spec *filter.Spec) filter.Filter {
			pool := spec.Body.(*fakeProxySpec).Pools[0]
			id, _ := pool["id"].(string)
			fail, _ := pool["fail"].(bool)
			f := &fakeProxy{Base: filter.NewBase(spec), id: id, fail: fail}
			fp.mu.Lock()
			fp.all = append(fp.all, f)
			fp.mu.Unlock()
			return f
		},
	}
}

// byID returns the filters built for pool id, oldest first.
func (fp *fakeProxies) byID(id string) []*fakeProxy {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	var out []*fakeProxy
	for _, f := range fp.all {
		if f.id == id {
			out = append(out, f)
		}
	}
	return out
}

func (f *fakeProxy) Init() error {
	if f.fail {
		return registry.FieldError{Path: "pools[0].fail", Reason: "asked to fail"}
	}
	f.started.Store(true)
	return nil
}

func (f *fakeProxy) Inherit(previous filter.Filter) error {
	f.inherited, _ = previous.(*fakeProxy)
	return f.Init()
}

func (f *fakeProxy) Handle(ctx *filter.Context) string {
	resp := ctx.NewResponse()
	resp.SetStatusCode(http.StatusOK)
	resp.SetBodyString("pool=" + f.id)
	return ""
}

func (f *fakeProxy) Close() error {
	f.closed.Store(true)
	return nil
}

// newFakePoolHarness returns a harness whose registry holds the stand-in
// Proxy kind.
func newFakePoolHarness(t testing.TB) (*harness, *fakeProxies) {
	h := newHarness(t)
	fp := &fakeProxies{}
	h.reg.Register(registry.FilterClass, fp.kind())
	return h, fp
}
