package requestadaptor

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

const (
	headerSpec = `{"header": {"del": ["Cookie", "X-Internal"], "set": {"X-Api-Version": "2", "X-Gateway": "gatewright"}, "add": {"Via": "1.1 gatewright"}}}`
	staticSpec = `{"method": "POST", "host": "api.internal", "path": {"addPrefix": "/v2"},
		"header": {"del": ["Cookie"], "set": {"X-Api-Version": "2"}, "add": {"Via": "1.1 gatewright"}}}`
	templateSpec = `{"template": "header:\n  set:\n    X-Path: {{ .request.Path | quote }}\n"}`
	signSpec     = `{"sign": {"accessKeyId": "client-1", "accessKeySecret": "s3cr3t", "scopes": ["eu-west", "orders"]}}`
)

// bench holds a pristine request and the working copy a run adapts.
type bench struct {
	f          filter.Filter
	ctx        *filter.Context
	orig, work fasthttp.Request
	now        time.Time
}

func newBench(t testing.TB, spec string) *bench {
	b := &bench{f: filtertest.New(t, Kind, spec), ctx: filter.NewContext(), now: time.Now()}
	b.orig.SetRequestURI("http://svc.example/orders/42?expand=items")
	b.orig.Header.Set("Cookie", "sid=1")
	b.orig.Header.Set("X-Internal", "1")
	b.orig.Header.Set("Via", "1.0 edge")
	b.orig.SetBodyString(strings.Repeat("x", 512))
	return b
}

// once restores the request and adapts it as a traffic gate would.
func (b *bench) once() string {
	b.orig.CopyTo(&b.work)
	b.ctx.ResetDetached(&b.work, []byte(filtertest.ClientIP), b.now)
	result := b.f.Handle(b.ctx)
	b.ctx.Finish()
	return result
}

// TestStaticAllocs asserts that header edits, the other static edits
// (method, host, prefix path rewrite) and signing allocate nothing per
// request: 0 allocs/op.
func TestStaticAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	for name, spec := range map[string]string{"header only": headerSpec, "static": staticSpec, "sign": signSpec} {
		b := newBench(t, spec)
		if r := b.once(); r != "" {
			t.Fatalf("%s: result %q", name, r)
		}
		if n := testing.AllocsPerRun(200, func() { b.once() }); n != 0 {
			t.Errorf("%s: %v allocs per request, want 0", name, n)
		}
	}
}

func benchmark(bm *testing.B, spec string) {
	b := newBench(bm, spec)
	bm.ReportAllocs()
	for bm.Loop() {
		b.once()
	}
}

// BenchmarkBaseline is the cost of restoring the request and resetting
// the context, without a filter's own work, for comparison.
func BenchmarkBaseline(bm *testing.B) { benchmark(bm, `{}`) }

// BenchmarkHeaderOnly edits headers only.
func BenchmarkHeaderOnly(bm *testing.B) { benchmark(bm, headerSpec) }

// BenchmarkStatic edits method, host, path and headers.
func BenchmarkStatic(bm *testing.B) { benchmark(bm, staticSpec) }

// BenchmarkTemplate runs a one-header template.
func BenchmarkTemplate(bm *testing.B) { benchmark(bm, templateSpec) }

// BenchmarkSign signs the request (four headers, a 512-byte body).
func BenchmarkSign(bm *testing.B) { benchmark(bm, signSpec) }

// BenchmarkCompress gzips a 512-byte body.
func BenchmarkCompress(bm *testing.B) { benchmark(bm, `{"compress": "gzip"}`) }
