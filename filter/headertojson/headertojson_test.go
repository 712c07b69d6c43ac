package headertojson

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

const spec = `{"headerMap": [{"header": "X-User-Id", "json": "userId"}, {"header": "X-Tenant", "json": "tenant"}]}`

func TestMerge(t *testing.T) {
	f := filtertest.New(t, Kind, spec)
	for _, tc := range []struct {
		name, body  string
		headers     [][2]string
		result      string
		want        string
		contentType string
	}{
		{"empty body", "", [][2]string{{"X-User-Id", "42"}}, "", `{"userId":"42"}`, "application/json"},
		{"both headers", "", [][2]string{{"X-User-Id", "42"}, {"X-Tenant", "acme"}}, "", `{"tenant":"acme","userId":"42"}`, "application/json"},
		{"object", `{"item": 7, "price": 12.50, "note": "<b>&</b>"}`, [][2]string{{"X-Tenant", "acme"}}, "",
			`{"item":7,"note":"<b>&</b>","price":12.50,"tenant":"acme"}`, "text/plain"},
		{"header wins", `{"userId": "forged"}`, [][2]string{{"X-User-Id", "42"}}, "", `{"userId":"42"}`, "text/plain"},
		{"array of objects", `[{"a": 1}, {"b": [1, 2]}]`, [][2]string{{"X-Tenant", "acme"}}, "",
			`[{"a":1,"tenant":"acme"},{"b":[1,2],"tenant":"acme"}]`, "text/plain"},
		{"quotes escaped", ``, [][2]string{{"X-Tenant", `a"b\c`}}, "", `{"tenant":"a\"b\\c"}`, "application/json"},
		{"no header: untouched", `not json at all`, nil, "", `not json at all`, "text/plain"},
		{"empty header: untouched", `not json`, [][2]string{{"X-User-Id", ""}}, "", `not json`, "text/plain"},
		{"invalid json", `{"a": `, [][2]string{{"X-Tenant", "acme"}}, ResultJSONEncodeDecodeErr, `{"a": `, "text/plain"},
		{"scalar", `42`, [][2]string{{"X-Tenant", "acme"}}, ResultJSONEncodeDecodeErr, `42`, "text/plain"},
		{"array with a scalar", `[{"a": 1}, 2]`, [][2]string{{"X-Tenant", "acme"}}, ResultJSONEncodeDecodeErr, `[{"a": 1}, 2]`, "text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &fasthttp.Request{}
			req.SetRequestURI("/orders")
			req.Header.SetMethod("POST")
			if tc.body != "" {
				req.Header.SetContentType("text/plain")
			}
			req.SetBodyString(tc.body)
			for _, kv := range tc.headers {
				req.Header.Set(kv[0], kv[1])
			}
			ctx := filtertest.Detached(req)
			defer ctx.Finish()
			if r := f.Handle(ctx); r != tc.result {
				t.Fatalf("result %q, want %q", r, tc.result)
			}
			if string(req.Body()) != tc.want {
				t.Fatalf("body %s, want %s", req.Body(), tc.want)
			}
			if ct := string(req.Header.ContentType()); tc.body != "" && ct != tc.contentType || tc.body == "" && len(tc.headers) > 0 && ct != tc.contentType {
				t.Fatalf("content type %q, want %q", ct, tc.contentType)
			}
		})
	}
}

func TestStreamedBody(t *testing.T) {
	f := filtertest.New(t, Kind, spec)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.SetMethod("POST")
	req.Header.Set("X-Tenant", "acme")
	req.SetBodyStream(strings.NewReader(`{"a": 1}`), -1)
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if r := f.Handle(ctx); r != ResultBodyReadErr {
		t.Fatalf("result %q", r)
	}
	if !req.IsBodyStream() {
		t.Fatal("the stream must be left alone")
	}
}

func TestNoHeaderAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, spec)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.SetBodyString(`{"a": 1}`)
	ctx := filter.NewContext()
	now := time.Now()
	once := func() {
		ctx.ResetDetached(req, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
	if n := testing.AllocsPerRun(200, once); n != 0 {
		t.Errorf("a request without the headers allocates %v", n)
	}
}

func BenchmarkHeaderToJSON(b *testing.B) {
	f := filtertest.New(b, Kind, spec)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.Set("X-User-Id", "42")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		req.SetBodyString(`{"item": 7, "qty": 2, "note": "gift"}`)
		ctx.ResetDetached(req, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
}
