package telemetry

import (
	"context"
	"slices"
	"testing"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/contrib/propagators/b3"
	"go.opentelemetry.io/otel/trace"
)

func TestRequestHeaderCarrierCarriesB3(t *testing.T) {
	var in fasthttp.Request
	in.Header.Set("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124")
	in.Header.Set("X-B3-SpanId", "0020000000000001")
	in.Header.Set("X-B3-Sampled", "1")
	p := b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader))
	sc := trace.SpanContextFromContext(p.Extract(context.Background(), RequestHeaderCarrier{Header: &in.Header}))
	if !sc.IsValid() || !sc.IsRemote() || !sc.IsSampled() || sc.TraceID().String() != "463ac35c9f6413ad48485a3953bb6124" || sc.SpanID().String() != "0020000000000001" {
		t.Fatalf("extracted %v", sc)
	}
	var out fasthttp.Request
	c := RequestHeaderCarrier{Header: &out.Header}
	p.Inject(trace.ContextWithSpanContext(context.Background(), sc), c)
	if got := string(out.Header.Peek("X-B3-TraceId")); got != "463ac35c9f6413ad48485a3953bb6124" || c.Get("x-b3-spanid") != "0020000000000001" || c.Get("x-b3-sampled") != "1" {
		t.Fatalf("injected %q", out.Header.String())
	}
	keys := c.Keys()
	for _, want := range []string{"X-B3-Traceid", "X-B3-Spanid", "X-B3-Sampled"} {
		if !slices.Contains(keys, want) {
			t.Errorf("Keys %v lack %s", keys, want)
		}
	}
}
