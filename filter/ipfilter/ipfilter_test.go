package ipfilter

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// serve runs f behind a real server; a request it lets through gets 200
// "passed".
func serve(t testing.TB, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		if f.Handle(ctx) == "" {
			ctx.NewResponse().SetBodyString("passed")
		}
	})
}

// get sends a request from 127.0.0.1 with the given headers and returns
// the status.
func get(t *testing.T, s *filtertest.Server, headers ...[2]string) int {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	for _, kv := range headers {
		req.Header.Add(kv[0], kv[1])
	}
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode()
}

func xff(v string) [2]string { return [2]string{"X-Forwarded-For", v} }

func TestPeerAddressDecides(t *testing.T) {
	blocked := serve(t, filtertest.New(t, Kind, `{"blockIPs": ["127.0.0.0/8"]}`))
	if code := get(t, blocked); code != 403 {
		t.Fatalf("blocked loopback peer: %d", code)
	}
	// Forged proxy headers do not unblock the peer.
	if code := get(t, blocked, xff("8.8.8.8"), [2]string{"X-Real-IP", "8.8.8.8"}); code != 403 {
		t.Fatalf("forged X-Forwarded-For got through: %d", code)
	}
	allowed := serve(t, filtertest.New(t, Kind, `{"allowIPs": ["127.0.0.1"]}`))
	if code := get(t, allowed); code != 200 {
		t.Fatalf("allowed peer: %d", code)
	}
	// ... nor block an allowed one.
	if code := get(t, allowed, xff("10.9.9.9")); code != 200 {
		t.Fatalf("forged X-Forwarded-For blocked an allowed peer: %d", code)
	}
	elsewhere := serve(t, filtertest.New(t, Kind, `{"allowIPs": ["10.0.0.0/8"]}`))
	if code := get(t, elsewhere); code != 403 {
		t.Fatalf("peer outside the allow list: %d", code)
	}
	def := serve(t, filtertest.New(t, Kind, `{"blockIPs": ["10.0.0.0/8"], "blockByDefault": true}`))
	if code := get(t, def); code != 403 {
		t.Fatalf("blockByDefault: %d", code)
	}
	both := serve(t, filtertest.New(t, Kind, `{"allowIPs": ["127.0.0.1"], "blockIPs": ["127.0.0.0/8"]}`))
	if code := get(t, both); code != 200 {
		t.Fatalf("in both lists, default allow: %d", code)
	}
}

func TestTrustedProxies(t *testing.T) {
	f := filtertest.New(t, Kind, `{"blockIPs": ["203.0.113.0/24"], "trustedProxies": ["127.0.0.1", "10.0.0.0/8"]}`)
	s := serve(t, f)
	for _, tc := range []struct {
		name    string
		headers [][2]string
		want    int
	}{
		{"no header: the proxy itself", nil, 200},
		{"client behind the proxy", [][2]string{xff("203.0.113.7")}, 403},
		{"two trusted hops", [][2]string{xff("203.0.113.7, 10.1.1.1")}, 403},
		{"forged first entry does not hide the client", [][2]string{xff("8.8.8.8, 203.0.113.7")}, 403},
		{"forged first entry does not block", [][2]string{xff("203.0.113.7, 8.8.8.8")}, 200},
		{"x-real-ip", [][2]string{{"X-Real-IP", "203.0.113.9"}}, 403},
		{"garbled entry: the proxy", [][2]string{xff("203.0.113.7, junk")}, 200},
	} {
		if code := get(t, s, tc.headers...); code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
		}
	}
	st := f.Status().(Status)
	if st.Blocked != 4 || st.Allowed != 3 {
		t.Errorf("status %+v, want 4 blocked and 3 allowed", st)
	}
}

func TestDetachedUsesRealIP(t *testing.T) {
	f := filtertest.New(t, Kind, `{"allowIPs": ["192.0.2.0/24"]}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filter.NewContext()
	defer ctx.Finish()
	ctx.ResetDetached(req, []byte("192.0.2.4"), time.Now())
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("allowed real IP: %q", r)
	}
	ctx.ResetDetached(req, []byte("198.51.100.1"), time.Now())
	if r := f.Handle(ctx); r != ResultForbidden || ctx.Response().StatusCode() != 403 {
		t.Fatalf("blocked real IP: %q", r)
	}
	ctx.ResetDetached(req, nil, time.Now())
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("no address at all gets the default (allow): %q", r)
	}
}

func TestCheckAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, `{"allowIPs": ["10.0.0.0/8", "127.0.0.1"], "blockIPs": ["10.66.0.0/16"], "trustedProxies": ["127.0.0.1"]}`)
	var rc fasthttp.RequestCtx
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.Set("X-Forwarded-For", "8.8.8.8, 10.1.2.3")
	rc.Init(req, nil, nil) // peer 0.0.0.0: not trusted, blocked
	ctx := filter.NewContext()
	now := time.Now()
	once := func() string {
		ctx.Reset(&rc, nil, now)
		r := f.Handle(ctx)
		ctx.Finish()
		return r
	}
	if r := once(); r != ResultForbidden {
		t.Fatalf("result %q", r)
	}
	if n := testing.AllocsPerRun(200, func() { once() }); n != 0 {
		t.Errorf("a check allocates %v per request", n)
	}
}

func BenchmarkIPFilter(b *testing.B) {
	f := filtertest.New(b, Kind, `{"allowIPs": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.1"], "blockIPs": ["10.66.0.0/16"]}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ctx.ResetDetached(req, []byte("192.168.7.7"), now)
		f.Handle(ctx)
		ctx.Finish()
	}
}
