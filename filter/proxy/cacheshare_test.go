package proxy

import (
	"strconv"

	"github.com/valyala/fasthttp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cachedDoc is a Proxy with a cached main pool on main, and a candidate
// pool without cache on other; extra is added to the Proxy's fields and
// cache replaces the memoryCache spec when not empty.
func cachedDoc(main, other, cache, extra string) string {
	if cache == "" {
		cache = strings.Replace(cacheSpec, "%s", "1h", 1)
	}
	doc := `{"pools":[` + poolDoc(cache, main) + `,` +
		poolDoc(`"filter":{"headers":{"X-Other":{"exact":"1"}}}`, other) + `]`
	if extra != "" {
		doc += "," + extra
	}
	return doc + "}"
}

// inherit builds the generation of doc over prev, closed at cleanup.
func inherit(t *testing.T, prev *Proxy, doc string) *Proxy {
	t.Helper()
	next := newFilter(t, doc, nil)
	if err := next.Inherit(prev); err != nil {
		t.Fatalf("inherit: %v", err)
	}
	t.Cleanup(func() { _ = next.Close() })
	return next
}

func TestCacheSurvivesUnrelatedUpdates(t *testing.T) {
	up, other, third := cacheUpstream(t), startUpstream(t, nil), startUpstream(t, nil)
	old := startProxy(t, cachedDoc(up.url, other.url, "", ""))
	if _, hits := get(t, old, up, "GET", "/kept"); hits != 1 {
		t.Fatalf("first request: %d upstream hits", hits)
	}
	cur := old
	for _, tc := range []struct{ name, doc string }{
		{"same spec", cachedDoc(up.url, other.url, "", "")},
		{"another pool's servers", cachedDoc(up.url, third.url, "", "")},
		{"filter-level fields", cachedDoc(up.url, third.url, "", `"maxIdleConnsPerHost":7,"serverMaxBodySize":8192,"compression":{"minLength":100}`)},
		{"codes and methods reordered", cachedDoc(up.url, third.url, `"memoryCache": {"expiration": "1h", "maxEntryBytes": 1000, "codes": [404, 200], "methods": ["HEAD", "GET"]}`, "")},
	} {
		next := inherit(t, cur, tc.doc)
		if next.main.cache != old.main.cache {
			t.Fatalf("%s: the cache was not taken over", tc.name)
		}
		if r, hits := get(t, next, up, "GET", "/kept"); hits != 0 || r.status != 200 {
			t.Fatalf("%s: %d upstream hits after the update, %+v", tc.name, hits, r)
		}
		cur = next
	}
	if n := old.main.cache.refs.Load(); n != 5 {
		t.Fatalf("the cache has %d references, want 5", n)
	}
}

func TestCacheDoesNotSurviveRelevantUpdates(t *testing.T) {
	for _, tc := range []struct{ name, cache, extra string }{
		{"expiration", `"memoryCache": {"expiration": "2h", "maxEntryBytes": 1000, "codes": [200, 404], "methods": ["GET", "HEAD"]}`, ""},
		{"maxEntryBytes", `"memoryCache": {"expiration": "1h", "maxEntryBytes": 999, "codes": [200, 404], "methods": ["GET", "HEAD"]}`, ""},
		{"maxTotalBytes", `"memoryCache": {"expiration": "1h", "maxEntryBytes": 1000, "maxTotalBytes": 100000, "codes": [200, 404], "methods": ["GET", "HEAD"]}`, ""},
		{"codes", `"memoryCache": {"expiration": "1h", "maxEntryBytes": 1000, "codes": [200], "methods": ["GET", "HEAD"]}`, ""},
		{"methods", `"memoryCache": {"expiration": "1h", "maxEntryBytes": 1000, "codes": [200, 404], "methods": ["GET"]}`, ""},
		{"setUpstreamHost", strings.Replace(cacheSpec, "%s", "1h", 1) + `,"setUpstreamHost":true`, ""},
		{"servers", "", ""},
		{"maxRedirection", "", `"maxRedirection":2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up, other := cacheUpstream(t), startUpstream(t, nil)
			old := startProxy(t, cachedDoc(up.url, other.url, "", ""))
			get(t, old, up, "GET", "/gone")
			doc := cachedDoc(up.url, other.url, tc.cache, tc.extra)
			switch tc.name {
			case "servers":
				doc = strings.Replace(doc, `{"url":"`+up.url+`"}`, `{"url":"`+up.url+`"},{"url":"`+up.url+`/"}`, 1)
			}
			next := inherit(t, old, doc)
			if next.main.cache == old.main.cache {
				t.Fatal("the cache was taken over")
			}
			if _, hits := get(t, next, up, "GET", "/gone"); hits != 1 {
				t.Fatalf("%d upstream hits after the update, want 1", hits)
			}
			// The previous generation keeps its own entries meanwhile.
			if _, hits := get(t, old, up, "GET", "/gone"); hits != 0 {
				t.Fatal("the previous generation lost its entry")
			}
		})
	}
}

func TestCacheSurvivesPreviousClose(t *testing.T) {
	up, other := cacheUpstream(t), startUpstream(t, nil)
	old := startProxy(t, cachedDoc(up.url, other.url, "", ""))
	get(t, old, up, "GET", "/a")
	next := inherit(t, old, cachedDoc(up.url, other.url, "", `"maxIdleConns":99`))
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if _, hits := get(t, next, up, "GET", "/a"); hits != 0 {
		t.Fatal("the previous generation's Close emptied the cache")
	}
	c := next.main.cache
	if n := c.refs.Load(); n != 1 {
		t.Fatalf("%d references after the previous Close, want 1", n)
	}
	// The last Close empties the cache.
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	if st := c.snapshot(); st.entries != 0 || st.bytes != 0 || c.acquire() {
		t.Fatalf("cache after the last Close: %+v", st)
	}
}

func TestCacheRolledBackInheritLeavesPreviousCache(t *testing.T) {
	up, other := cacheUpstream(t), startUpstream(t, nil)
	old := startProxy(t, cachedDoc(up.url, other.url, "", ""))
	get(t, old, up, "GET", "/b")
	// A failed Inherit takes nothing; a rolled back one gives it back.
	bad := newFilter(t, `{"pools":[`+poolDoc(strings.Replace(cacheSpec, "%s", "1h", 1)+`,"retryPolicy":"missing"`, up.url)+`]}`, nil)
	if err := bad.Inherit(old); err == nil {
		t.Fatal("Inherit accepted a missing policy")
	}
	_ = bad.Close()
	next := newFilter(t, cachedDoc(up.url, other.url, "", ""), nil)
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	_ = next.Close()
	if n := old.main.cache.refs.Load(); n != 1 {
		t.Fatalf("%d references, want 1", n)
	}
	if _, hits := get(t, old, up, "GET", "/b"); hits != 0 {
		t.Fatal("the rolled back generation emptied the previous cache")
	}
}

func TestCacheSharedDuringSwap(t *testing.T) {
	var fixed atomic.Int64
	up, other := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		if strings.HasPrefix(string(ctx.Path()), "/s/") {
			fixed.Add(1)
		}
		ctx.SetBodyString("ok")
	}), startUpstream(t, nil)
	old := startProxy(t, cachedDoc(up.url, other.url, "", ""))
	var cur atomic.Pointer[Proxy]
	cur.Store(old)
	paths := []string{"/s/0", "/s/1", "/s/2", "/s/3"}
	for _, p := range paths {
		get(t, old, up, "GET", p)
	}
	if fixed.Load() != int64(len(paths)) {
		t.Fatalf("%d upstream hits for the fixed paths", fixed.Load())
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	failed := atomic.Value{}
	var served atomic.Int64
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := cur.Load()
				r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) {
					req.SetRequestURI(paths[(w+i)%len(paths)])
				})
				if r.status != 200 {
					failed.Store(r.status)
				}
				served.Add(1)
				// New keys are stored concurrently from both generations.
				call(t, p, "10.0.0.1", func(req *fasthttp.Request) {
					req.SetRequestURI("/n/" + strconv.Itoa(i%50))
				})
			}
		}()
	}
	prev := old
	for i := range 20 {
		next := newFilter(t, cachedDoc(up.url, other.url, "", `"maxIdleConnsPerHost":`+strconv.Itoa(100+i)), nil)
		if err := next.Inherit(prev); err != nil {
			t.Fatal(err)
		}
		// Both generations serve for a while, then the previous one closes.
		n := served.Load()
		waitFor(t, "requests during the swap", 5*time.Second, func() bool { return served.Load() > n+8 })
		cur.Store(next)
		n = served.Load()
		waitFor(t, "requests after the swap", 5*time.Second, func() bool { return served.Load() > n+8 })
		_ = prev.Close()
		prev = next
	}
	close(stop)
	wg.Wait()
	t.Cleanup(func() { _ = prev.Close() })
	if v := failed.Load(); v != nil {
		t.Fatalf("a request got status %v", v)
	}
	if prev.main.cache != old.main.cache {
		t.Fatal("the cache was not handed down")
	}
	if n := fixed.Load(); n != int64(len(paths)) {
		t.Fatalf("the cached paths were fetched again during the swaps: %d upstream hits", n)
	}
	for _, p := range paths {
		if _, hits := get(t, prev, up, "GET", p); hits != 0 {
			t.Fatalf("%s no longer cached", p)
		}
	}
}

func TestCacheIdentity(t *testing.T) {
	spec := &MemoryCacheSpec{MaxEntryBytes: 10, Codes: []int{200, 404}, Methods: []string{"GET", "HEAD"}}
	srv := func(url string, clientHost bool) *server {
		return &server{spec: &ServerSpec{URL: url}, useClientHost: clientHost}
	}
	base := cacheIdentity("pools[0]", spec, []*server{srv("http://a", false), srv("http://b", false)}, nil, 0, "insecure")
	same := cacheIdentity("pools[0]", &MemoryCacheSpec{MaxEntryBytes: 10, Codes: []int{404, 200, 200}, Methods: []string{"HEAD", "GET"}},
		[]*server{srv("http://b", false), srv("http://a", false)}, nil, 0, "insecure")
	if base != same {
		t.Fatalf("order changed the identity:\n%s\n%s", base, same)
	}
	for name, id := range map[string]string{
		"name":       cacheIdentity("pools[1]", spec, []*server{srv("http://a", false), srv("http://b", false)}, nil, 0, "insecure"),
		"clientHost": cacheIdentity("pools[0]", spec, []*server{srv("http://a", true), srv("http://b", false)}, nil, 0, "insecure"),
		"server":     cacheIdentity("pools[0]", spec, []*server{srv("http://a", false)}, nil, 0, "insecure"),
		"failure":    cacheIdentity("pools[0]", spec, []*server{srv("http://a", false), srv("http://b", false)}, []int{404}, 0, "insecure"),
		"redirects":  cacheIdentity("pools[0]", spec, []*server{srv("http://a", false), srv("http://b", false)}, nil, 1, "insecure"),
		"tls":        cacheIdentity("pools[0]", spec, []*server{srv("http://a", false), srv("http://b", false)}, nil, 0, "abc"),
	} {
		if id == base {
			t.Errorf("%s: identity unchanged", name)
		}
	}
}

func TestCacheTakenOverKeepsExpiry(t *testing.T) {
	// The entry lives 2s; the update comes 1s after it was stored. Were
	// its life restarted by the update, it would expire 3s after it was
	// stored. The margins absorb a loaded machine.
	up, other := cacheUpstream(t), startUpstream(t, nil)
	short := strings.Replace(cacheSpec, "%s", "2s", 1)
	old := startProxy(t, cachedDoc(up.url, other.url, short, ""))
	stored := time.Now()
	get(t, old, up, "GET", "/exp")
	time.Sleep(time.Second)
	next := inherit(t, old, cachedDoc(up.url, other.url, short, `"maxIdleConns":5`))
	if _, hits := get(t, next, up, "GET", "/exp"); hits != 0 {
		t.Fatal("not taken over")
	}
	waitFor(t, "the entry to expire", 10*time.Second, func() bool {
		_, hits := get(t, next, up, "GET", "/exp")
		return hits == 1
	})
	if took := time.Since(stored); took < 2*time.Second || took >= 2900*time.Millisecond {
		t.Fatalf("expired %v after it was stored, want 2s", took)
	}
}
