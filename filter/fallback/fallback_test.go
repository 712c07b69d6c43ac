package fallback

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

const spec503 = `{"mockCode": 503, "mockHeaders": {"Retry-After": "30", "Content-Type": "application/json"}, "mockBody": "{\"error\":\"unavailable\"}"}`

func TestOverwrites(t *testing.T) {
	f := filtertest.New(t, Kind, spec503)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	resp := ctx.NewResponse()
	resp.SetStatusCode(500)
	resp.Header.Set("Content-Type", "text/html")
	resp.Header.Set("X-Upstream", "a")
	resp.Header.Set("Content-Encoding", "gzip")
	resp.SetBodyString("<h1>boom</h1>")
	if r := f.Handle(ctx); r != ResultFallback {
		t.Fatalf("result %q", r)
	}
	if resp.StatusCode() != 503 || string(resp.Body()) != `{"error":"unavailable"}` ||
		string(resp.Header.Peek("Retry-After")) != "30" || string(resp.Header.ContentType()) != "application/json" ||
		string(resp.Header.Peek("X-Upstream")) != "a" || len(resp.Header.Peek("Content-Encoding")) != 0 {
		t.Fatalf("overwritten response:\n%s", resp.String())
	}
	if st := f.Status().(Status); st.Fallbacks != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestEmptyBodyAndKeptEncoding(t *testing.T) {
	plain := filtertest.New(t, Kind, `{"mockCode": 204}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	resp := ctx.NewResponse()
	resp.SetBodyString("old body")
	if r := plain.Handle(ctx); r != ResultFallback || resp.StatusCode() != 204 || len(resp.Body()) != 0 {
		t.Fatalf("%q %d %q", r, resp.StatusCode(), resp.Body())
	}
	kept := filtertest.New(t, Kind, `{"mockCode": 200, "mockHeaders": {"content-encoding": "identity"}, "mockBody": "x"}`)
	resp.Header.Set("Content-Encoding", "gzip")
	if kept.Handle(ctx); string(resp.Header.Peek("Content-Encoding")) != "identity" {
		t.Fatalf("mockHeaders' Content-Encoding must win: %q", resp.Header.Peek("Content-Encoding"))
	}
}

func TestNoResponse(t *testing.T) {
	f := filtertest.New(t, Kind, spec503)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if r := f.Handle(ctx); r != ResultResponseNotFound || ctx.Response() != nil {
		t.Fatalf("result %q, response %v", r, ctx.Response())
	}
}

// closeTracker is a body stream that records being closed.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestReplacesStream(t *testing.T) {
	f := filtertest.New(t, Kind, spec503)
	stream := &closeTracker{Reader: strings.NewReader("a long streamed body")}
	s := filtertest.Serve(t, func(ctx *filter.Context) {
		ctx.NewResponse().SetBodyStream(stream, -1)
		f.Handle(ctx)
	})
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 503 || string(resp.Body()) != `{"error":"unavailable"}` || resp.Header.ContentLength() != len(`{"error":"unavailable"}`) {
		t.Fatalf("got %d %q length %d", resp.StatusCode(), resp.Body(), resp.Header.ContentLength())
	}
	if !stream.closed {
		t.Fatal("the replaced body stream was not closed")
	}
}

func TestOverwriteAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, spec503)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	var rc fasthttp.RequestCtx
	rc.Init(req, nil, nil)
	ctx := filter.NewContext()
	now := time.Now()
	once := func() {
		ctx.Reset(&rc, nil, now)
		ctx.NewResponse().SetBodyString("upstream failure")
		f.Handle(ctx)
		ctx.Finish()
	}
	once()
	if n := testing.AllocsPerRun(200, once); n != 0 {
		t.Errorf("overwriting allocates %v", n)
	}
}
