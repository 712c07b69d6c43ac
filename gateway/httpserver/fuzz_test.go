package httpserver

import (
	"strings"
	"testing"
)

// FuzzRoute sends arbitrary requests through a routing table: no panic,
// and a refusal is always one of the routing statuses.
func FuzzRoute(f *testing.F) {
	snap := compileFields(f, benchFields(3)+`- host: "*.fuzz"
  paths:
  - {pathRegexp: "^/(a|b)+$", rewriteTarget: "/x/$1", methods: [PUT], backend: p}
  - {path: /h, headers: [{key: X-A, regexp: "^[0-9]"}], queries: [{key: q, values: [v]}], matchAllQuery: true, backend: p}
`)
	f.Add("GET", "/api/v1/orders/1?x=1", "api.example.com", "198.51.100.7", "X-Tenant: a")
	f.Add("PUT", "/abab", "z.fuzz:80", "", "")
	f.Add("BREW", "//..%2f?q=v&q=w", "[::1]:8080", "garbage, 1.2.3.4", "X-A: 1")
	f.Fuzz(func(t *testing.T, method, target, host, xff, header string) {
		if method == "" || strings.ContainsAny(method, " \r\n") || strings.ContainsAny(target+host+xff+header, "\r\n") {
			t.Skip()
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		hdr := []string{"Host: " + host}
		if xff != "" {
			hdr = append(hdr, "X-Forwarded-For: "+xff)
		}
		if header != "" {
			hdr = append(hdr, header)
		}
		ctx := testCtx(method, target, "192.0.2.1", hdr...)
		st := newRequestState()
		r, status := routeRequest(snap, st, ctx)
		if r != nil {
			r.rewrite(ctx.URI(), st.buf, st.caps)
			applySetHeaders(r.setHeaders, ctx, st.buf)
			return
		}
		switch status {
		case 400, 403, 404, 405:
		default:
			t.Fatalf("status %d", status)
		}
	})
}

// FuzzRadixRoute sends arbitrary paths through a RadixTree: no panic,
// captured values lie within the path, rewriting works, and a refusal is
// a routing status.
func FuzzRadixRoute(f *testing.F) {
	paths := append([]string{
		"{path: '/r/{a}/{b:[a-z]+}.{c}/*', rewriteTarget: '/{c}/{b}/{a}/{EG_WILDCARD}', methods: [GET], backend: rw}",
		"{path: '/r/{a}/x', headers: [{key: X-A, regexp: '^[0-9]'}], backend: hdr}",
	}, radixPriorityPaths...)
	snap := compileFields(f, "cacheSize: 32\n"+radixFields(paths))
	f.Add("GET", "/r/1/abc.d/e/f")
	f.Add("PUT", "/a/789:delete")
	f.Add("GET", "/users/u%2fsername/card")
	f.Add("BREW", "/f/.tar.gz")
	f.Fuzz(func(t *testing.T, method, target string) {
		if method == "" || strings.ContainsAny(method, " \r\n") || strings.ContainsAny(target, "\r\n ") {
			t.Skip()
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		ctx := testCtx(method, target, "192.0.2.1")
		st := newRequestState()
		r, status := routeRequest(snap, st, ctx)
		if r == nil {
			switch status {
			case 400, 403, 404, 405:
			default:
				t.Fatalf("status %d", status)
			}
			return
		}
		path := ctx.Path()
		for _, c := range st.caps {
			if c.start < 0 || c.start > c.end || c.end > len(path) {
				t.Fatalf("capture %+v outside %q", c, path)
			}
		}
		r.rewrite(ctx.URI(), st.buf, st.caps)
	})
}

// FuzzParsePattern parses arbitrary patterns and rewrite targets: no
// panic, and a pattern that parses indexes and finds its own literal
// form.
func FuzzParsePattern(f *testing.F) {
	f.Add("/u/{id:[0-9]{2,4}}/f/{name}.{ext}/*", "/{ext}/{EG_WILDCARD}")
	f.Add("/a/{b}{c}", "{b")
	f.Add("/{", "}")
	f.Fuzz(func(t *testing.T, pattern, target string) {
		toks, err := parsePattern(pattern)
		if err != nil {
			return
		}
		_, _ = compileRewriteTemplate(target, toks)
		if captureCount(toks) > 0 {
			return
		}
		tree := &radixTree{}
		tree.insert(toks, 0)
		in := routeInput{path: []byte(pattern)}
		if tree.search([]route{{}}, &in) == nil {
			t.Fatalf("literal pattern %q does not find itself", pattern)
		}
	})
}
