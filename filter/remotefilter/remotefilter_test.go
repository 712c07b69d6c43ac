package remotefilter

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/valyala/fasthttp"
)

// newRequest returns the request the filter tests start from.
func newRequest() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.SetRequestURI("http://shop.example/orders/7?x=1&y=2")
	req.Header.SetMethod("POST")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.Header.Set("X-Secret", "s3cret")
	req.Header.SetContentType("text/plain")
	req.SetBodyString("hello")
	return req
}

// snapshot is a request as a string, to see that it did not change.
func snapshot(req *fasthttp.Request) string {
	return req.String()
}

func newFilter(t testing.TB, url, extra string) *RemoteFilter {
	return filtertest.New(t, Kind, `{"url": "`+url+`"`+extra+`}`).(*RemoteFilter)
}

func TestSendsContext(t *testing.T) {
	var got testContext
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
		got = *doc
		return doc
	})
	f := newFilter(t, s.url, "")
	req := newRequest()
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("result %q", r)
	}
	rq := got.Request
	if rq == nil || rq.RealIP != filtertest.ClientIP || rq.Method != "POST" || rq.Scheme != "http" || rq.Host != "shop.example" ||
		rq.Path != "/orders/7" || rq.Query != "x=1&y=2" || rq.Proto != "HTTP/1.1" || string(rq.Body) != "hello" {
		t.Fatalf("request sent %+v", rq)
	}
	if v := rq.Header["X-Multi"]; len(v) != 2 || v[0] != "a" || v[1] != "b" {
		t.Fatalf("multi-valued header sent as %q", v)
	}
	if _, ok := rq.Header["Host"]; ok || rq.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("header sent %v", rq.Header)
	}
	rs := got.Response
	if rs == nil || rs.StatusCode != 200 || len(rs.Header) != 0 || rs.Body != nil {
		t.Fatalf("no response must be sent as Easegress's empty one, got %+v", rs)
	}
	raw := s.last.Load().([]byte)
	for _, want := range []string{`"body":"aGVsbG8="`, `"X-Multi":["a","b"]`, `"response":{"statusCode":200,"header":{},"body":null}`} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the document %s lacks %s", raw, want)
		}
	}
	// The echoed document holds a response, which replaces (here
	// creates) the response, as in Easegress.
	if resp := ctx.Response(); resp == nil || resp.StatusCode() != 200 || len(resp.Body()) != 0 {
		t.Fatalf("response %v", resp)
	}
	// The reply echoed the document: the request is the same but for
	// header order.
	if string(req.Body()) != "hello" || string(req.URI().RequestURI()) != "/orders/7?x=1&y=2" || string(req.Header.Peek("X-Secret")) != "s3cret" {
		t.Fatalf("an echoed document changed the request: %s", req.String())
	}
}

func TestAppliesReply(t *testing.T) {
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
		r := doc.Request
		r.Method, r.Path, r.Query = "PUT", "/v2/orders/7", "z=9"
		r.Header.Del("X-Secret")
		r.Header.Set("X-Checked", "yes")
		r.Header.Set("Host", "evil.example")
		r.Header.Set("Content-Length", "1")
		r.Body = []byte("rewritten")
		doc.Response.StatusCode = 202
		doc.Response.Header = http.Header{"X-From": {"remote"}}
		doc.Response.Body = []byte("accepted")
		return doc
	})
	f := newFilter(t, s.url, `, "timeout": "5s"`)
	req := newRequest()
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("result %q", r)
	}
	if string(req.Header.Method()) != "PUT" || string(req.URI().RequestURI()) != "/v2/orders/7?z=9" || string(req.Body()) != "rewritten" ||
		string(req.Host()) != "shop.example" || req.Header.Peek("X-Secret") != nil || string(req.Header.Peek("X-Checked")) != "yes" ||
		len(req.Header.PeekAll("X-Multi")) != 2 {
		t.Fatalf("request after the reply:\n%s", req.String())
	}
	resp := ctx.Response()
	if resp == nil || resp.StatusCode() != 202 || string(resp.Body()) != "accepted" || string(resp.Header.Peek("X-From")) != "remote" {
		t.Fatalf("response after the reply: %v", resp)
	}
	if st := f.Status().(*Status); st.Calls != 1 || st.Failures != 0 {
		t.Fatalf("status %+v", st)
	}
}

func TestReplacesResponse(t *testing.T) {
	var sent string
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
		sent = string(doc.Response.Body) + " " + doc.Response.Header.Get("X-Up")
		doc.Response.Header = http.Header{"X-New": {"1"}}
		doc.Response.Body = []byte(strings.ToUpper(string(doc.Response.Body)))
		return doc
	})
	f := newFilter(t, s.url, "")
	ctx := filtertest.Detached(newRequest())
	defer ctx.Finish()
	resp := ctx.NewResponse()
	resp.SetStatusCode(200)
	resp.Header.Set("X-Up", "old")
	resp.SetBodyString("from upstream")
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("result %q", r)
	}
	resp = ctx.Response()
	if sent != "from upstream old" || string(resp.Body()) != "FROM UPSTREAM" || resp.Header.Peek("X-Up") != nil || string(resp.Header.Peek("X-New")) != "1" {
		t.Fatalf("service saw %q; response now %s", sent, resp.String())
	}
}

func TestResetContent(t *testing.T) {
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
		if doc.Request.Header.Get("X-Empty") != "" {
			w.WriteHeader(http.StatusResetContent)
			return nil
		}
		doc.Response.StatusCode = 403
		doc.Response.Body = []byte("denied")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusResetContent)
		_ = json.NewEncoder(w).Encode(doc)
		return nil
	})
	f := newFilter(t, s.url, "")
	ctx := filtertest.Detached(newRequest())
	defer ctx.Finish()
	if r := f.Handle(ctx); r != ResultResponseAlready {
		t.Fatalf("result %q", r)
	}
	if resp := ctx.Response(); resp == nil || resp.StatusCode() != 403 || string(resp.Body()) != "denied" {
		t.Fatalf("response %v", resp)
	}
	req := newRequest()
	req.Header.Set("X-Empty", "1")
	before := snapshot(req)
	ctx2 := filtertest.Detached(req)
	defer ctx2.Finish()
	if r := f.Handle(ctx2); r != ResultResponseAlready {
		t.Fatalf("empty 205: result %q", r)
	}
	if resp := ctx2.Response(); resp == nil || resp.StatusCode() != 200 || snapshot(req) != before {
		t.Fatalf("empty 205: response %v, request changed: %v", resp, snapshot(req) != before)
	}
	if st := f.Status().(*Status); st.ResponseAlready != 2 {
		t.Fatalf("status %+v", st)
	}
}

// TestFailures checks that every bad reply fails with a 503 and leaves
// the request as it was.
func TestFailures(t *testing.T) {
	big := strings.Repeat("A", MaxReplyBytes)
	cases := map[string]func(doc *testContext, w http.ResponseWriter) *testContext{
		"500":        func(_ *testContext, w http.ResponseWriter) *testContext { return raw(w, 500, "boom") },
		"404":        func(_ *testContext, w http.ResponseWriter) *testContext { return raw(w, 404, "") },
		"302":        func(_ *testContext, w http.ResponseWriter) *testContext { return raw(w, 302, "") },
		"empty 200":  func(_ *testContext, w http.ResponseWriter) *testContext { return raw(w, 200, "") },
		"bad JSON":   func(_ *testContext, w http.ResponseWriter) *testContext { return raw(w, 200, `{"request": {`) },
		"no request": func(_ *testContext, w http.ResponseWriter) *testContext { return raw(w, 200, `{"response": null}`) },
		"bad base64": func(_ *testContext, w http.ResponseWriter) *testContext {
			return raw(w, 200, `{"request": {"method": "GET", "path": "/", "body": "!!"}}`)
		},
		"oversized": func(_ *testContext, w http.ResponseWriter) *testContext {
			return raw(w, 200, `{"request": {"method": "GET", "path": "/", "query": "`+big+`"}}`)
		},
		"empty method":  func(d *testContext, _ http.ResponseWriter) *testContext { d.Request.Method = ""; return d },
		"method space":  func(d *testContext, _ http.ResponseWriter) *testContext { d.Request.Method = "GET /x"; return d },
		"relative path": func(d *testContext, _ http.ResponseWriter) *testContext { d.Request.Path = "x"; return d },
		"path CRLF":     func(d *testContext, _ http.ResponseWriter) *testContext { d.Request.Path = "/x\r\nX-A: 1"; return d },
		"query space":   func(d *testContext, _ http.ResponseWriter) *testContext { d.Request.Query = "a=1 HTTP/1.1"; return d },
		"header name LF": func(d *testContext, _ http.ResponseWriter) *testContext {
			d.Request.Header["X-A\r\nX-B"] = []string{"1"}
			return d
		},
		"header value CR": func(d *testContext, _ http.ResponseWriter) *testContext {
			d.Request.Header["X-A"] = []string{"1\r\nX-Injected: 1"}
			return d
		},
		"response header": func(d *testContext, _ http.ResponseWriter) *testContext {
			d.Response.Header = http.Header{"Bad Name": {"1"}}
			return d
		},
		"response status": func(d *testContext, _ http.ResponseWriter) *testContext { d.Response.StatusCode = 700; return d },
		"status 100":      func(d *testContext, _ http.ResponseWriter) *testContext { d.Response.StatusCode = 100; return d },
	}
	for name, reply := range cases {
		t.Run(name, func(t *testing.T) {
			s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
				if out := reply(doc, w); out != nil {
					// A valid edit alongside the bad one must not be applied either.
					out.Request.Header.Set("X-Half", "applied")
					out.Request.Body = []byte("half")
					return out
				}
				return nil
			})
			f := newFilter(t, s.url, "")
			req := newRequest()
			before := snapshot(req)
			ctx := filtertest.Detached(req)
			defer ctx.Finish()
			if r := f.Handle(ctx); r != ResultFailed {
				t.Fatalf("result %q", r)
			}
			if after := snapshot(req); after != before {
				t.Fatalf("request changed:\n%s\nwas\n%s", after, before)
			}
			if resp := ctx.Response(); resp == nil || resp.StatusCode() != 503 {
				t.Fatalf("response %v, want 503", resp)
			}
			if !strings.Contains(string(ctx.Tags()), "remoteFilterErr: ") {
				t.Fatalf("tags %q", ctx.Tags())
			}
			if st := f.Status().(*Status); st.Calls != 1 || st.Failures != 1 {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	f := newFilter(t, "http://"+closedAddr(t)+"/hook", `, "timeout": "2s"`)
	ctx := filtertest.Detached(newRequest())
	defer ctx.Finish()
	if r := f.Handle(ctx); r != ResultFailed || ctx.Response().StatusCode() != 503 {
		t.Fatalf("result %q", r)
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	return "127.0.0.1:" + strconv.Itoa(filtertest.FreePort(t))
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext {
		select {
		case <-release:
		case <-time.After(filtertest.Timeout):
		}
		return doc
	})
	defer close(release)
	f := newFilter(t, s.url, `, "timeout": "150ms"`)
	req := newRequest()
	before := snapshot(req)
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	start := time.Now()
	r := f.Handle(ctx)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("a slow service held the request %v", took)
	}
	if r != ResultFailed || snapshot(req) != before || !strings.Contains(string(ctx.Tags()), "timeout") {
		t.Fatalf("result %q, tags %q", r, ctx.Tags())
	}
}

func TestBodyLimits(t *testing.T) {
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext { return doc })
	f := newFilter(t, s.url, "")
	run := func(reqBody, respBody int, want string) {
		t.Helper()
		req := newRequest()
		req.SetBody(bytes.Repeat([]byte("r"), reqBody))
		before := snapshot(req)
		ctx := filtertest.Detached(req)
		defer ctx.Finish()
		if respBody >= 0 {
			ctx.NewResponse().SetBody(bytes.Repeat([]byte("w"), respBody))
		}
		calls := s.calls.Load()
		if r := f.Handle(ctx); r != want {
			t.Fatalf("bodies %d/%d: result %q, want %q", reqBody, respBody, r, want)
		}
		if want == ResultFailed {
			if s.calls.Load() != calls {
				t.Fatalf("bodies %d/%d: the service was called", reqBody, respBody)
			}
			if snapshot(req) != before {
				t.Fatal("request changed")
			}
		} else if len(req.Body()) != reqBody {
			t.Fatalf("body of %d came back as %d", reqBody, len(req.Body()))
		}
	}
	run(MaxBodyBytes, MaxBodyBytes, "")
	run(MaxBodyBytes+1, -1, ResultFailed)
	run(10, MaxBodyBytes+1, ResultFailed)

	req := newRequest()
	req.SetBodyStream(strings.NewReader("streamed"), -1)
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	calls := s.calls.Load()
	if r := f.Handle(ctx); r != ResultFailed || s.calls.Load() != calls || !req.IsBodyStream() {
		t.Fatalf("a streamed body: result %q", r)
	}
}

func TestInheritKeepsClient(t *testing.T) {
	s := startService(t, func(doc *testContext, w http.ResponseWriter) *testContext { return doc })
	build := func(extra string) *RemoteFilter {
		body, err := filtertest.Decode(Kind, `{"url": "`+s.url+`"`+extra+`}`)
		if err != nil {
			t.Fatal(err)
		}
		return Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: body}).(*RemoteFilter)
	}
	first := build("")
	if err := first.Init(); err != nil {
		t.Fatal(err)
	}
	ctx := filtertest.Detached(newRequest())
	first.Handle(ctx)
	ctx.Finish()
	same := build(`, "timeout": "30s"`)
	if err := same.Inherit(first); err != nil {
		t.Fatal(err)
	}
	if same.remote != first.remote || same.Status().(*Status).Calls != 1 {
		t.Fatal("an unchanged url and timeout must keep the client and counters")
	}
	_ = first.Close()
	changed := build(`, "timeout": "1s"`)
	if err := changed.Inherit(same); err != nil {
		t.Fatal(err)
	}
	if changed.remote == same.remote || changed.Status().(*Status).Calls != 0 {
		t.Fatal("a new timeout must make a new client")
	}
	_ = same.Close()
	_ = changed.Close()
}

// TestFailuresAreLoggedOncePerInterval: during an outage the filter logs
// one warning per failureLogEvery, and the next one counts those held back.
func TestFailuresAreLoggedOncePerInterval(t *testing.T) {
	body, err := filtertest.Decode(Kind, `{"url": "http://`+closedAddr(t)+`/hook", "timeout": "2s"}`)
	if err != nil {
		t.Fatal(err)
	}
	var logs testkit.SyncBuffer
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Pipeline: "test", Body: body,
		Env: &filter.Env{Logger: slog.New(slog.NewTextHandler(&logs, nil))}})
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fail := func(n int) {
		for range n {
			ctx := filtertest.Detached(newRequest())
			if r := f.Handle(ctx); r != ResultFailed {
				t.Fatalf("result %q, want failed", r)
			}
			ctx.Finish()
		}
	}
	fail(20)
	if n := strings.Count(logs.String(), "remote filter failed"); n != 1 {
		t.Fatalf("20 failures logged %d warnings, want 1:\n%s", n, logs.String())
	}
	time.Sleep(failureLogEvery + 100*time.Millisecond)
	fail(1)
	if n := strings.Count(logs.String(), "remote filter failed"); n != 2 || !strings.Contains(logs.String(), "suppressedSinceLast=19") {
		t.Fatalf("after the interval: %d warnings, want 2, the second counting 19 held back:\n%s", n, logs.String())
	}
}
