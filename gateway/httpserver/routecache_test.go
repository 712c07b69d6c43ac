package httpserver

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// cacheOrderedRules and cacheRadixRules mix decisions that depend on host,
// method and path only with ones that depend on headers, queries and IP
// filters.
const cacheOrderedRules = `rules:
- host: a.com
  paths:
  - {path: /h, headers: [{key: X-Env, values: [prod]}], backend: h-prod}
  - {pathPrefix: /h, backend: h-any}
  - {path: /m, methods: [POST], backend: m-post}
  - {pathRegexp: '^/r/([0-9]+)$', rewriteTarget: '/num/$1', backend: r}
- host: a.com
  ipFilter: {allowIPs: [10.0.0.0/8]}
  paths: [{pathPrefix: /, backend: internal}]
- paths:
  - {path: /ip, ipFilter: {allowIPs: [10.0.0.1]}, backend: ip}
  - {path: /q, queries: [{key: v, values: ["1"]}], backend: q}
  - {pathPrefix: /p/, rewriteTarget: /pp/, backend: p}
  - {path: /m, methods: [DELETE], backend: m-delete}
`

const cacheRadixRules = `routerKind: RadixTree
rules:
- host: a.com
  paths:
  - {path: '/h/{x}', headers: [{key: X-Env, values: [prod]}], backend: h-prod}
  - {path: '/h/*', backend: h-any}
  - {path: /m, methods: [POST], backend: m-post}
  - {path: '/r/{n:[0-9]+}', rewriteTarget: '/num/{n}', backend: r}
- host: a.com
  ipFilter: {allowIPs: [10.0.0.0/8]}
  paths: [{path: '/*', backend: internal}]
- paths:
  - {path: /ip, ipFilter: {allowIPs: [10.0.0.1]}, backend: ip}
  - {path: '/q/{x}', queries: [{key: v, values: ["1"]}], backend: q}
  - {path: '/p/{a}/{b}', rewriteTarget: '/pp/{b}/{a}', backend: p}
  - {path: /m, methods: [DELETE], backend: m-delete}
`

// decision is what a routing decision amounts to for a request.
type decision struct {
	backend string
	status  int
	uri     string // after rewriting
}

func decide(snap *snapshot, st *requestState, method, target, remote string, header ...string) decision {
	ctx := testCtx(method, target, remote, header...)
	r, status := routeRequest(snap, st, ctx)
	if r == nil {
		return decision{status: status}
	}
	st.buf = r.rewrite(ctx.URI(), st.buf, st.caps)
	return decision{backend: r.backendName, uri: string(ctx.URI().RequestURI())}
}

func TestRouteCacheNeverChangesTheWinner(t *testing.T) {
	for name, rules := range map[string]string{"Ordered": cacheOrderedRules, "RadixTree": cacheRadixRules} {
		t.Run(name, func(t *testing.T) {
			plain := compileFields(t, rules)
			cached := compileFields(t, "cacheSize: 16\n"+rules)
			if plain.cache != nil || cached.cache == nil {
				t.Fatal("cacheSize did not switch the cache")
			}
			st, stPlain := newRequestState(), newRequestState()
			n := 0
			// Three rounds: the later ones replay what the first stored,
			// across header, query and client variants of each request.
			for round := 0; round < 3; round++ {
				for _, host := range []string{"a.com", "A.com:80", "b.com"} {
					for _, method := range []string{"GET", "POST", "DELETE", "BREW"} {
						for _, target := range []string{"/h/1", "/h", "/m", "/r/42", "/r/x", "/x", "/ip", "/q/1?v=1", "/q?v=1", "/q/1", "/p/1/2", "/p/1/2?z", "/nothing"} {
							for _, remote := range []string{"192.0.2.10", "10.0.0.1"} {
								for _, hdr := range [][]string{nil, {"X-Env: prod"}} {
									hdr = append(hdr, "Host: "+host)
									got := decide(cached, st, method, target, remote, hdr...)
									want := decide(plain, stPlain, method, target, remote, hdr...)
									if got != want {
										t.Fatalf("round %d %s %s host %s from %s %v: cached %+v, searched %+v", round, method, target, host, remote, hdr, got, want)
									}
									n++
								}
							}
						}
					}
				}
			}
			if cached.cache.len() == 0 {
				t.Fatalf("nothing was cached in %d requests", n)
			}
		})
	}
}

func TestRouteCacheStoresOnlyIndependentDecisions(t *testing.T) {
	snap := compileFields(t, "cacheSize: 64\n"+cacheOrderedRules)
	c := snap.cache
	st := newRequestState()
	for _, tc := range []struct {
		method, target, host string
		stored               bool
	}{
		{"GET", "/p/1", "b.com", true},            // no condition on the way
		{"GET", "/nothing", "b.com", true},        // 404: no path matched, so no condition ran
		{"GET", "/ip", "b.com", false},            // path IP filter evaluated
		{"GET", "/q", "b.com", false},             // query condition evaluated
		{"DELETE", "/m", "b.com", true},           // methods are part of the key
		{"GET", "/m", "b.com", true},              // 405 depends on host, method and path only
		{"GET", "/h", "a.com", false},             // header condition evaluated
		{"GET", "/r/1", "a.com", true},            // matched before any condition
		{"GET", "/x", "a.com", false},             // the second a.com rule's IP filter ran
		{"GET", "/ip", "c.com", false},            // path IP filter
		{"POST", "/m", "a.com", true},             // first rule, no condition
		{"GET", "/p/2", "a.com", false},           // a.com's second rule has an IP filter
		{"GET", "/nothing/at/all", "c.com", true}, // 404 again
		{"PUT", "/p/3", "b.com", true},            // any method
		{"GET", "/h/deeper", "a.com", true},       // /h's header condition does not run for /h/deeper
		{"GET", "/p/1", "b.com", true},            // again: replayed
		{"BREW", "/p/1", "b.com", true},           // non-standard methods share a key
		{"GET", "/R/1", "a.com", false},           // no a.com path matches; the second rule's filter runs
		{"OPTIONS", "/m", "d.com", true},          // 405
		{"GET", "/p/1?query=is-not-the-key", "b.com", true},
	} {
		before := c.len()
		ctx := testCtx(tc.method, tc.target, "", "Host: "+tc.host)
		routeRequest(snap, st, ctx)
		stored := c.get(stripPort(ctx.Host()), ctx.Path(), methodBit(ctx.Method())) != nil
		if stored != tc.stored {
			t.Errorf("%s %s on %s: stored %v, want %v (entries %d -> %d)", tc.method, tc.target, tc.host, stored, tc.stored, before, c.len())
		}
	}
}

func TestRouteCacheIsBounded(t *testing.T) {
	snap := compileFields(t, "cacheSize: 10\nrules: [{paths: [{pathPrefix: /a/, backend: a}, {pathPrefix: /, backend: b}]}]\n")
	st := newRequestState()
	for i := 0; i < 1000; i++ {
		want := "a"
		if i%2 == 1 {
			want = "b"
		}
		target := fmt.Sprintf("/a/%d", i)
		if want == "b" {
			target = fmt.Sprintf("/b/%d", i)
		}
		if got := decide(snap, st, "GET", target, ""); got.backend != want {
			t.Fatalf("%s: %+v", target, got)
		}
	}
	if n := snap.cache.len(); n == 0 || n > 10 {
		t.Fatalf("%d entries, want 1..10", n)
	}
	if n := len(compileFields(t, "cacheSize: 4000000000\n").cache.slots); n != maxRouteCacheEntries {
		t.Fatalf("cacheSize 4e9 gives %d slots, want %d", n, maxRouteCacheEntries)
	}
}

func TestRouteCacheServesConcurrentRequests(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{"h-prod", "h-any", "m-post", "m-delete", "r", "internal", "ip", "q", "p"} {
		h.pipeline(name, "")
	}
	for name, rules := range map[string]string{"Ordered": cacheOrderedRules, "RadixTree": cacheRadixRules} {
		t.Run(name, func(t *testing.T) {
			port := freePort(t)
			srv := h.server(serverDoc("edge", port, "cacheSize: 8\n"+rules))
			base := fmt.Sprintf("http://127.0.0.1:%d", port)
			type req struct {
				method, path string
				header       map[string]string
				status       int
				body         string
			}
			reqs := []req{
				{"GET", "/r/42", map[string]string{"Host": "a.com"}, 200, "pipeline=r uri=/num/42 len=0"},
				{"POST", "/m", map[string]string{"Host": "a.com"}, 200, "pipeline=m-post uri=/m len=0"},
				{"DELETE", "/m", map[string]string{"Host": "b.com"}, 200, "pipeline=m-delete uri=/m len=0"},
				{"GET", "/m", map[string]string{"Host": "b.com"}, 405, ""},
				{"GET", "/ip", map[string]string{"Host": "b.com"}, 403, ""},
				{"GET", "/ip", map[string]string{"Host": "b.com", "X-Forwarded-For": "10.0.0.1"}, 200, "pipeline=ip uri=/ip len=0"},
				{"GET", "/nothing", map[string]string{"Host": "b.com"}, 404, ""},
			}
			if name == "RadixTree" {
				reqs = append(reqs,
					req{"GET", "/p/1/2", map[string]string{"Host": "b.com"}, 200, "pipeline=p uri=/pp/2/1 len=0"},
					req{"GET", "/h/1", map[string]string{"Host": "a.com", "X-Env": "prod"}, 200, "pipeline=h-prod uri=/h/1 len=0"},
					req{"GET", "/h/1", map[string]string{"Host": "a.com"}, 200, "pipeline=h-any uri=/h/1 len=0"},
					req{"GET", "/q/1?v=1", map[string]string{"Host": "b.com"}, 200, "pipeline=q uri=/q/1?v=1 len=0"},
					req{"GET", "/q/1?v=2", map[string]string{"Host": "b.com"}, 400, ""},
				)
			} else {
				reqs = append(reqs,
					req{"GET", "/p/1/2", map[string]string{"Host": "b.com"}, 200, "pipeline=p uri=/pp/1/2 len=0"},
					req{"GET", "/h", map[string]string{"Host": "a.com", "X-Env": "prod"}, 200, "pipeline=h-prod uri=/h len=0"},
					req{"GET", "/h", map[string]string{"Host": "a.com"}, 200, "pipeline=h-any uri=/h len=0"},
					req{"GET", "/q?v=1", map[string]string{"Host": "b.com"}, 200, "pipeline=q uri=/q?v=1 len=0"},
					req{"GET", "/q?v=2", map[string]string{"Host": "b.com"}, 400, ""},
				)
			}
			var wg sync.WaitGroup
			errs := make(chan string, 64)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := newClient(t)
					for i := 0; i < 40; i++ {
						rq := reqs[(g*7+i)%len(reqs)]
						r, err := tryDo(c, rq.method, base+rq.path, nil, rq.header)
						if err != nil {
							errs <- err.Error()
							return
						}
						if r.status != rq.status || (rq.body != "" && r.body != rq.body) {
							errs <- fmt.Sprintf("%s %s %v: %d %q, want %d %q", rq.method, rq.path, rq.header, r.status, r.body, rq.status, rq.body)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
			if srv.snap.cache.len() == 0 {
				t.Error("nothing was cached")
			}
		})
	}
}

func TestRouteCacheIsDiscardedOnUpdate(t *testing.T) {
	h := newHarness(t)
	h.pipeline("a", "")
	h.pipeline("b", "")
	port := freePort(t)
	s1 := h.server(serverDoc("edge", port, "cacheSize: 100\nrouterKind: RadixTree\nrules: [{paths: [{path: '/x/{id}', backend: a}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/x/1", port)
	c := newClient(t)
	for i := 0; i < 2; i++ {
		if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=a ") {
			t.Fatalf("before the update: %+v", r)
		}
	}
	if st := s1.Status().(Status); st.RouterKind != RouterRadixTree || st.RouteCache == nil || *st.RouteCache != (RouteCacheStatus{Size: 100, Entries: 1}) {
		t.Fatalf("status: router %q, cache %+v; want RadixTree and 1 of 100 entries", st.RouterKind, st.RouteCache)
	}
	s2 := h.newServerObject(serverDoc("edge", port, "cacheSize: 100\nrouterKind: RadixTree\nrules: [{paths: [{path: '/x/{id}', rewriteTarget: '/y/{id}', backend: b}]}]\n"))
	if err := s2.Inherit(s1); err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || r.body != "pipeline=b uri=/y/1 len=0" {
		t.Fatalf("after the update: %+v", r)
	}
	if s2.snap.cache == s1.snap.cache || s2.snap.cache.len() != 1 {
		t.Fatal("the new generation did not start with a cache of its own")
	}
	// Switching the cache off drops it.
	s3 := h.newServerObject(serverDoc("edge", port, "routerKind: RadixTree\nrules: [{paths: [{path: '/x/{id}', backend: a}]}]\n"))
	if err := s3.Inherit(s2); err != nil {
		t.Fatal(err)
	}
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=a ") || s3.snap.cache != nil {
		t.Fatalf("cache off: %+v", r)
	}
	if st := s3.Status().(Status); st.RouteCache != nil {
		t.Fatalf("status shows a cache that is off: %+v", st.RouteCache)
	}
}

func TestSpecCacheSize(t *testing.T) {
	h := newHarness(t)
	spec, _, err := h.decode("kind: HTTPServer\nname: edge\nport: 8080\n")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Body.(*Spec).CacheSize != 0 {
		t.Fatal("cacheSize is on by default")
	}
	if _, err := h.build("kind: HTTPServer\nname: edge\nport: 8080\ncacheSize: -1\n"); err == nil || !strings.Contains(err.Error(), "cacheSize") {
		t.Fatalf("negative cacheSize: %v", err)
	}
	obj, err := h.build("kind: HTTPServer\nname: edge\nport: 8080\ncacheSize: 1000\n")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(obj.(*Server).snap.cache.slots); n != 1000 {
		t.Fatalf("%d slots", n)
	}
}
