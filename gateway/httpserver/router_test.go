package httpserver

import (
	"net"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/internal/netaddr"
	"github.com/valyala/fasthttp"
)

// compileFields decodes HTTPServer fields and compiles them.
func compileFields(t testing.TB, fields string) *snapshot {
	t.Helper()
	h := newHarness(t)
	spec, _, err := h.decode("kind: HTTPServer\nname: edge\nport: 8080\n" + fields)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := compile(spec.Body.(*Spec), h.refs)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// testCtx builds a request context as the server would hand it over.
// target is the request target ("/a?b=c"); header lines are "Key: value";
// "Host: x" sets the host.
func testCtx(method, target, remote string, header ...string) *fasthttp.RequestCtx {
	var req fasthttp.Request
	req.Header.SetMethod(method)
	req.SetRequestURI(target)
	req.Header.SetHost("example.com")
	for _, line := range header {
		k, v, _ := strings.Cut(line, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if remote == "" {
		remote = "192.0.2.10"
	}
	ctx := &fasthttp.RequestCtx{}
	ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(remote), Port: 40000}, nil)
	return ctx
}

type routeCase struct {
	name    string
	method  string
	target  string
	remote  string
	header  []string
	backend string // winner's backend, or "" for none
	status  int    // status without a winner
}

func runRouteCases(t *testing.T, fields string, cases []routeCase) {
	t.Helper()
	snap := compileFields(t, fields)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = "GET"
			}
			ctx := testCtx(method, c.target, c.remote, c.header...)
			r, status := routeRequest(snap, newRequestState(), ctx)
			switch {
			case c.backend != "" && r == nil:
				t.Fatalf("no route (status %d), want backend %s", status, c.backend)
			case c.backend != "" && r.backendName != c.backend:
				t.Fatalf("backend %s (%s), want %s", r.backendName, r.where, c.backend)
			case c.backend == "" && r != nil:
				t.Fatalf("routed to %s (%s), want status %d", r.backendName, r.where, c.status)
			case c.backend == "" && status != c.status:
				t.Fatalf("status %d, want %d", status, c.status)
			}
		})
	}
}

func TestRouterHosts(t *testing.T) {
	runRouteCases(t, `rules:
- host: api.example.com
  paths: [{backend: exact}]
- host: "*.wild.com"
  paths: [{backend: suffix}]
- host: "img.*"
  paths: [{backend: prefix}]
- hostRegexp: "^v[0-9]+\\.regexp\\.com$"
  paths: [{backend: regexp}]
- hosts: [{value: one.com}, {value: "^two\\.(com|org)$", isRegexp: true}]
  host: three.com
  paths: [{backend: list}]
- paths: [{pathPrefix: /any, backend: anyhost}]
`, []routeCase{
		{name: "exact", target: "/", header: []string{"Host: api.example.com"}, backend: "exact"},
		{name: "exact ignores case and port", target: "/", header: []string{"Host: API.Example.COM:8443"}, backend: "exact"},
		{name: "exact is exact", target: "/", header: []string{"Host: x.api.example.com"}, status: 404},
		{name: "suffix wildcard", target: "/", header: []string{"Host: a.wild.com"}, backend: "suffix"},
		{name: "suffix wildcard, two labels", target: "/", header: []string{"Host: a.b.wild.com"}, backend: "suffix"},
		{name: "suffix wildcard needs a label", target: "/", header: []string{"Host: wild.com"}, status: 404},
		{name: "prefix wildcard", target: "/", header: []string{"Host: img.cdn.net"}, backend: "prefix"},
		{name: "regexp", target: "/", header: []string{"Host: v2.regexp.com:80"}, backend: "regexp"},
		{name: "regexp miss", target: "/", header: []string{"Host: vx.regexp.com"}, status: 404},
		{name: "hosts list value", target: "/", header: []string{"Host: one.com"}, backend: "list"},
		{name: "hosts list regexp", target: "/", header: []string{"Host: two.org"}, backend: "list"},
		{name: "host appended to hosts", target: "/", header: []string{"Host: three.com"}, backend: "list"},
		{name: "no host matcher is any host", target: "/any/x", header: []string{"Host: whatever.net"}, backend: "anyhost"},
		{name: "absolute-form target host", target: "http://api.example.com/", backend: "exact"},
	})
}

func TestRouterPaths(t *testing.T) {
	runRouteCases(t, `rules:
- paths: []
- paths:
  - {path: /exact, backend: exact}
  - {pathPrefix: /pre/, backend: prefix}
  - {pathRegexp: "^/re/[0-9]+$", backend: regexp}
  - {path: /or, pathPrefix: /either/, backend: ored}
  - {pathPrefix: /pre/deeper, backend: shadowed}
- paths:
  - {backend: catchall}
`, []routeCase{
		{name: "exact", target: "/exact", backend: "exact"},
		{name: "exact ignores the query", target: "/exact?x=1", backend: "exact"},
		{name: "exact is not a prefix", target: "/exact/more", backend: "catchall"},
		{name: "prefix", target: "/pre/a/b", backend: "prefix"},
		{name: "first match wins, not the longest", target: "/pre/deeper/x", backend: "prefix"},
		{name: "regexp", target: "/re/42", backend: "regexp"},
		{name: "regexp miss", target: "/re/x", backend: "catchall"},
		{name: "matchers are OR-ed (path)", target: "/or", backend: "ored"},
		{name: "matchers are OR-ed (prefix)", target: "/either/1", backend: "ored"},
		{name: "normalized path", target: "/pre/../exact", backend: "exact"},
		{name: "an empty paths list matches nothing", target: "/zzz", backend: "catchall"},
	})
	runRouteCases(t, "rules: [{paths: []}]\n", []routeCase{
		{name: "only empty rules", target: "/", status: 404},
	})
}

func TestRouterMethodsHeadersQueries(t *testing.T) {
	runRouteCases(t, `rules:
- paths:
  - {path: /m, methods: [POST, PUT], backend: write}
  - {path: /h, headers: [{key: X-Env, values: [prod, stage]}, {key: X-Canary, regexp: "^on"}], backend: anyheader}
  - {path: /ha, matchAllHeader: true, headers: [{key: X-Env, values: [prod]}, {key: X-Id, values: [a, b], regexp: "^[ab]$"}], backend: allheaders}
  - {path: /hm, headers: [{key: X-Missing, values: [""]}], backend: missingheader}
  - {path: /q, queries: [{key: v, values: ["1", "2"]}, {key: w, regexp: "^x+$"}], backend: anyquery}
  - {path: /qa, matchAllQuery: true, queries: [{key: v, values: ["1"]}, {key: w, regexp: "^x+$"}], backend: allqueries}
  - {path: /q, backend: queryfallback}
`, []routeCase{
		{name: "method allowed", method: "PUT", target: "/m", backend: "write"},
		{name: "method refused", method: "GET", target: "/m", status: 405},
		{name: "odd method refused", method: "BREW", target: "/m", status: 405},
		{name: "one header value suffices", target: "/h", header: []string{"X-Env: stage"}, backend: "anyheader"},
		{name: "one header regexp suffices", target: "/h", header: []string{"X-Canary: one"}, backend: "anyheader"},
		{name: "no header holds", target: "/h", header: []string{"X-Env: dev"}, status: 400},
		{name: "all headers hold", target: "/ha", header: []string{"X-Env: prod", "X-Id: a"}, backend: "allheaders"},
		{name: "values and regexp both apply with matchAll", target: "/ha", header: []string{"X-Env: prod", "X-Id: c"}, status: 400},
		{name: "one of all headers fails", target: "/ha", header: []string{"X-Env: prod"}, status: 400},
		{name: "missing header is empty", target: "/hm", backend: "missingheader"},
		{name: "query value", target: "/q?v=2", backend: "anyquery"},
		{name: "query regexp", target: "/q?w=xxx", backend: "anyquery"},
		{name: "query first value counts", target: "/q?v=3&v=1", backend: "queryfallback"},
		{name: "query miss falls through to the next path", target: "/q?v=9", backend: "queryfallback"},
		{name: "all queries hold", target: "/qa?v=1&w=x", backend: "allqueries"},
		{name: "one of all queries fails", target: "/qa?v=1&w=y", status: 400},
	})
}

func TestRouterIPFilters(t *testing.T) {
	runRouteCases(t, `rules:
- host: internal.com
  ipFilter: {allowIPs: [10.0.0.0/8]}
  paths:
  - {pathPrefix: /admin, ipFilter: {blockIPs: [10.0.0.66]}, backend: admin}
  - {pathPrefix: /app, backend: internal}
- host: internal.com
  paths: [{path: /public, backend: public}]
- host: mixed.com
  ipFilter: {allowIPs: [192.0.2.0/24], blockIPs: [192.0.2.7], blockByDefault: true}
  paths: [{backend: mixed}]
- host: default.com
  ipFilter: {blockIPs: [192.0.2.0/24]}
  paths: [{backend: notblocked}]
`, []routeCase{
		{name: "allowed by rule", target: "/app/x", header: []string{"Host: internal.com"}, remote: "10.1.2.3", backend: "internal"},
		{name: "path filter blocks", target: "/admin", header: []string{"Host: internal.com"}, remote: "10.0.0.66", status: 403},
		{name: "path filter allows", target: "/admin", header: []string{"Host: internal.com"}, remote: "10.0.0.65", backend: "admin"},
		{name: "rule filter skips the rule; a later rule may match", target: "/public", header: []string{"Host: internal.com"}, remote: "192.0.2.1", backend: "public"},
		{name: "rule filter skips the rule; ip mismatch is 403", target: "/app/x", header: []string{"Host: internal.com"}, remote: "192.0.2.1", status: 403},
		{name: "real IP from X-Forwarded-For", target: "/app/x", header: []string{"Host: internal.com", "X-Forwarded-For: 10.9.9.9, 192.0.2.1"}, remote: "192.0.2.1", backend: "internal"},
		{name: "real IP from X-Real-IP", target: "/app/x", header: []string{"Host: internal.com", "X-Real-IP: 10.9.9.9"}, remote: "192.0.2.1", backend: "internal"},
		{name: "X-Forwarded-For wins over X-Real-IP", target: "/app/x", header: []string{"Host: internal.com", "X-Forwarded-For: 192.0.2.5", "X-Real-IP: 10.9.9.9"}, remote: "10.0.0.1", status: 403},
		{name: "IPv4-mapped peer", target: "/app/x", header: []string{"Host: internal.com"}, remote: "::ffff:10.0.0.1", backend: "internal"},
		{name: "in both lists: default verdict (block)", target: "/", header: []string{"Host: mixed.com"}, remote: "192.0.2.7", status: 403},
		{name: "in allow list only", target: "/", header: []string{"Host: mixed.com"}, remote: "192.0.2.8", backend: "mixed"},
		{name: "not in a non-empty allow list", target: "/", header: []string{"Host: mixed.com"}, remote: "198.51.100.1", status: 403},
		{name: "blocked", target: "/", header: []string{"Host: default.com"}, remote: "192.0.2.9", status: 403},
		{name: "in neither list: default verdict (allow)", target: "/", header: []string{"Host: default.com"}, remote: "198.51.100.1", backend: "notblocked"},
		{name: "unparsable real IP: default verdict", target: "/", header: []string{"Host: default.com", "X-Forwarded-For: garbage"}, backend: "notblocked"},
	})
	runRouteCases(t, `ipFilter: {allowIPs: ["2001:db8::/32"]}
rules: [{paths: [{backend: v6}]}]
`, []routeCase{
		{name: "server filter allows", target: "/", remote: "2001:db8::1", backend: "v6"},
		{name: "server filter via X-Forwarded-For with port", target: "/", header: []string{"X-Forwarded-For: [2001:db8::2]:1234"}, remote: "192.0.2.1", backend: "v6"},
		{name: "server filter refuses before routing", target: "/", remote: "192.0.2.1", status: 403},
	})
}

func TestRouterMismatchPrecedence(t *testing.T) {
	fields := `rules:
- host: a.com
  ipFilter: {blockIPs: [192.0.2.66]}
  paths: [{path: /ip, backend: a}]
- paths:
  - {path: /x, headers: [{key: X-K, values: ["1"]}], backend: hdr}
  - {path: /x, methods: [POST], backend: post}
  - {path: /y, methods: [POST], backend: posty}
  - {path: /z, queries: [{key: k, values: ["1"]}], backend: qry}
  - {path: /z, ipFilter: {allowIPs: [10.0.0.1]}, backend: ipz}
`
	runRouteCases(t, fields, []routeCase{
		{name: "header mismatch beats method mismatch", target: "/x", status: 400},
		{name: "method mismatch alone", target: "/y", status: 405},
		{name: "ip mismatch beats query mismatch", target: "/z", status: 403},
		{name: "rule ip mismatch beats later 404", target: "/ip", header: []string{"Host: a.com"}, remote: "192.0.2.66", status: 403},
		{name: "nothing matches", target: "/nope", status: 404},
		{name: "header ok", target: "/x", header: []string{"X-K: 1"}, backend: "hdr"},
		{name: "method ok after header mismatch", method: "POST", target: "/x", backend: "post"},
	})
}

func TestRewriteTarget(t *testing.T) {
	snap := compileFields(t, `rules:
- paths:
  - {path: /old, rewriteTarget: /new, backend: a}
  - {pathPrefix: /api/v1/, rewriteTarget: /v1/, backend: b}
  - {pathRegexp: "^/u/([0-9]+)/(.*)$", rewriteTarget: "/users/$1/$2", backend: c}
  - {pathRegexp: "o", rewriteTarget: "0", backend: d}
`)
	cases := []struct{ in, want string }{
		{"/old?x=1&y=2", "/new?x=1&y=2"},
		{"/api/v1/orders/7?full=1", "/v1/orders/7?full=1"},
		{"/u/42/profile", "/users/42/profile"},
		{"/foo/boo", "/f00/b00"},
	}
	for _, c := range cases {
		ctx := testCtx("GET", c.in, "")
		st := newRequestState()
		r, status := routeRequest(snap, st, ctx)
		if r == nil {
			t.Fatalf("%s: status %d", c.in, status)
		}
		r.rewrite(ctx.URI(), st.buf, st.caps)
		if got := string(ctx.URI().RequestURI()); got != c.want {
			t.Errorf("%s: rewritten to %s, want %s", c.in, got, c.want)
		}
	}
}

func TestSetHeaders(t *testing.T) {
	snap := compileFields(t, `rules:
- paths:
  - backend: a
    setHeaders:
      X-Static: fixed
      X-Host: "$host"
      X-Where: "${scheme}://${http_host}${uri}?${args}"
      X-Agent: "ua=${http_user_agent}"
      X-Arg: "$arg_id"
      X-Cookie: "${cookie_session}"
      X-User: "${remote_user:anonymous}"
      X-Peer: "$remote_addr:$remote_port"
      X-Fwd: "$proxy_add_x_forwarded_for"
      X-Price: "costs $5 and ${not closed"
      X-Remove: ""
`)
	ctx := testCtx("GET", "/p/q?id=7&z=1", "192.0.2.10",
		"Host: Shop.example:8080", "User-Agent: tester", "Cookie: session=abc; other=1",
		"X-Remove: bye", "X-Forwarded-For: 10.0.0.1")
	st := newRequestState()
	r, _ := routeRequest(snap, st, ctx)
	if r == nil {
		t.Fatal("no route")
	}
	applySetHeaders(r.setHeaders, ctx, st.buf)
	h := &ctx.Request.Header
	want := map[string]string{
		"X-Static": "fixed",
		"X-Host":   "shop.example",
		"X-Where":  "http://Shop.example:8080/p/q?id=7&z=1",
		"X-Agent":  "ua=tester",
		"X-Arg":    "7",
		"X-Cookie": "abc",
		"X-User":   "anonymous",
		"X-Peer":   "192.0.2.10:40000",
		"X-Fwd":    "10.0.0.1, 192.0.2.10",
		"X-Price":  "costs $5 and ${not closed",
		"X-Remove": "",
	}
	for k, v := range want {
		if got := string(h.Peek(k)); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	h.Set("Authorization", "Basic dXNlcjE6c2VjcmV0") // user1:secret
	applySetHeaders(r.setHeaders, ctx, st.buf)
	if got := string(h.Peek("X-User")); got != "user1" {
		t.Errorf("X-User = %q, want user1", got)
	}
}

func TestParseIP(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4":        "1.2.3.4",
		" 10.0.0.1 ":     "10.0.0.1",
		"1.2.3.4:80":     "1.2.3.4",
		"[2001:db8::1]":  "2001:db8::1",
		"[::1]:443":      "::1",
		"2001:db8::7":    "2001:db8::7",
		"::ffff:1.2.3.4": "1.2.3.4",
		"01.2.3.4":       "",
		"1.2.3":          "",
		"1.2.3.4.5":      "",
		"256.1.1.1":      "",
		"1..2.3":         "",
		"host.example":   "",
		"":               "",
	} {
		a, ok := netaddr.ParseIP([]byte(in))
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("netaddr.ParseIP(%q) = %q, want %q", in, got, want)
		}
	}
}
