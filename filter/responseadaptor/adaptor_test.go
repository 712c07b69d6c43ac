package responseadaptor

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// run adapts a 200 response (header X-Keep: 1) prepared by setup for a
// GET of /items?id=3 and returns the result and the response.
func run(t *testing.T, spec string, setup func(resp *fasthttp.Response)) (string, *fasthttp.Response) {
	t.Helper()
	f := filtertest.New(t, Kind, spec)
	req := &fasthttp.Request{}
	req.SetRequestURI("http://svc.example/items?id=3")
	ctx := filtertest.Detached(req)
	t.Cleanup(ctx.Finish)
	resp := ctx.NewResponse()
	resp.SetStatusCode(200)
	resp.Header.Set("X-Keep", "1")
	if setup != nil {
		setup(resp.Response)
	}
	return f.Handle(ctx), resp.Response
}

func TestHeader(t *testing.T) {
	result, resp := run(t, `{"header": {"del": ["X-Powered-By", "Vary"], "set": {"Server": "gatewright", "Vary": "Accept"}, "add": {"Vary": "Origin"}}}`,
		func(resp *fasthttp.Response) {
			resp.Header.Set("X-Powered-By", "php")
			resp.Header.Set("Vary", "Cookie")
		})
	if result != "" {
		t.Fatalf("result %q", result)
	}
	var vary []string
	for _, v := range resp.Header.PeekAll("Vary") {
		vary = append(vary, string(v))
	}
	if resp.Header.Peek("X-Powered-By") != nil || string(resp.Header.Peek("Server")) != "gatewright" ||
		strings.Join(vary, ",") != "Accept,Origin" || string(resp.Header.Peek("X-Keep")) != "1" {
		t.Fatalf("headers: X-Powered-By=%q Server=%q Vary=%v X-Keep=%q", resp.Header.Peek("X-Powered-By"),
			resp.Header.Peek("Server"), vary, resp.Header.Peek("X-Keep"))
	}
}

func TestBody(t *testing.T) {
	_, resp := run(t, `{"body": "busy, retry later"}`, func(resp *fasthttp.Response) {
		resp.Header.SetContentEncoding("gzip")
		resp.SetBody(fasthttp.AppendGzipBytes(nil, []byte("upstream")))
	})
	if string(resp.Body()) != "busy, retry later" || len(resp.Header.ContentEncoding()) != 0 {
		t.Fatalf("body %q, encoding %q", resp.Body(), resp.Header.ContentEncoding())
	}
}

func TestGzipRoundTrip(t *testing.T) {
	plain := strings.Repeat(`{"item": 1}`, 40)
	result, resp := run(t, `{"compress": "gzip"}`, func(resp *fasthttp.Response) { resp.SetBodyString(plain) })
	if result != "" || string(resp.Header.ContentEncoding()) != "gzip" || len(resp.Body()) >= len(plain) {
		t.Fatalf("compress: result %q, encoding %q, %d bytes", result, resp.Header.ContentEncoding(), len(resp.Body()))
	}
	zipped := append([]byte(nil), resp.Body()...)
	result, resp = run(t, `{"decompress": "gzip"}`, func(resp *fasthttp.Response) {
		resp.Header.SetContentEncoding("gzip")
		resp.SetBody(zipped)
	})
	if result != "" || string(resp.Body()) != plain || len(resp.Header.ContentEncoding()) != 0 || resp.Header.ContentLength() != len(plain) {
		t.Fatalf("decompress: result %q, body ok %v, encoding %q, length %d", result, string(resp.Body()) == plain,
			resp.Header.ContentEncoding(), resp.Header.ContentLength())
	}
}

func TestResults(t *testing.T) {
	if result, _ := run(t, `{"decompress": "gzip"}`, func(resp *fasthttp.Response) {
		resp.Header.SetContentEncoding("gzip")
		resp.SetBodyString("plain text labelled gzip")
	}); result != ResultDecompressFailed {
		t.Errorf("invalid gzip: result %q, want %q", result, ResultDecompressFailed)
	}
	if result, _ := run(t, `{"compress": "gzip"}`, func(resp *fasthttp.Response) {
		resp.SetBodyStream(failingStream{}, -1)
	}); result != ResultCompressFailed {
		t.Errorf("failing stream: result %q, want %q", result, ResultCompressFailed)
	}

	f := filtertest.New(t, Kind, `{"header": {"set": {"A": "b"}}}`)
	req := &fasthttp.Request{}
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	if result := f.Handle(ctx); result != ResultResponseNotFound {
		t.Errorf("no response: result %q, want %q", result, ResultResponseNotFound)
	}
}

type failingStream struct{}

func (failingStream) Read([]byte) (int, error) { return 0, errors.New("upstream reset") }

func TestTemplate(t *testing.T) {
	spec := `{"header": {"set": {"X-Static": "1"}}, "body": "static",
		"template": "header:\n  set:\n    X-Status: {{ .response.StatusCode | quote }}\n    X-Path: {{ .requests.DEFAULT.Path | quote }}\n    X-Upstream: {{ .responses.DEFAULT.Header.Get \"X-Up\" | quote }}\nbody: {{ printf \"%s (was %d bytes)\" (.response.JSONBody).msg (len .response.Body) | quote }}\n"}`
	result, resp := run(t, spec, func(resp *fasthttp.Response) {
		resp.Header.Set("X-Up", "u1")
		resp.SetBodyString(`{"msg": "hello"}`)
	})
	if result != "" {
		t.Fatalf("result %q", result)
	}
	for name, want := range map[string]string{"X-Status": "200", "X-Path": "/items", "X-Upstream": "u1", "X-Static": ""} {
		if got := string(resp.Header.Peek(name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if string(resp.Body()) != "hello (was 16 bytes)" {
		t.Errorf("body %q", resp.Body())
	}
}

func TestTemplateFallsBackToStatic(t *testing.T) {
	_, resp := run(t, `{"header": {"set": {"X-Static": "1"}}, "body": "static", "template": "{{ if false }}body: never{{ end }}"}`, nil)
	if string(resp.Header.Peek("X-Static")) != "1" || string(resp.Body()) != "static" {
		t.Fatalf("X-Static %q body %q", resp.Header.Peek("X-Static"), resp.Body())
	}
	_, resp = run(t, `{"body": "static", "template": "header: {add: {X-T: t}}"}`, nil)
	if string(resp.Header.Peek("X-T")) != "t" || string(resp.Body()) != "static" {
		t.Fatalf("X-T %q body %q", resp.Header.Peek("X-T"), resp.Body())
	}
}

func TestTemplateDelims(t *testing.T) {
	_, resp := run(t, `{"template": "body: \"<% .response.StatusCode %> {{ x }}\"", "leftDelim": "<%", "rightDelim": "%>"}`, nil)
	if string(resp.Body()) != "200 {{ x }}" {
		t.Fatalf("body %q", resp.Body())
	}
}

func TestTemplateBuildErr(t *testing.T) {
	for _, tmpl := range []string{
		`status: 500`,
		`body: [a]`,
		`header: {del: ["bad name"]}`,
		`body: {{ .response.Nope }}`,
	} {
		spec := `{"template": ` + quoteJSON(tmpl) + `}`
		if result, _ := run(t, spec, nil); result != ResultBuildErr {
			t.Errorf("template %q: result %q, want %q", tmpl, result, ResultBuildErr)
		}
	}
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "r", Kind: Kind, Body: 42})
	if f.Init() == nil || f.(*ResponseAdaptor).Validate() == nil || f.Inherit(f) == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
