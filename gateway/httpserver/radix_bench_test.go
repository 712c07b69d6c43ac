package httpserver

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// radixBenchFields is benchFields for the RadixTree router: the same
// request (benchCtx) matches /api/v1/{kind}/{id} in the middle of a tree
// of some size, with the same conditions, setHeaders and a rewrite that
// uses both captured values.
func radixBenchFields(extraRules, extraPaths int) string {
	var b strings.Builder
	b.WriteString(`xForwardedFor: true
ipFilter: {blockIPs: [203.0.113.0/24]}
routerKind: RadixTree
rules:
`)
	for i := 0; i < extraRules; i++ {
		fmt.Fprintf(&b, "- host: svc%d.example.com\n  paths: [{path: '/*', backend: p}]\n", i)
	}
	b.WriteString(`- hosts: [{value: "*.internal"}, {value: "^api[0-9]*\\.example\\.com$", isRegexp: true}]
  paths:
  - {path: /healthz, backend: p}
  - {path: '/u/{id:[0-9]+}', rewriteTarget: '/users/{id}', backend: p}
  - {path: '/api/v1/*', methods: [POST], backend: p}
  - path: '/api/v1/{kind}/{id}'
    rewriteTarget: '/v1/{kind}/{id}'
    methods: [GET, HEAD]
    headers: [{key: X-Tenant, values: [a, b]}]
    queries: [{key: x, regexp: "^[0-9]+$"}]
    ipFilter: {allowIPs: [198.51.100.0/24]}
    setHeaders: {X-Gateway: gatewright, X-Orig-Host: "$host"}
    backend: p
`)
	for i := 0; i < extraPaths; i++ {
		fmt.Fprintf(&b, "  - {path: '/api/v%d/{kind}/{id:[0-9]+}', backend: p}\n  - {path: /static/%d/index.html, backend: p}\n", i+2, i)
	}
	b.WriteString("- paths: [{path: '/*', backend: p}]\n")
	return b.String()
}

func TestRadixMatchAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (sync.Pool drops items)")
	}
	for _, cache := range []string{"", "cacheSize: 1024\n"} {
		rt := newTestRuntime(t, cache+radixBenchFields(20, 50))
		ctx := benchCtx()
		runOnce(rt, ctx)
		checkBenchRequestServed(t, ctx)
		allocs := testing.AllocsPerRun(2000, func() { runOnce(rt, ctx) })
		if allocs != 0 {
			t.Fatalf("%sRadixTree routing and dispatch allocate %.2f times per request", cache, allocs)
		}
		// A decision the cache may keep: after the first request, hits.
		plain := testCtx("GET", "/u/42", "192.0.2.10", "Host: x.internal")
		serve := func() {
			plain.Request.SetRequestURI("/u/42")
			plain.Response.Reset()
			rt.handle(plain)
		}
		serve()
		if got := string(plain.Request.URI().RequestURI()); got != "/users/42" || plain.Response.StatusCode() != 200 {
			t.Fatalf("/u/42: %d, rewritten to %s", plain.Response.StatusCode(), got)
		}
		if allocs := testing.AllocsPerRun(2000, serve); allocs != 0 {
			t.Fatalf("%scacheable RadixTree request allocates %.2f times", cache, allocs)
		}
		if c := rt.snap.Load().cache; c != nil && c.get([]byte("x.internal"), []byte("/u/42"), methodGET) == nil {
			t.Fatal("/u/42 was not cached")
		}
	}
}

// BenchmarkRadixSearch is BenchmarkRouterSearch for the RadixTree
// router, over trees of growing size in the matching rule.
func BenchmarkRadixSearch(b *testing.B) {
	for _, n := range []int{0, 20, 200} {
		for _, paths := range []int{0, 500} {
			b.Run(fmt.Sprintf("rules=%d/paths=%d", n+2, 2*paths+4), func(b *testing.B) {
				rt := newTestRuntime(b, radixBenchFields(n, paths))
				snap := rt.snap.Load()
				ctx := benchCtx()
				st := newRequestState()
				b.ReportAllocs()
				for b.Loop() {
					if r, _ := routeRequest(snap, st, ctx); r == nil {
						b.Fatal("no route")
					}
				}
			})
		}
	}
}

// BenchmarkManyPaths compares the routers on one rule of n literal paths,
// matching the last one: Ordered tries them in turn, RadixTree walks its
// tree.
func BenchmarkManyPaths(b *testing.B) {
	for _, kind := range []string{RouterOrdered, RouterRadixTree} {
		for _, n := range []int{10, 1000} {
			b.Run(fmt.Sprintf("%s/paths=%d", kind, n), func(b *testing.B) {
				var f strings.Builder
				fmt.Fprintf(&f, "routerKind: %s\nrules:\n- paths:\n", kind)
				for i := 0; i < n; i++ {
					fmt.Fprintf(&f, "  - {path: /service-%d/items, backend: p}\n", i)
				}
				rt := newTestRuntime(b, f.String())
				snap := rt.snap.Load()
				ctx := testCtx("GET", fmt.Sprintf("/service-%d/items", n-1), "192.0.2.10")
				st := newRequestState()
				b.ReportAllocs()
				for b.Loop() {
					if r, _ := routeRequest(snap, st, ctx); r == nil {
						b.Fatal("no route")
					}
				}
			})
		}
	}
}

// BenchmarkRouteCache shows what the route-decision cache saves on a
// decision that depends on host, method and path only (200 host rules
// before the matching one): "off" searches every time, "hit" replays the
// cached decision, "miss" looks up, searches and stores every time (4096
// distinct paths through 64 slots).
func BenchmarkRouteCache(b *testing.B) {
	var rules strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&rules, "- host: svc%d.example.com\n  paths: [{pathPrefix: /, backend: p}]\n", i)
	}
	table := "rules:\n" + rules.String() + "- paths: [{pathPrefix: /api/, methods: [GET], backend: p}]\n"
	radixTable := "routerKind: RadixTree\nrules:\n" + strings.ReplaceAll(rules.String(), "{pathPrefix: /,", "{path: '/*',") +
		"- paths: [{path: '/api/{id}', rewriteTarget: '/v/{id}', methods: [GET], backend: p}]\n"
	ctxs := make([]*fasthttp.RequestCtx, 4096)
	for i := range ctxs {
		ctxs[i] = testCtx("GET", fmt.Sprintf("/api/%d", i), "192.0.2.10", "Host: api.example.com")
	}
	for _, router := range []struct{ name, table string }{{"Ordered", table}, {"RadixTree", radixTable}} {
		for _, mode := range []struct {
			name   string
			fields string
			vary   bool
		}{
			{"off", "", false},
			{"hit", "cacheSize: 64\n", false},
			{"miss", "cacheSize: 64\n", true},
		} {
			b.Run(router.name+"/"+mode.name, func(b *testing.B) {
				rt := newTestRuntime(b, mode.fields+router.table)
				snap := rt.snap.Load()
				st := newRequestState()
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					ctx := ctxs[0]
					if mode.vary {
						ctx = ctxs[i&4095]
						i++
					}
					if r, _ := routeRequest(snap, st, ctx); r == nil {
						b.Fatal("no route")
					}
				}
			})
		}
	}
}
