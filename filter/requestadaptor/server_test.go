package requestadaptor

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// echo serves f and then replies with what the adapted request looks like:
// "METHOD HOST URI" on the first body line, then the body; headers X-*
// are copied to the reply. A non-empty result is the reply status text
// with status 500.
func echo(t testing.TB, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		result := f.Handle(ctx)
		req := ctx.Request()
		resp := ctx.NewResponse()
		if result != "" {
			resp.SetStatusCode(500)
			resp.SetBodyString(result)
			return
		}
		for k, v := range req.Header.All() {
			if len(k) > 2 && string(k[:2]) == "X-" {
				resp.Header.AddBytesKV(k, v)
			}
		}
		resp.SetBodyString(string(req.Header.Method()) + " " + string(req.Host()) + " " + string(req.URI().RequestURI()) +
			" enc=" + string(req.Header.ContentEncoding()) + "\n" + string(req.Body()))
	})
}

func TestServerAdaptsRequest(t *testing.T) {
	f := filtertest.New(t, Kind, `{"method": "PUT", "host": "api.internal", "path": {"trimPrefix": "/public"},
		"header": {"del": ["X-Secret"], "set": {"X-Api-Version": "2"}}, "decompress": "gzip"}`)
	s := echo(t, f)
	plain := strings.Repeat("order line\n", 20)
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/public/orders?id=9")
	req.Header.SetMethod("POST")
	req.Header.Set("X-Secret", "s3cr3t")
	req.Header.Set("X-Trace", "abc")
	req.Header.SetContentEncoding("gzip")
	req.SetBody(fasthttp.AppendGzipBytes(nil, []byte(plain)))
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	want := "PUT api.internal /orders?id=9 enc=\n" + plain
	if resp.StatusCode() != 200 || string(resp.Body()) != want {
		t.Fatalf("got %d %q, want %q", resp.StatusCode(), resp.Body(), want)
	}
	if resp.Header.Peek("X-Secret") != nil || string(resp.Header.Peek("X-Api-Version")) != "2" || string(resp.Header.Peek("X-Trace")) != "abc" {
		t.Fatalf("headers seen upstream: X-Secret=%q X-Api-Version=%q X-Trace=%q",
			resp.Header.Peek("X-Secret"), resp.Header.Peek("X-Api-Version"), resp.Header.Peek("X-Trace"))
	}

	// A corrupt gzip body gives decompressFailed.
	req.SetBodyString("corrupt")
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 500 || string(resp.Body()) != ResultDecompressFailed {
		t.Fatalf("corrupt body: got %d %q", resp.StatusCode(), resp.Body())
	}
}

func TestServerTemplate(t *testing.T) {
	f := filtertest.New(t, Kind, `{"template": "path: {replace: {{ printf \"/tenants/%s%s\" (.request.Header.Get \"X-Tenant\") .request.Path | quote }}}\nbody: {{ (.request.JSONBody).name | upper | quote }}\n"}`)
	s := echo(t, f)
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/items")
	req.Header.SetMethod("POST")
	req.Header.Set("X-Tenant", "t9")
	req.SetBodyString(`{"name": "box"}`)
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if want := "POST " + s.Addr + " /tenants/t9/items enc=\nBOX"; string(resp.Body()) != want {
		t.Fatalf("got %q, want %q", resp.Body(), want)
	}
}
