package responseadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// upstreamBody is the stand-in upstream's JSON reply.
const upstreamBody = `{"items": [1, 2, 3], "pad": "padding padding padding padding padding padding padding padding padding padding padding padding padding"}`

// upstream serves a stand-in upstream reply (status 200, a JSON body,
// X-Powered-By) adapted by f; a non-empty result becomes a 500 whose
// body is the result.
func upstream(t testing.TB, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		resp := ctx.NewResponse()
		resp.SetStatusCode(200)
		resp.Header.Set("X-Powered-By", "php")
		resp.Header.SetContentType("application/json")
		resp.SetBodyString(upstreamBody)
		if result := f.Handle(ctx); result != "" {
			resp := ctx.NewResponse()
			resp.SetStatusCode(500)
			resp.SetBodyString(result)
		}
	})
}

func TestServerAdaptsResponse(t *testing.T) {
	f := filtertest.New(t, Kind, `{"header": {"del": ["X-Powered-By"], "set": {"Server": "gatewright"}}, "compress": "gzip"}`)
	s := upstream(t, f)
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 200 || string(resp.Header.ContentEncoding()) != "gzip" ||
		resp.Header.Peek("X-Powered-By") != nil || string(resp.Header.Peek("Server")) != "gatewright" {
		t.Fatalf("got %d, Content-Encoding %q, X-Powered-By %q, Server %q", resp.StatusCode(),
			resp.Header.ContentEncoding(), resp.Header.Peek("X-Powered-By"), resp.Header.Peek("Server"))
	}
	plain, err := resp.BodyGunzip()
	if err != nil || string(plain) != upstreamBody {
		t.Fatalf("body does not gunzip to the upstream body: %v", err)
	}
}

func TestServerTemplate(t *testing.T) {
	f := filtertest.New(t, Kind, `{"template": "header: {set: {X-Count: {{ len (.response.JSONBody) | quote }}}}\nbody: {{ .request.URL.Query.Get \"greet\" | default \"none\" | quote }}\n"}`)
	s := upstream(t, f)
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/?greet=hi")
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if string(resp.Body()) != "hi" || string(resp.Header.Peek("X-Count")) != "2" {
		t.Fatalf("body %q, X-Count %q", resp.Body(), resp.Header.Peek("X-Count"))
	}
	req.SetRequestURI("/")
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if string(resp.Body()) != "none" {
		t.Fatalf("body %q", resp.Body())
	}
}
