package fileserver

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// cachedServer returns a FileServer over a small site whose cache is
// checked against the disk once an hour, and a fasthttp request context
// for GET path as a server would hand it over.
func cachedServer(tb testing.TB, path string) (*FileServer, *fasthttp.RequestCtx) {
	root := tree(tb, map[string]string{"style.css": "body { margin: 0 }\n", "index.html": "<h1>home</h1>"})
	f := filtertest.New(tb, Kind, `{"root": `+jsonString(root)+`, "precompressed": "br gzip", "compress": "gzip",
		"cache": {"cacheFileExtensionFilters": [{"extension": ["*.css"]}]}}`).(*FileServer)
	f.cache.revalidate = time.Hour
	req := &fasthttp.Request{}
	req.SetRequestURI(path)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	var rc fasthttp.RequestCtx
	rc.Init(req, nil, nil)
	return f, &rc
}

// TestCachedHitAllocs asserts that a cache hit allocates nothing: the
// body is the cached slice and the headers are written as bytes.
// Documented figure: 0 allocs/op.
func TestCachedHitAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f, rc := cachedServer(t, "/style.css")
	ctx := filter.NewContext()
	now := time.Now()
	once := func() {
		ctx.Reset(rc, []byte(filtertest.ClientIP), now)
		if r := f.Handle(ctx); r != "" {
			t.Fatalf("result %q", r)
		}
		ctx.Finish()
	}
	once()
	if rc.Response.StatusCode() != 200 || string(rc.Response.Body()) != "body { margin: 0 }\n" {
		t.Fatalf("reply %d %q", rc.Response.StatusCode(), rc.Response.Body())
	}
	if n := testing.AllocsPerRun(500, once); n != 0 {
		t.Errorf("a cache hit allocates %v per request, want 0", n)
	}
	rc.Request.Header.Set("If-None-Match", string(rc.Response.Header.Peek("ETag")))
	once()
	if rc.Response.StatusCode() != 304 {
		t.Fatalf("status %d", rc.Response.StatusCode())
	}
	if n := testing.AllocsPerRun(500, once); n != 0 {
		t.Errorf("a cached 304 allocates %v per request, want 0", n)
	}
	if st := f.Status().(Stats); st.Misses != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// BenchmarkCachedSmallFile serves a small cached file (headers and
// body, no network).
func BenchmarkCachedSmallFile(b *testing.B) {
	f, rc := cachedServer(b, "/style.css")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ctx.Reset(rc, []byte(filtertest.ClientIP), now)
		f.Handle(ctx)
		ctx.Finish()
	}
}

// BenchmarkCachedSmallFileServer serves a small cached file over
// loopback; the fasthttp client and server costs are included.
func BenchmarkCachedSmallFileServer(b *testing.B) {
	s := serve(b, tree(b, map[string]string{"style.css": "body { margin: 0 }\n"}), "")
	s.f.cache.revalidate = time.Hour
	req := &fasthttp.Request{}
	req.SetRequestURI("/style.css")
	var resp fasthttp.Response
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Do(req, &resp); err != nil {
			b.Fatal(err)
		}
	}
}
