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
