package proxy

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// cacheUpstream answers every request with its path and query, the
// status given by ?status=, and the Cache-Control, Set-Cookie and Vary
// given by ?cc=, ?cookie= and ?vary=.
func cacheUpstream(t testing.TB) *testUpstream {
	return startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		args := ctx.QueryArgs()
		if s := args.GetUintOrZero("status"); s > 0 {
			ctx.SetStatusCode(s)
		}
		if cc := args.Peek("cc"); len(cc) > 0 {
			ctx.Response.Header.SetBytesV("Cache-Control", cc)
		}
		if c := args.Peek("cookie"); len(c) > 0 {
			ctx.Response.Header.SetBytesV("Set-Cookie", c)
		}
		if v := args.Peek("vary"); len(v) > 0 {
			ctx.Response.Header.SetBytesV("Vary", v)
		}
		if n := args.GetUintOrZero("size"); n > 0 {
			ctx.SetBodyString(strings.Repeat("x", n))
			return
		}
		ctx.Response.Header.Set("X-Served", "upstream")
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"uri":"` + string(ctx.RequestURI()) + `"}`)
	})
}

const cacheSpec = `"memoryCache": {"expiration": "%s", "maxEntryBytes": 1000, "codes": [200, 404], "methods": ["GET", "HEAD"]}`

func cachedProxy(t testing.TB, up *testUpstream, expiration string) *Proxy {
	return startProxy(t, `{"pools":[`+poolDoc(strings.Replace(cacheSpec, "%s", expiration, 1), up.url)+`]}`)
}

// get sends one request to p and reports the reply and the upstream hits
// it caused.
func get(t *testing.T, p *Proxy, up *testUpstream, method, uri string, headers ...string) (reply, int64) {
	t.Helper()
	before := up.hits.Load()
	r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) {
		req.Header.SetMethod(method)
		req.SetRequestURI(uri)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
	})
	return r, up.hits.Load() - before
}

func TestCacheServesRepeats(t *testing.T) {
	up := cacheUpstream(t)
	p := cachedProxy(t, up, "1m")
	first, hits := get(t, p, up, "GET", "/items?id=1")
	if hits != 1 || first.status != 200 {
		t.Fatalf("first request: %+v, %d hits", first, hits)
	}
	for i := range 3 {
		r, hits := get(t, p, up, "GET", "/items?id=1")
		if hits != 0 || r.result != "" || r.status != 200 || r.body != first.body ||
			string(r.header.Peek("X-Served")) != "upstream" || string(r.header.ContentType()) != "application/json" ||
			len(r.header.Peek("Age")) == 0 {
			t.Fatalf("repeat %d: %d hits, %+v, headers %s", i, hits, r, r.header.Header())
		}
	}
	// Another query, another method, another host: other entries.
	for _, tc := range []struct{ method, uri, host string }{
		{"GET", "/items?id=2", "example.com"}, {"HEAD", "/items?id=1", "example.com"}, {"GET", "/items?id=1", "other.example"},
	} {
		if _, hits := get(t, p, up, tc.method, tc.uri, "Host", tc.host); hits != 1 {
			t.Errorf("%s %s %s: %d hits, want a miss", tc.method, tc.host, tc.uri, hits)
		}
	}
	st := p.Status().(*Status).Pools[0].MemoryCache
	if st.Hits != 3 || st.Entries != 4 || st.Stored != 4 || st.Bytes <= 0 {
		t.Fatalf("cache status %+v", st)
	}
}

func TestCacheRespectsCodesMethodsAndCacheControl(t *testing.T) {
	up := cacheUpstream(t)
	p := cachedProxy(t, up, "1m")
	cases := []struct {
		name, method, uri string
		headers           []string
		cached            bool
	}{
		{"404 listed", "GET", "/nf?status=404", nil, true},
		{"201 not listed", "GET", "/created?status=201", nil, false},
		{"POST not listed", "POST", "/post", nil, false},
		{"reply no-store", "GET", "/ns?cc=no-store", nil, false},
		{"reply private", "GET", "/pv?cc=private,max-age=60", nil, false},
		{"reply max-age 0", "GET", "/ma0?cc=max-age=0", nil, false},
		{"reply max-age 60", "GET", "/ma60?cc=public,max-age=60", nil, true},
		{"reply sets a cookie", "GET", "/ck?cookie=a=b", nil, false},
		{"reply varies", "GET", "/vy?vary=Accept-Encoding", nil, false},
		{"too big", "GET", "/big?size=1001", nil, false},
		{"just fits", "GET", "/fits?size=1000", nil, true},
		{"request no-store", "GET", "/rns", []string{"Cache-Control", "no-store"}, false},
		{"credentials", "GET", "/auth", []string{"Authorization", "Bearer x"}, false},
	}
	for _, c := range cases {
		get(t, p, up, c.method, c.uri, c.headers...)
		_, hits := get(t, p, up, c.method, c.uri, c.headers...)
		if cached := hits == 0; cached != c.cached {
			t.Errorf("%s: cached %v, want %v", c.name, cached, c.cached)
		}
	}
	// A request with no-cache skips the lookup even when an entry exists.
	if _, hits := get(t, p, up, "GET", "/nf?status=404", "Cache-Control", "no-cache"); hits != 1 {
		t.Errorf("no-cache request served from the cache")
	}
	// 5xx are failure codes, never cached.
	get(t, p, up, "GET", "/err?status=500")
	if r, hits := get(t, p, up, "GET", "/err?status=500"); hits != 1 || r.result != ResultFailureCode {
		t.Errorf("500: %d hits, result %q", hits, r.result)
	}
}

func TestCacheEntriesExpire(t *testing.T) {
	up := cacheUpstream(t)
	p := cachedProxy(t, up, "150ms")
	get(t, p, up, "GET", "/e")
	if _, hits := get(t, p, up, "GET", "/e"); hits != 0 {
		t.Fatal("not cached")
	}
	waitFor(t, "the entry to expire", 5*time.Second, func() bool {
		_, hits := get(t, p, up, "GET", "/e")
		return hits == 1
	})
	// A reply's max-age shorter than the expiration wins.
	long := cachedProxy(t, up, "1h")
	get(t, long, up, "GET", "/short?cc=max-age=1")
	start := time.Now()
	waitFor(t, "the max-age entry to expire", 10*time.Second, func() bool {
		_, hits := get(t, long, up, "GET", "/short?cc=max-age=1")
		return hits == 1
	})
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Fatalf("a max-age=1 entry expired after %v", took)
	}
}

func TestCacheMemoryIsBounded(t *testing.T) {
	up := cacheUpstream(t)
	const total = 4096
	p := startProxy(t, `{"pools":[`+poolDoc(`"memoryCache": {"expiration": "1m", "maxEntryBytes": 1000, "maxTotalBytes": `+strconv.Itoa(total)+`, "codes": [200], "methods": ["GET"]}`, up.url)+`]}`)
	for i := range 40 {
		get(t, p, up, "GET", "/fill/"+strconv.Itoa(i)+"?size=900")
		// Keep /fill/0 in use: it stays while older entries go.
		if _, hits := get(t, p, up, "GET", "/fill/0?size=900"); hits != 0 && i > 0 {
			t.Fatalf("the entry in use was evicted after %d stores", i)
		}
		if st := p.Status().(*Status).Pools[0].MemoryCache; st.Bytes > total {
			t.Fatalf("cache holds %d bytes, bound %d", st.Bytes, total)
		}
	}
	st := p.Status().(*Status).Pools[0].MemoryCache
	if st.Evicted == 0 || st.Entries > total/900 {
		t.Fatalf("status %+v", st)
	}
}

func TestCacheHitDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	up := cacheUpstream(t)
	p := cachedProxy(t, up, "1h")
	run := serverRunner(t, p)
	run()
	hits := up.hits.Load()
	if allocs := testing.AllocsPerRun(1000, run); allocs > 0 {
		t.Fatalf("%v allocations per cache hit", allocs)
	}
	if up.hits.Load() != hits {
		t.Fatal("the runs were not served from the cache")
	}
}

func TestParseCacheControl(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want cacheControl
	}{
		{"", cacheControl{maxAge: -1}},
		{"No-Store", cacheControl{noStore: true, maxAge: -1}},
		{"public, max-age=60", cacheControl{maxAge: 60}},
		{`max-age="30", s-maxage=10`, cacheControl{maxAge: 10}},
		{"private, no-cache", cacheControl{private: true, noCache: true, maxAge: -1}},
		{"max-age=abc", cacheControl{maxAge: 0}},
	} {
		if got := parseCacheControl([]byte(tc.v)); got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.v, got, tc.want)
		}
	}
}

func BenchmarkCacheHit(b *testing.B) {
	up := cacheUpstream(b)
	p := cachedProxy(b, up, "1h")
	run := serverRunner(b, p)
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
}
