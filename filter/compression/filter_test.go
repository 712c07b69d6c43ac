package compression

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// TestNoResponse: the filter does nothing before a response exists, and
// declares no result, so only the success key "" can be routed.
func TestNoResponse(t *testing.T) {
	f := filtertest.New(t, Kind, `{}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.Set("Accept-Encoding", "gzip")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if r := f.Handle(ctx); r != "" || ctx.Response() != nil {
		t.Fatalf("result %q", r)
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "c", "kind": "Compression"}`, "c", "compressed", Kind)
}

// serverCtx returns a request context as a fasthttp server makes it.
func serverCtx(accept string) *fasthttp.RequestCtx {
	req := &fasthttp.Request{}
	req.SetRequestURI("/api/items")
	req.Header.Set("Accept-Encoding", accept)
	var rc fasthttp.RequestCtx
	rc.Init(req, nil, nil)
	return &rc
}

// compressOnce gives the request a JSON reply, as an upstream would, and
// runs the filter on it.
func compressOnce(f filter.Filter, ctx *filter.Context, rc *fasthttp.RequestCtx, doc []byte, now time.Time) {
	ctx.Reset(rc, nil, now)
	resp := ctx.NewResponse()
	resp.Header.SetContentType("application/json")
	resp.SetBody(doc)
	f.Handle(ctx)
	ctx.Finish()
}

func TestCompressAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	doc := jsonBody(16 << 10)
	for _, accept := range []string{"gzip", "br", "identity"} {
		f := filtertest.New(t, Kind, `{}`)
		rc := serverCtx(accept)
		ctx := filter.NewContext()
		now := time.Now()
		for range 3 { // warm the pools
			compressOnce(f, ctx, rc, doc, now)
		}
		if accept != "identity" && string(rc.Response.Header.ContentEncoding()) != accept {
			t.Fatalf("%s: not compressed", accept)
		}
		if n := testing.AllocsPerRun(100, func() { compressOnce(f, ctx, rc, doc, now) }); n != 0 {
			t.Errorf("%s: compressing a reply allocates %v", accept, n)
		}
	}
}

func benchmarkCompress(b *testing.B, accept string, size int) {
	f := filtertest.New(b, Kind, `{}`)
	doc := jsonBody(size)
	rc := serverCtx(accept)
	ctx := filter.NewContext()
	now := time.Now()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		compressOnce(f, ctx, rc, doc, now)
	}
}

func BenchmarkCompressGzip16K(b *testing.B)   { benchmarkCompress(b, "gzip", 16<<10) }
func BenchmarkCompressBrotli16K(b *testing.B) { benchmarkCompress(b, "br", 16<<10) }
func BenchmarkCompressGzip1K(b *testing.B)    { benchmarkCompress(b, "gzip", 1<<10) }
func BenchmarkCompressBrotli1K(b *testing.B)  { benchmarkCompress(b, "br", 1<<10) }
func BenchmarkCompressSkipped(b *testing.B)   { benchmarkCompress(b, "identity", 16<<10) }
