package requestadaptor

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// run adapts a request to http://svc.example<uri> (method GET, header
// X-Keep: 1) prepared by setup, and returns the result and the request.
func run(t *testing.T, spec string, uri string, setup func(req *fasthttp.Request)) (string, *fasthttp.Request) {
	t.Helper()
	f := filtertest.New(t, Kind, spec)
	req := &fasthttp.Request{}
	req.SetRequestURI("http://svc.example" + uri)
	req.Header.Set("X-Keep", "1")
	if setup != nil {
		setup(req)
	}
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	return f.Handle(ctx), req
}

func TestMethodAndHost(t *testing.T) {
	result, req := run(t, `{"method": "PUT", "host": "api.internal:8080"}`, "/p", nil)
	if result != "" {
		t.Fatalf("result %q", result)
	}
	if string(req.Header.Method()) != "PUT" {
		t.Errorf("method %q", req.Header.Method())
	}
	if string(req.Host()) != "api.internal:8080" || string(req.Header.Host()) != "api.internal:8080" {
		t.Errorf("URI host %q, Host header %q", req.Host(), req.Header.Host())
	}
}

func TestPath(t *testing.T) {
	for _, tc := range []struct{ spec, in, want string }{
		{`{"path": {"replace": "/new"}}`, "/old?q=1", "/new?q=1"},
		{`{"path": {"addPrefix": "/v2"}}`, "/orders", "/v2/orders"},
		{`{"path": {"trimPrefix": "/public"}}`, "/public/orders?x=y", "/orders?x=y"},
		{`{"path": {"regexpReplace": {"regexp": "^/u/(\\d+)$", "replace": "/users/$1"}}}`, "/u/7", "/users/7"},
		{`{"path": {"addPrefix": "/a", "trimPrefix": "/b"}}`, "/b/c", "/a/b/c"},
	} {
		if _, req := run(t, tc.spec, tc.in, nil); string(req.URI().RequestURI()) != tc.want {
			t.Errorf("%s on %s: got %s, want %s", tc.spec, tc.in, req.URI().RequestURI(), tc.want)
		}
	}
}

func TestHeader(t *testing.T) {
	_, req := run(t, `{"header": {"del": ["Cookie", "X-Both"], "set": {"X-Both": "s", "X-Api-Version": "2"}, "add": {"X-Both": "a"}}}`, "/",
		func(req *fasthttp.Request) {
			req.Header.Set("Cookie", "sid=1")
			req.Header.Set("X-Both", "old")
		})
	if req.Header.Peek("Cookie") != nil || len(req.Header.Cookie("sid")) != 0 {
		t.Error("Cookie not deleted")
	}
	var both []string
	for _, v := range req.Header.PeekAll("X-Both") {
		both = append(both, string(v))
	}
	if strings.Join(both, ",") != "s,a" {
		t.Errorf("X-Both = %v, want del, set, add order: s,a", both)
	}
	if string(req.Header.Peek("X-Api-Version")) != "2" || string(req.Header.Peek("X-Keep")) != "1" {
		t.Error("set header missing or untouched header lost")
	}
}

func TestBodyDropsContentEncoding(t *testing.T) {
	_, req := run(t, `{"body": "{\"replaced\":true}"}`, "/", func(req *fasthttp.Request) {
		req.Header.SetContentEncoding("gzip")
		req.SetBodyString("whatever")
	})
	if string(req.Body()) != `{"replaced":true}` {
		t.Errorf("body %q", req.Body())
	}
	if len(req.Header.ContentEncoding()) != 0 {
		t.Errorf("Content-Encoding %q kept", req.Header.ContentEncoding())
	}
}

func TestGzipRoundTrip(t *testing.T) {
	plain := strings.Repeat("payload ", 64)
	result, req := run(t, `{"compress": "gzip"}`, "/", func(req *fasthttp.Request) { req.SetBodyString(plain) })
	if result != "" || string(req.Header.ContentEncoding()) != "gzip" || len(req.Body()) >= len(plain) {
		t.Fatalf("compress: result %q, encoding %q, %d bytes", result, req.Header.ContentEncoding(), len(req.Body()))
	}
	zipped := append([]byte(nil), req.Body()...)
	result, req = run(t, `{"decompress": "gzip"}`, "/", func(req *fasthttp.Request) {
		req.Header.SetContentEncoding("gzip")
		req.SetBody(zipped)
	})
	if result != "" || string(req.Body()) != plain || len(req.Header.ContentEncoding()) != 0 {
		t.Fatalf("decompress: result %q, body ok %v, encoding %q", result, string(req.Body()) == plain, req.Header.ContentEncoding())
	}
	// A body with another encoding is left alone by both.
	result, req = run(t, `{"compress": "gzip"}`, "/", func(req *fasthttp.Request) {
		req.Header.SetContentEncoding("br")
		req.SetBodyString("brotli bytes")
	})
	if result != "" || string(req.Body()) != "brotli bytes" {
		t.Fatalf("compress over br: result %q, body %q", result, req.Body())
	}
}

func TestDecompressFailed(t *testing.T) {
	result, _ := run(t, `{"decompress": "gzip"}`, "/", func(req *fasthttp.Request) {
		req.Header.SetContentEncoding("gzip")
		req.SetBodyString("this is not gzip")
	})
	if result != ResultDecompressFailed {
		t.Fatalf("result %q, want %q", result, ResultDecompressFailed)
	}
}

type brokenStream struct{}

func (brokenStream) Read([]byte) (int, error) { return 0, errors.New("client went away") }

func TestCompressFailed(t *testing.T) {
	result, _ := run(t, `{"compress": "gzip"}`, "/", func(req *fasthttp.Request) {
		req.SetBodyStream(brokenStream{}, -1)
	})
	if result != ResultCompressFailed {
		t.Fatalf("result %q, want %q", result, ResultCompressFailed)
	}
}

func TestTemplate(t *testing.T) {
	spec := `{"method": "PUT", "host": "static.example", "header": {"set": {"X-Static": "1"}},
		"template": "method: POST\npath: {addPrefix: /tpl}\nheader:\n  set:\n    X-From-Path: {{ .request.Path | quote }}\n    X-Query: {{ .request.URL.Query.Get \"id\" | quote }}\n    X-Tenant: {{ .request.Header.Get \"X-Tenant\" | quote }}\nbody: {{ printf \"%s:%s\" .request.Method .request.Body | quote }}\n"}`
	result, req := run(t, spec, "/orders?id=7", func(req *fasthttp.Request) {
		req.Header.Set("X-Tenant", "t-1")
		req.SetBodyString("hi")
	})
	if result != "" {
		t.Fatalf("result %q", result)
	}
	for name, want := range map[string]string{
		"method":      "POST", // the template wins over the static method
		"uri":         "/tpl/orders?id=7",
		"host":        "static.example", // not yielded: the static host applies
		"X-From-Path": "/orders",
		"X-Query":     "7",
		"X-Tenant":    "t-1",
		"X-Static":    "", // the template's header replaces the static one
		"body":        "GET:hi",
	} {
		var got string
		switch name {
		case "method":
			got = string(req.Header.Method())
		case "uri":
			got = string(req.URI().RequestURI())
		case "host":
			got = string(req.Host())
		case "body":
			got = string(req.Body())
		default:
			got = string(req.Header.Peek(name))
		}
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestTemplateFallsBackToStatic(t *testing.T) {
	spec := `{"method": "DELETE", "path": {"replace": "/static"}, "header": {"set": {"X-Static": "1"}}, "body": "static body",
		"template": "host: tpl.example\n"}`
	_, req := run(t, spec, "/p", nil)
	if string(req.Header.Method()) != "DELETE" || string(req.URI().Path()) != "/static" ||
		string(req.Header.Peek("X-Static")) != "1" || string(req.Body()) != "static body" || string(req.Host()) != "tpl.example" {
		t.Fatalf("got %s %s host %s X-Static %q body %q", req.Header.Method(), req.URI().Path(), req.Host(), req.Header.Peek("X-Static"), req.Body())
	}
}

func TestTemplateDelims(t *testing.T) {
	_, req := run(t, `{"template": "body: '<< .request.Path >> {{ kept }}'", "leftDelim": "<<", "rightDelim": ">>"}`, "/d", nil)
	if string(req.Body()) != "/d {{ kept }}" {
		t.Fatalf("body %q", req.Body())
	}
}

func TestTemplateBuildErr(t *testing.T) {
	for _, tmpl := range []string{
		`nonsense: 1`,                 // unknown key
		`method: get`,                 // not a standard method
		`method: [GET]`,               // wrong type
		`path: {addPrefix: nope}`,     // invalid path rewrite
		`header: {set: {"X A": "1"}}`, // invalid header name
		`body: {{ b64dec "%%%" }}`,    // execution error
		`host: "a\r\nb"`,              // header injection
		`path: {regexpReplace: {regexp: "("}}`,
	} {
		spec := `{"template": ` + quoteJSON(tmpl) + `}`
		if result, _ := run(t, spec, "/", nil); result != ResultBuildErr {
			t.Errorf("template %q: result %q, want %q", tmpl, result, ResultBuildErr)
		}
	}
}

func TestNoRequest(t *testing.T) {
	f := filtertest.New(t, Kind, `{"method": "POST"}`)
	req := &fasthttp.Request{}
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	ctx.UseNamespace("empty")
	if result := f.Handle(ctx); result != "" {
		t.Fatalf("result %q", result)
	}
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "r", Kind: Kind, Body: "not a spec"})
	if f.Init() == nil || f.(*RequestAdaptor).Validate() == nil || f.Inherit(f) == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
