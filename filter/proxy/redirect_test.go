package proxy

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// redirectTo is how an upstream answers one path: a status and Location,
// an optional cookie set, and a pause before answering.
type redirectTo struct {
	code   int
	loc    string
	cookie string
	delay  time.Duration
}

// redirectUpstream is an upstream that redirects the paths of its routes
// and answers any other path with 200 and a description of the request:
// "METHOD target host=Host type=Content-Type body=Body". It records the
// method and target of every request.
type redirectUpstream struct {
	*testUpstream
	mu   sync.Mutex
	seen []string
}

// startRedirectUpstream starts a redirectUpstream; routes may be filled
// in until the first request.
func startRedirectUpstream(t testing.TB, routes map[string]redirectTo) *redirectUpstream {
	t.Helper()
	u := &redirectUpstream{}
	u.testUpstream = startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		req := &ctx.Request
		u.mu.Lock()
		u.seen = append(u.seen, string(req.Header.Method())+" "+string(req.RequestURI()))
		u.mu.Unlock()
		r, ok := routes[string(ctx.Path())]
		if !ok {
			fmt.Fprintf(ctx, "%s %s host=%s type=%s body=%s", req.Header.Method(), req.RequestURI(), req.Header.Host(), req.Header.ContentType(), req.Body())
			return
		}
		time.Sleep(r.delay)
		if r.cookie != "" {
			ctx.Response.Header.Set(fasthttp.HeaderSetCookie, r.cookie)
		}
		ctx.Response.Header.Set(fasthttp.HeaderLocation, r.loc)
		ctx.SetStatusCode(r.code)
		ctx.SetBodyString("moved")
	})
	return u
}

// requests returns the method and target of the requests received.
func (u *redirectUpstream) requests() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.seen...)
}

// redirectProxy starts a Proxy with maxRedirection max over the pool of
// urls, with extra pool fields (a JSON fragment, may be empty).
func redirectProxy(t testing.TB, max int, extra string, urls ...string) *Proxy {
	t.Helper()
	return startProxy(t, `{"maxRedirection":`+strconv.Itoa(max)+`,"pools":[`+poolDoc(extra, urls...)+`]}`)
}

// request returns a request edit setting the method and target.
func request(method, target string) func(*fasthttp.Request) {
	return func(req *fasthttp.Request) {
		req.Header.SetMethod(method)
		req.SetRequestURI(target)
	}
}

func TestRedirectNotFollowedByDefault(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{"/old": {code: 302, loc: "/new"}})
	p := startProxy(t, `{"pools":[`+poolDoc("", up.url)+`]}`)
	r := call(t, p, "10.0.0.1", request("GET", "/old"))
	if r.result != "" || r.status != 302 || string(r.header.Peek("Location")) != "/new" || up.hits.Load() != 1 {
		t.Fatalf("got %+v after %d upstream requests", r, up.hits.Load())
	}
	if strings.Contains(statusJSON(t, p), "redirects") {
		t.Fatalf("status %s counts redirects with following off", statusJSON(t, p))
	}
}

func TestRedirectEachStatusIsFollowed(t *testing.T) {
	routes := map[string]redirectTo{}
	for _, code := range []int{301, 302, 303, 307, 308} {
		routes["/"+strconv.Itoa(code)] = redirectTo{code: code, loc: "/end?from=" + strconv.Itoa(code)}
	}
	// Other 3xx are not redirects to follow.
	routes["/300"] = redirectTo{code: 300, loc: "/end"}
	routes["/304"] = redirectTo{code: 304, loc: "/end"}
	up := startRedirectUpstream(t, routes)
	p := redirectProxy(t, 1, "", up.url)
	for _, code := range []int{301, 302, 303, 307, 308} {
		r := call(t, p, "10.0.0.1", request("GET", "/"+strconv.Itoa(code)+"?q=1"))
		want := "GET /end?from=" + strconv.Itoa(code) + " host=example.com"
		if r.result != "" || r.status != 200 || !strings.HasPrefix(r.body, want) {
			t.Errorf("%d: got %d %q (%s), want 200 %q", code, r.status, r.body, r.result, want)
		}
	}
	for _, code := range []int{300, 304} {
		if r := call(t, p, "10.0.0.1", request("GET", "/"+strconv.Itoa(code))); r.status != code {
			t.Errorf("%d: got %d %q", code, r.status, r.body)
		}
	}
	if st := p.Status().(*Status).Pools[0]; st.Redirects != 5 || st.RedirectsReturned != 0 {
		t.Fatalf("status counts %d redirects, %d returned", st.Redirects, st.RedirectsReturned)
	}
}

func TestRedirectMethodAndBody(t *testing.T) {
	routes := map[string]redirectTo{}
	for _, code := range []int{301, 302, 303, 307, 308} {
		routes["/"+strconv.Itoa(code)] = redirectTo{code: code, loc: "/end"}
	}
	up := startRedirectUpstream(t, routes)
	p := redirectProxy(t, 1, "", up.url)
	cases := []struct {
		method string
		code   int
		want   string
	}{
		{"POST", 301, "GET /end host=example.com type= body="},
		{"POST", 302, "GET /end host=example.com type= body="},
		{"POST", 303, "GET /end host=example.com type= body="},
		{"PUT", 303, "GET /end host=example.com type= body="},
		{"DELETE", 302, "GET /end host=example.com type= body="},
		{"POST", 307, "POST /end host=example.com type=text/plain body=payload"},
		{"PATCH", 308, "PATCH /end host=example.com type=text/plain body=payload"},
		// A 301, 302 or 303 drops the headers describing a body, as
		// net/http does, whatever the method.
		{"GET", 303, "GET /end host=example.com type= body="},
	}
	for _, tc := range cases {
		req := fasthttp.AcquireRequest()
		req.Header.SetMethod(tc.method)
		req.SetRequestURI("/" + strconv.Itoa(tc.code))
		req.Header.SetHost("example.com")
		req.Header.SetContentType("text/plain")
		if tc.method != "GET" {
			req.SetBodyString("payload")
		}
		ctx := filter.NewContext()
		ctx.ResetDetached(req, []byte("10.0.0.1"), time.Now())
		result := p.Handle(ctx)
		resp := ctx.Response()
		if result != "" || resp.StatusCode() != 200 || string(resp.Body()) != tc.want {
			t.Errorf("%s with %d: got %d %q, want %q", tc.method, tc.code, resp.StatusCode(), resp.Body(), tc.want)
		}
		// The client request is left as the client sent it.
		if m, uri, body := string(req.Header.Method()), string(req.URI().RequestURI()), string(req.Body()); m != tc.method || uri != "/"+strconv.Itoa(tc.code) || (tc.method != "GET" && body != "payload") {
			t.Errorf("%s with %d: the client request became %s %s %q", tc.method, tc.code, m, uri, body)
		}
		ctx.Finish()
		fasthttp.ReleaseRequest(req)
	}
	// HEAD stays HEAD.
	before := len(up.requests())
	if r := call(t, p, "10.0.0.1", request("HEAD", "/302")); r.status != 200 {
		t.Fatalf("HEAD: got %+v", r)
	}
	if seen := up.requests()[before:]; len(seen) != 2 || seen[1] != "HEAD /end" {
		t.Fatalf("HEAD: upstream saw %q", seen)
	}
}

func TestRedirectRelativeAndSameServerLocations(t *testing.T) {
	routes := map[string]redirectTo{}
	up := startRedirectUpstream(t, routes)
	routes["/a/b"] = redirectTo{code: 302, loc: "c?q=1"}
	routes["/a/b/dots"] = redirectTo{code: 302, loc: "../end#frag"}
	routes["/abs"] = redirectTo{code: 302, loc: "/end?x=1&y=%2F"}
	routes["/full"] = redirectTo{code: 301, loc: up.url + "/end?x=2"}
	routes["/upper"] = redirectTo{code: 301, loc: "HTTP://" + up.addr + "/end"}
	routes["/scheme-relative"] = redirectTo{code: 307, loc: "//" + up.addr + "/end?x=3"}
	p := redirectProxy(t, 1, "", up.url)
	for target, want := range map[string]string{
		"/a/b?old=1":       "GET /a/c?q=1 host=example.com",
		"/a/b/dots":        "GET /a/end host=example.com",
		"/abs":             "GET /end?x=1&y=%2F host=example.com",
		"/upper":           "GET /end host=example.com",
		"/full":            "GET /end?x=2 host=example.com",
		"/scheme-relative": "GET /end?x=3 host=example.com",
	} {
		r := call(t, p, "10.0.0.1", request("GET", target))
		if r.result != "" || r.status != 200 || !strings.HasPrefix(r.body, want) {
			t.Errorf("%s: got %d %q, want %q", target, r.status, r.body, want)
		}
	}
}

func TestRedirectToAnotherServerOfThePool(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		wantHost    func(other *redirectUpstream) string
	}{
		{"client host", "", func(*redirectUpstream) string { return "example.com" }},
		{"setUpstreamHost", `"setUpstreamHost":true`, func(o *redirectUpstream) string { return o.addr }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routesA, routesB := map[string]redirectTo{}, map[string]redirectTo{}
			a, b := startRedirectUpstream(t, routesA), startRedirectUpstream(t, routesB)
			routesA["/start"] = redirectTo{code: 307, loc: b.url + "/there?x=1"}
			routesB["/start"] = redirectTo{code: 307, loc: a.url + "/there?x=1"}
			p := redirectProxy(t, 2, tc.extra, a.url, b.url)
			// Round robin sends one request to each server first.
			for i := range 2 {
				r := call(t, p, "10.0.0.1", request("GET", "/start"))
				other := a
				if seen := b.requests(); len(seen) == i+1 && seen[i] == "GET /there?x=1" {
					other = b
				}
				want := "GET /there?x=1 host=" + tc.wantHost(other)
				if r.status != 200 || !strings.HasPrefix(r.body, want) {
					t.Fatalf("request %d: got %d %q, want %q", i, r.status, r.body, want)
				}
			}
			if sa, sb := a.requests(), b.requests(); len(sa) != 2 || len(sb) != 2 {
				t.Fatalf("servers saw %q and %q", sa, sb)
			}
		})
	}
}

// TestRedirectToAServerMarkedDownIsReturned: a redirect to a server of
// the pool that its health check marked down goes to the client
// unfollowed, as one to a host outside the pool does.
func TestRedirectToAServerMarkedDownIsReturned(t *testing.T) {
	routesA, routesB := map[string]redirectTo{}, map[string]redirectTo{}
	a, b := startRedirectUpstream(t, routesA), startRedirectUpstream(t, routesB)
	routesA["/start"] = redirectTo{code: 307, loc: b.url + "/there"}
	routesB["/health"] = redirectTo{code: 503}
	p := redirectProxy(t, 2, `"healthCheck":{"interval":"20ms","timeout":"1s","uri":"/health","fails":1,"passes":1}`, a.url, b.url)
	waitFor(t, "b marked down", 5*time.Second, func() bool { return !serverHealthy(p, b.url) })
	r := call(t, p, "10.0.0.1", request("GET", "/start"))
	if r.status != 307 || string(r.header.Peek(fasthttp.HeaderLocation)) != b.url+"/there" {
		t.Fatalf("got %d Location %q, want the 307 to %s/there", r.status, r.header.Peek(fasthttp.HeaderLocation), b.url)
	}
	for _, seen := range b.requests() {
		if seen != "GET /health" {
			t.Fatalf("the server marked down was sent %q", seen)
		}
	}
}

func TestRedirectToAnotherHostIsReturned(t *testing.T) {
	routes := map[string]redirectTo{}
	up := startRedirectUpstream(t, routes)
	dead := deadURL(t)
	locations := map[string]string{
		"/other-host":   "http://other.example/x",
		"/other-port":   dead + "/x",
		"/other-scheme": "https://" + up.addr + "/x",
		"/ftp":          "ftp://" + up.addr + "/x",
		"/user-info":    "http://user:secret@" + up.addr + "/x",
		"/bad":          "http://[::1/x",
		"/empty":        "",
	}
	for path, loc := range locations {
		routes[path] = redirectTo{code: 302, loc: loc}
	}
	p := redirectProxy(t, 5, "", up.url)
	for path, loc := range locations {
		before := up.hits.Load()
		r := call(t, p, "10.0.0.1", request("GET", path))
		if r.result != "" || r.status != 302 || string(r.header.Peek("Location")) != loc || r.body != "moved" {
			t.Errorf("%s: got %d Location %q body %q, want the 302 to %q", path, r.status, r.header.Peek("Location"), r.body, loc)
		}
		if n := up.hits.Load() - before; n != 1 {
			t.Errorf("%s: %d upstream requests", path, n)
		}
	}
	if st := p.Status().(*Status).Pools[0]; st.Redirects != 0 || st.RedirectsReturned != uint64(len(locations)) {
		t.Fatalf("status counts %d redirects, %d returned", st.Redirects, st.RedirectsReturned)
	}
}

func TestRedirectLimitReturnsTheLastRedirect(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{
		"/r1": {code: 302, loc: "/r2"},
		"/r2": {code: 307, loc: "/r3"},
		"/r3": {code: 301, loc: "/r4"},
	})
	p := redirectProxy(t, 2, "", up.url)
	r := call(t, p, "10.0.0.1", request("GET", "/r1"))
	if r.result != "" || r.status != 301 || string(r.header.Peek("Location")) != "/r4" || up.hits.Load() != 3 {
		t.Fatalf("got %d Location %q after %d upstream requests", r.status, r.header.Peek("Location"), up.hits.Load())
	}
	p3 := redirectProxy(t, 3, "", up.url)
	if r := call(t, p3, "10.0.0.1", request("GET", "/r1")); r.status != 200 || !strings.HasPrefix(r.body, "GET /r4") {
		t.Fatalf("maxRedirection 3: got %d %q", r.status, r.body)
	}
}

func TestRedirectLoopIsDetected(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{
		"/ping": {code: 302, loc: "/pong"},
		"/pong": {code: 302, loc: "/ping"},
		"/self": {code: 307, loc: "/self"},
		"/form": {code: 303, loc: "/form"},
	})
	p := redirectProxy(t, 10, "", up.url)
	for _, tc := range []struct {
		method, target string
		status         int
		loc            string
		hits           int64
	}{
		{"GET", "/ping", 302, "/ping", 2},
		{"GET", "/self", 307, "/self", 1},
		// Post/Redirect/Get to the same URL is no loop; the GET that
		// follows is answered 303 again, and that is one.
		{"POST", "/form", 303, "/form", 2},
	} {
		before := up.hits.Load()
		r := call(t, p, "10.0.0.1", request(tc.method, tc.target))
		if r.status != tc.status || string(r.header.Peek("Location")) != tc.loc || up.hits.Load()-before != tc.hits {
			t.Errorf("%s %s: got %d Location %q after %d upstream requests", tc.method, tc.target, r.status, r.header.Peek("Location"), up.hits.Load()-before)
		}
	}
}

func TestRedirectKeepsCookieSettingReplies(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{"/login": {code: 302, loc: "/home", cookie: "sid=42"}})
	p := redirectProxy(t, 3, "", up.url)
	r := call(t, p, "10.0.0.1", request("POST", "/login"))
	if r.status != 302 || !strings.Contains(string(r.header.Peek("Set-Cookie")), "sid=42") || up.hits.Load() != 1 {
		t.Fatalf("got %d Set-Cookie %q after %d upstream requests", r.status, r.header.Peek("Set-Cookie"), up.hits.Load())
	}
}

func TestRedirectWithStreamedBody(t *testing.T) {
	up := startRedirectUpstream(t, map[string]redirectTo{
		"/307": {code: 307, loc: "/end"},
		"/303": {code: 303, loc: "/end"},
	})
	body := strings.Repeat("s", 40)
	streamed := func(method, target string) func(*fasthttp.Request) {
		return func(req *fasthttp.Request) {
			request(method, target)(req)
			req.SetBodyStream(bytes.NewReader([]byte(body)), len(body))
		}
	}
	p := redirectProxy(t, 2, "", up.url)
	// The body went with the first request: a 307 cannot be followed.
	if r := call(t, p, "10.0.0.1", streamed("POST", "/307")); r.status != 307 || up.hits.Load() != 1 {
		t.Fatalf("307: got %d %q after %d upstream requests", r.status, r.body, up.hits.Load())
	}
	// A 303 drops the body anyway.
	if r := call(t, p, "10.0.0.1", streamed("POST", "/303")); r.status != 200 || !strings.HasPrefix(r.body, "GET /end host=example.com type= body=") {
		t.Fatalf("303: got %d %q", r.status, r.body)
	}
	// A retry policy buffers the body for replay within its bound: the
	// 307 is followed with the whole body.
	pols := realPolicies(t,
		`{"name": "replay", "kind": "Retry", "maxAttempts": 2, "waitDuration": "0s", "maxReplayBodySize": 64}`,
		`{"name": "short", "kind": "Retry", "maxAttempts": 2, "waitDuration": "0s", "maxReplayBodySize": 16}`)
	for policy, want := range map[string]string{"replay": "PUT /end host=example.com type=application/octet-stream body=" + body, "short": "moved"} {
		withRetry := startProxyWith(t, `{"maxRedirection":2,"pools":[`+poolDoc(`"retryPolicy":"`+policy+`"`, up.url)+`]}`, pols)
		if r := call(t, withRetry, "10.0.0.1", streamed("PUT", "/307")); r.body != want {
			t.Fatalf("%s: got %d %q, want %q", policy, r.status, r.body, want)
		}
	}
}

func TestRedirectSpecValidation(t *testing.T) {
	main := []*PoolSpec{{Servers: []*ServerSpec{{URL: "http://127.0.0.1:1"}}}}
	for n, want := range map[int]string{
		-1: "maxRedirection: must be between 0 (return the 3xx to the client) and 20, got -1",
		21: "maxRedirection: must be between 0 (return the 3xx to the client) and 20, got 21",
		0:  "", 20: "",
	} {
		err := (&Spec{Pools: main, MaxRedirection: n}).Validate()
		if (err == nil) != (want == "") || (err != nil && err.Error() != want) {
			t.Errorf("maxRedirection %d: error %v, want %q", n, err, want)
		}
	}
}
