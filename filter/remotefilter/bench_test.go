package remotefilter

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// BenchmarkCall measures one call to a loopback service that echoes the
// document back unchanged, request headers and a small body included.
func BenchmarkCall(b *testing.B) {
	url := filtertest.Upstream(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, r.Body)
	})
	f := filtertest.New(b, Kind, `{"url": "`+url+`/hook", "timeout": "5s"}`)
	req := &fasthttp.Request{}
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		req.Reset()
		req.SetRequestURI("http://shop.example/orders/7?x=1")
		req.Header.SetMethod("POST")
		req.Header.Set("X-User-Id", "42")
		req.Header.SetContentType("application/json")
		req.SetBodyString(`{"item": 7, "qty": 2}`)
		ctx.ResetDetached(req, []byte(filtertest.ClientIP), now)
		if r := f.Handle(ctx); r != "" {
			b.Fatalf("result %q", r)
		}
		ctx.Finish()
	}
}
