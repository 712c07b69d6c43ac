package proxy

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
	"github.com/valyala/fasthttp"
)

// testUpstream is a fasthttp server on 127.0.0.1 recording what it gets.
type testUpstream struct {
	url  string
	addr string
	srv  *fasthttp.Server
	hits atomic.Int64

	mu   sync.Mutex
	last *fasthttp.Request
}

// startUpstream starts an upstream answering with handler (nil: 200 with
// the upstream's address as body).
func startUpstream(t testing.TB, handler fasthttp.RequestHandler) *testUpstream {
	t.Helper()
	return startConfiguredUpstream(t, handler, nil)
}

// startConfiguredUpstream is startUpstream with configure (nil: none)
// adjusting the server before it serves.
func startConfiguredUpstream(t testing.TB, handler fasthttp.RequestHandler, configure func(*fasthttp.Server)) *testUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &testUpstream{addr: ln.Addr().String()}
	u.url = "http://" + u.addr
	u.srv = &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			u.hits.Add(1)
			if !strings.HasPrefix(string(ctx.Path()), "/bench") {
				u.mu.Lock()
				if u.last == nil {
					u.last = &fasthttp.Request{}
				}
				ctx.Request.CopyTo(u.last)
				u.mu.Unlock()
			}
			if handler != nil {
				handler(ctx)
				return
			}
			ctx.SetBodyString(u.addr)
		},
		ReadTimeout: 10 * time.Second,
	}
	if configure != nil {
		configure(u.srv)
	}
	go func() { _ = u.srv.Serve(ln) }()
	t.Cleanup(func() { _ = u.srv.Shutdown() })
	return u
}

// lastRequest returns a copy of the last request received.
func (u *testUpstream) lastRequest() *fasthttp.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.last == nil {
		return nil
	}
	r := &fasthttp.Request{}
	u.last.CopyTo(r)
	return r
}

// deadURL returns the URL of a port nothing listens on.
func deadURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr
}

// decodeSpec decodes the Proxy fields through a registry of its own.
func decodeSpec(doc string) (*Spec, error) {
	return specDecoder()(doc)
}

// specDecoder returns a decoder over one registry entry, so that the
// schema is compiled once for many documents.
func specDecoder() func(doc string) (*Spec, error) {
	r := registry.New()
	r.Register(registry.FilterClass, Kind)
	e, err := r.Lookup(registry.FilterClass, KindName)
	return func(doc string) (*Spec, error) {
		if err != nil {
			return nil, err
		}
		v, err := e.DecodeSpec([]byte(doc))
		if err != nil {
			return nil, err
		}
		return v.(*Spec), nil
	}
}

// fakePolicy is a resilience policy of a given kind.
type fakePolicy struct{ name, kind string }

func (f fakePolicy) Name() string             { return f.name }
func (f fakePolicy) Kind() *filter.PolicyKind { return &filter.PolicyKind{Name: f.kind} }

// fakePolicies is a filter.PolicyLookup.
type fakePolicies map[string]string

func (f fakePolicies) Policy(name string) (filter.Policy, bool) {
	k, ok := f[name]
	if !ok {
		return nil, false
	}
	return fakePolicy{name: name, kind: k}, true
}

// newFilter decodes doc and creates a Proxy without starting it.
func newFilter(t testing.TB, doc string, policies filter.PolicyLookup) *Proxy {
	t.Helper()
	spec, err := decodeSpec(doc)
	if err != nil {
		t.Fatalf("decode %s: %v", doc, err)
	}
	fs := &filter.Spec{Name: "px", Kind: Kind, Pipeline: "test", Body: spec, Env: &filter.Env{Policies: policies}}
	return New(fs).(*Proxy)
}

// startProxy decodes doc, creates and initialises a Proxy closed at
// cleanup.
func startProxy(t testing.TB, doc string) *Proxy {
	t.Helper()
	p := newFilter(t, doc, nil)
	if err := p.Init(); err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// poolDoc renders a pools document with the given servers and extra pool
// fields (a JSON fragment, may be empty).
func poolDoc(extra string, urls ...string) string {
	var servers []string
	for _, u := range urls {
		servers = append(servers, fmt.Sprintf(`{"url":%q}`, u))
	}
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"servers":[%s]%s}`, strings.Join(servers, ","), extra)
}

// reply is what a detached request produced.
type reply struct {
	result string
	status int
	body   string
	header *fasthttp.ResponseHeader
	stream bool
}

// call runs one request through p with a detached context. edit prepares
// the request (method GET, URI /, Host example.com by default).
func call(t testing.TB, p *Proxy, ip string, edit func(*fasthttp.Request)) reply {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	req.Header.SetHost("example.com")
	if edit != nil {
		edit(req)
	}
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte(ip), time.Now())
	defer ctx.Finish()
	out := reply{result: p.Handle(ctx)}
	if resp := ctx.Response(); resp != nil {
		out.stream = resp.IsBodyStream()
		out.status = resp.StatusCode()
		out.body = string(resp.Body())
		out.header = &fasthttp.ResponseHeader{}
		resp.Header.CopyTo(out.header)
	}
	return out
}

// front is a fasthttp server running a Proxy as its whole pipeline, as
// the HTTPServer does: the DEFAULT namespace is the server's own request
// and response.
type front struct {
	url     string
	results chan string
}

// startFront serves p on 127.0.0.1. configure may adjust the server.
func startFront(t testing.TB, p *Proxy, configure func(*fasthttp.Server)) *front {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &front{url: "http://" + ln.Addr().String(), results: make(chan string, 64)}
	contexts := sync.Pool{New: func() any { return filter.NewContext() }}
	srv := &fasthttp.Server{
		Handler: func(rc *fasthttp.RequestCtx) {
			ctx := contexts.Get().(*filter.Context)
			ctx.Reset(rc, []byte(rc.RemoteIP().String()), time.Now())
			result := p.Handle(ctx)
			ctx.Finish()
			contexts.Put(ctx)
			select {
			case f.results <- result:
			default:
			}
		},
	}
	if configure != nil {
		configure(srv)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return f
}

// statusJSON renders the filter status.
func statusJSON(t testing.TB, p *Proxy) string {
	t.Helper()
	b, err := json.Marshal(p.Status())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
