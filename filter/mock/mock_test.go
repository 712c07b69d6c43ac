package mock

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// handle runs f on a detached request for path with the given headers and
// returns the result and the DEFAULT response (nil when none); release it
// with ctx.Finish.
func handle(t *testing.T, f filter.Filter, path string, headers ...[2]string) (string, *fasthttp.Response, *filter.Context) {
	t.Helper()
	req := &fasthttp.Request{}
	req.SetRequestURI(path)
	for _, kv := range headers {
		req.Header.Add(kv[0], kv[1])
	}
	ctx := filtertest.Detached(req)
	result := f.Handle(ctx)
	var resp *fasthttp.Response
	if r := ctx.Response(); r != nil {
		resp = r.Response
	}
	return result, resp, ctx
}

func TestFirstMatchWins(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [
		{"match": {"path": "/a"}, "code": 201, "body": "exact a"},
		{"match": {"pathPrefix": "/a"}, "code": 202, "body": "prefix a"},
		{"match": {"path": "/b", "pathPrefix": "/c/"}, "code": 203, "body": "b or c"},
		{"match": {"pathPrefix": "/"}, "code": 204, "body": "any"}
	]}`)
	for _, tc := range []struct {
		path string
		code int
		body string
	}{
		{"/a", 201, "exact a"},
		{"/a/x", 202, "prefix a"},
		{"/ab?q=1", 202, "prefix a"},
		{"/b", 203, "b or c"},
		{"/c/d", 203, "b or c"},
		{"/zzz", 204, "any"},
	} {
		result, resp, ctx := handle(t, f, tc.path)
		if result != ResultMocked || resp == nil || resp.StatusCode() != tc.code || string(resp.Body()) != tc.body {
			t.Errorf("%s: result %q, response %v", tc.path, result, resp)
		}
		ctx.Finish()
	}
}

func TestNoMatch(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [{"match": {"path": "/only"}, "code": 200}]}`)
	result, resp, ctx := handle(t, f, "/other")
	defer ctx.Finish()
	if result != "" || resp != nil {
		t.Fatalf("result %q, response %v; want no reply", result, resp)
	}
	empty := filtertest.New(t, Kind, `{"rules": []}`)
	if result, _, ctx := handle(t, empty, "/"); result != "" {
		ctx.Finish()
		t.Fatalf("empty rules: result %q", result)
	}
}

func TestMatchAnyPath(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [{"code": 418}]}`)
	result, resp, ctx := handle(t, f, "/whatever/it/is")
	defer ctx.Finish()
	if result != ResultMocked || resp.StatusCode() != 418 {
		t.Fatalf("result %q, status %d", result, resp.StatusCode())
	}
}

func TestReply(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [{"code": 200, "body": "{\"ok\":true}",
		"headers": {"Content-Type": "application/json", "X-Mock": "yes", "Cache-Control": "no-store"}}]}`)
	_, resp, ctx := handle(t, f, "/")
	defer ctx.Finish()
	for name, want := range map[string]string{"Content-Type": "application/json", "X-Mock": "yes", "Cache-Control": "no-store"} {
		if got := string(resp.Header.Peek(name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if string(resp.Body()) != `{"ok":true}` {
		t.Errorf("body = %q", resp.Body())
	}
}

func TestHeaderConditions(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [
		{"match": {"matchAllHeaders": true, "headers": {"X-Env": {"exact": "prod"}, "X-Canary": {"empty": true}}}, "code": 201},
		{"match": {"headers": {"X-Env": {"regex": "^(dev|test)$"}, "X-Team": {"prefix": "core-"}}}, "code": 202},
		{"match": {"headers": {"X-Flag": {"empty": true}}}, "code": 203},
		{"code": 299}
	]}`)
	for _, tc := range []struct {
		name    string
		headers [][2]string
		code    int
	}{
		{"all: prod and no canary", [][2]string{{"X-Env", "prod"}, {"X-Flag", "1"}}, 201},
		{"all: prod and empty canary", [][2]string{{"X-Env", "prod"}, {"X-Canary", ""}, {"X-Flag", "1"}}, 201},
		{"all fails on canary, any: regex", [][2]string{{"X-Env", "prod"}, {"X-Canary", "1"}, {"X-Team", "core-x"}}, 202},
		{"any: regex", [][2]string{{"X-Env", "dev"}, {"X-Flag", "1"}}, 202},
		{"any: prefix", [][2]string{{"X-Team", "core-api"}, {"X-Flag", "1"}}, 202},
		{"absent flag matches empty", nil, 203},
		{"empty flag matches empty", [][2]string{{"X-Flag", ""}}, 203},
		{"fallback", [][2]string{{"X-Env", "stage"}, {"X-Flag", "on"}}, 299},
	} {
		result, resp, ctx := handle(t, f, "/", tc.headers...)
		if result != ResultMocked || resp.StatusCode() != tc.code {
			t.Errorf("%s: result %q, status %d, want %d", tc.name, result, resp.StatusCode(), tc.code)
		}
		ctx.Finish()
	}
}

func TestOtherNamespace(t *testing.T) {
	f := filtertest.New(t, Kind, `{"rules": [{"code": 200}]}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	ctx.UseNamespace("side")
	if result := f.Handle(ctx); result != "" || ctx.Response() != nil {
		t.Fatalf("a namespace without a request: result %q", result)
	}
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "m", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.(*Mock).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate and Init")
	}
	if err := f.Inherit(f); err == nil {
		t.Fatal("Inherit must fail too")
	}
}
