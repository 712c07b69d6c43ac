package mock

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

func serve(t testing.TB, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		if f.Handle(ctx) == "" {
			resp := ctx.NewResponse()
			resp.SetStatusCode(fasthttp.StatusTeapot)
			resp.SetBodyString("not mocked")
		}
	})
}

func get(t *testing.T, s *filtertest.Server, path string, headers ...[2]string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI(path)
	for _, kv := range headers {
		req.Header.Add(kv[0], kv[1])
	}
	resp := &fasthttp.Response{}
	if err := s.Do(req, resp); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

func TestServerReplies(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [
		{"match": {"pathPrefix": "/v1/ping", "headers": {"X-Env": {"exact": "prod"}}}, "code": 200, "body": "pong", "headers": {"X-Mock": "1"}},
		{"match": {"path": "/gone"}, "code": 410}
	]}`)
	s := serve(t, f)
	resp := get(t, s, "/v1/ping?x=1", [2]string{"X-Env", "prod"})
	if resp.StatusCode() != 200 || string(resp.Body()) != "pong" || string(resp.Header.Peek("X-Mock")) != "1" {
		t.Fatalf("got %d %q X-Mock=%q", resp.StatusCode(), resp.Body(), resp.Header.Peek("X-Mock"))
	}
	if resp := get(t, s, "/v1/ping"); resp.StatusCode() != fasthttp.StatusTeapot {
		t.Fatalf("no header: got %d, want the fall-through", resp.StatusCode())
	}
	if resp := get(t, s, "/gone"); resp.StatusCode() != 410 {
		t.Fatalf("/gone: got %d", resp.StatusCode())
	}
}

func TestServerDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	f := filtertest.New(t, Kind, `{"rules": [{"match": {"path": "/slow"}, "code": 200, "body": "late", "delay": "150ms"}, {"code": 200, "body": "now"}]}`)
	s := serve(t, f)
	start := time.Now()
	resp := get(t, s, "/slow")
	if took := time.Since(start); took < delay {
		t.Fatalf("delayed reply came after %v, want >= %v", took, delay)
	}
	if string(resp.Body()) != "late" {
		t.Fatalf("body %q", resp.Body())
	}
	start = time.Now()
	if resp := get(t, s, "/fast"); string(resp.Body()) != "now" {
		t.Fatalf("body %q", resp.Body())
	}
	if took := time.Since(start); took >= delay {
		t.Errorf("undelayed reply took %v", took)
	}
}

func TestServerShutdownCutsDelay(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [{"code": 200, "body": "late", "delay": "5m"}]}`)
	entered := make(chan struct{}, 1)
	s := filtertest.Serve(t, func(ctx *filter.Context) {
		entered <- struct{}{}
		f.Handle(ctx)
	})
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
		t.Fatal("request never reached the handler")
	}
	start := time.Now()
	if err := s.Shutdown(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if took := time.Since(start); took > filtertest.Timeout/2 {
		t.Fatalf("shutdown waited %v: the delay was not cut short", took)
	}
	select {
	case <-done:
	case <-time.After(filtertest.Timeout):
		t.Fatal("client never returned")
	}
}
