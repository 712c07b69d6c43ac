package httpserver

import (
	"fmt"
	"strings"
	"testing"
)

// easegressRadixDocs are the RadixTree examples of Easegress's router
// reference (docs/07.Reference/7.06.Routers.md) as written there; only
// the port is replaced by a free one.
const easegressRadixDocs = `kind: HTTPServer
name: server-demo
port: 10080
keepAlive: true
https: false
routerKind: RadixTree
rules:
  - paths:
    - path: /users/{username}/hovercard
      rewriteTarget: /api/users/{username}/card
      backend: parameter-path-backend
    - path: /users/{username:[a-z]+}/hovercard
      rewriteTarget: /api/users/{username}/card
      backend: regexp-backend
    - path: /users/*
      rewriteTarget: /api/users/{EG_WILDCARD}
      backend: prefix-backend
    - path: /users/aniaan/hovercard
      rewriteTarget: /api/users/aniaan/card
      backend: full-match-backend
`

const easegressRadixOrderDocs = `kind: HTTPServer
name: server-demo
port: 10080
keepAlive: true
https: false
routerKind: RadixTree
rules:
  - paths:
    - path: /user/{username}/123
      backend: h1
    - path: /user/wang/{num}
      backend: h2
    - path: /{type}/wang/123
      backend: h3
`

func TestRadixServesEasegressDocsExamples(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{"parameter-path-backend", "regexp-backend", "prefix-backend", "full-match-backend", "h1", "h2", "h3"} {
		h.pipeline(name, "")
	}
	port := freePort(t)
	h.server(strings.Replace(easegressRadixDocs, "port: 10080", fmt.Sprintf("port: %d", port), 1))
	port2 := freePort(t)
	h.server(strings.Replace(easegressRadixOrderDocs, "port: 10080", fmt.Sprintf("port: %d", port2), 1))
	c := newClient(t)
	for _, tc := range []struct {
		port             int
		path, want, body string
	}{
		// The tables of the Easegress page.
		{port, "/users/aniaan/hovercard", "full-match-backend", "/api/users/aniaan/card"},
		{port, "/users/12345/hovercard", "parameter-path-backend", "/api/users/12345/card"},
		{port, "/users/localvar/hovercard", "regexp-backend", "/api/users/localvar/card"},
		{port, "/users/test", "prefix-backend", "/api/users/test"},
		{port2, "/user/wang/123", "h2", "/user/wang/123"},
		// More of the same.
		{port, "/users/a/b?x=1", "prefix-backend", "/api/users/a/b?x=1"},
		{port2, "/user/li/123", "h1", "/user/li/123"},
		{port2, "/team/wang/123", "h3", "/team/wang/123"},
	} {
		r := do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d%s", tc.port, tc.path), nil, nil)
		want := "pipeline=" + tc.want + " uri=" + tc.body + " len=0"
		if r.status != 200 || r.body != want {
			t.Errorf("%s: %d %q, want %q", tc.path, r.status, r.body, want)
		}
	}
	for _, tc := range []struct {
		port   int
		path   string
		status int
	}{
		{port, "/blog/bar", 404},
		{port, "/users", 404},
		{port2, "/user/wang/123/x", 404},
	} {
		if r := do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d%s", tc.port, tc.path), nil, nil); r.status != tc.status {
			t.Errorf("%s: %d, want %d", tc.path, r.status, tc.status)
		}
	}
}

func TestRadixServeAppliesPathSettings(t *testing.T) {
	h := newHarness(t)
	h.pipeline("orders", "")
	h.pipeline("users", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, `routerKind: RadixTree
xForwardedFor: true
clientMaxBodySize: 10
rules:
- host: api.test
  paths:
  - {path: '/orders/{id:[0-9]+}/*', rewriteTarget: '/v2/orders/{id}/{EG_WILDCARD}', methods: [GET], backend: orders}
  - {path: '/users/{name}', methods: [GET], setHeaders: {X-Set: "from-$host"}, backend: users}
  - {path: '/users/{name}', methods: [POST], clientMaxBodySize: 20, backend: users}
  - {path: '/gone/{x}', backend: nosuchpipeline}
  - {path: '/hdr/{x}', headers: [{key: X-Need, values: ["yes"]}], backend: users}
  - {path: '/blocked/*', ipFilter: {blockIPs: [127.0.0.1]}, backend: users}
`))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := newClient(t)
	host := map[string]string{"Host": "api.test"}

	r := do(t, c, "GET", base+"/orders/7/items/1?full=1", nil, host)
	if r.status != 200 || r.body != "pipeline=orders uri=/v2/orders/7/items/1?full=1 len=0" {
		t.Fatalf("orders: %d %q", r.status, r.body)
	}
	if got := r.header.Get("X-Echo-Xff"); got != "127.0.0.1" {
		t.Errorf("X-Forwarded-For seen by the pipeline: %q", got)
	}
	r = do(t, c, "GET", base+"/users/ann", nil, map[string]string{"Host": "api.test:8080"})
	if r.status != 200 || r.header.Get("X-Echo-Set") != "from-api.test" || r.body != "pipeline=users uri=/users/ann len=0" {
		t.Fatalf("setHeaders: %d %q %q", r.status, r.body, r.header.Get("X-Echo-Set"))
	}
	if r := do(t, c, "POST", base+"/users/ann", strings.NewReader(strings.Repeat("b", 20)), host); r.status != 200 || !strings.HasSuffix(r.body, "len=20") {
		t.Fatalf("path body cap: %d %q", r.status, r.body)
	}
	for _, tc := range []struct {
		method, path string
		body         string
		status       int
	}{
		{"POST", "/users/ann", strings.Repeat("b", 21), 413},
		{"PUT", "/users/ann", "", 405},
		{"GET", "/orders/x/items", "", 404},
		{"POST", "/orders/7/items", "", 405},
		{"GET", "/hdr/1", "", 400},
		{"GET", "/gone/1", "", 503},
		{"GET", "/blocked/a/b", "", 403},
		{"GET", "/nothing", "", 404},
	} {
		r := do(t, c, tc.method, base+tc.path, strings.NewReader(tc.body), host)
		if r.status != tc.status {
			t.Errorf("%s %s: status %d, want %d (%q)", tc.method, tc.path, r.status, tc.status, r.body)
		}
	}
	if r := do(t, c, "GET", base+"/users/ann", nil, map[string]string{"Host": "other.test"}); r.status != 404 {
		t.Errorf("other host: %d", r.status)
	}
}
