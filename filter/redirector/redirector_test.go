package redirector

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// serve runs f behind a real server; a request it lets go on gets 200
// "not redirected".
func serve(t *testing.T, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		if f.Handle(ctx) == "" {
			ctx.NewResponse().SetBodyString("not redirected")
		}
	})
}

// noFollow is a net/http client that does not follow redirects.
var noFollow = &http.Client{
	Timeout:       filtertest.Timeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get returns the status, Location and body of a GET of target.
func get(t *testing.T, s *filtertest.Server, target string) (int, string, string) {
	t.Helper()
	resp, err := noFollow.Get("http://" + s.Addr + target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestRedirects(t *testing.T) {
	for _, tc := range []struct {
		name, spec, target string
		code               int
		location           string
	}{
		{"uri keeps what the pattern keeps", `{"match": "^/item/([0-9]+)", "replacement": "/items/$1"}`,
			"/item/42?color=red", 301, "/items/42?color=red"},
		{"uri can drop the query", `{"match": "^/item/([0-9]+)\\?.*$", "replacement": "/items/${1}", "statusCode": 302}`,
			"/item/42?color=red", 302, "/items/42"},
		{"uri to another site", `{"match": "^/(.*)$", "replacement": "https://new.example/$1", "statusCode": 307}`,
			"/a/b?x=1", 307, "https://new.example/a/b?x=1"},
		{"path keeps the query", `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1", "statusCode": 308}`,
			"/item/7?color=red&size=m", 308, "/items/7?color=red&size=m"},
		{"path joins queries", `{"match": "^/search$", "matchPart": "path", "replacement": "/find?v=2", "statusCode": 303}`,
			"/search?q=shoes", 303, "/find?v=2&q=shoes"},
		{"path prefix", `{"match": "^/old/(.*)$", "matchPart": "path", "replacement": "/new/$1"}`,
			"/old/a/b/c", 301, "/new/a/b/c"},
		{"named group", `{"match": "^/u/(?P<id>[a-z]+)$", "matchPart": "path", "replacement": "/users/${id}"}`,
			"/u/ann", 301, "/users/ann"},
		{"every match replaced", `{"match": "_", "matchPart": "path", "replacement": "-", "statusCode": 301}`,
			"/a_b_c", 301, "/a-b-c"},
		{"percent-encoded as sent", `{"match": "^/caf%C3%A9$", "matchPart": "path", "replacement": "/coffee"}`,
			"/caf%C3%A9", 301, "/coffee"},
		{"304 is allowed", `{"match": "^/x$", "replacement": "/y", "statusCode": 304}`, "/x", 304, "/y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, filtertest.New(t, Kind, tc.spec))
			code, loc, _ := get(t, s, tc.target)
			if code != tc.code || loc != tc.location {
				t.Fatalf("got %d %q, want %d %q", code, loc, tc.code, tc.location)
			}
		})
	}
}

func TestFullURL(t *testing.T) {
	s := serve(t, filtertest.New(t, Kind, `{"match": "^http://127\\.0\\.0\\.1:([0-9]+)/(.*)$", "matchPart": "full", "replacement": "https://localhost:$1/$2"}`))
	code, loc, _ := get(t, s, "/a?b=c")
	port := s.Addr[strings.LastIndexByte(s.Addr, ':')+1:]
	if _, err := strconv.Atoi(port); err != nil {
		t.Fatal(err)
	}
	if code != 301 || loc != "https://localhost:"+port+"/a?b=c" {
		t.Fatalf("got %d %q", code, loc)
	}
}

func TestNoRedirect(t *testing.T) {
	f := filtertest.New(t, Kind, `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1"}`)
	s := serve(t, f)
	for _, target := range []string{"/items/7", "/item/x", "/item/7/more", "/"} {
		if code, loc, body := get(t, s, target); code != 200 || loc != "" || body != "not redirected" {
			t.Errorf("%s: %d %q %q", target, code, loc, body)
		}
	}
	same := serve(t, filtertest.New(t, Kind, `{"match": "^/same$", "matchPart": "path", "replacement": "/same"}`))
	if code, _, _ := get(t, same, "/same?x=1"); code != 200 {
		t.Errorf("a rewrite that changes nothing must not redirect: %d", code)
	}
	if st := f.Status().(Status); st.Redirected != 0 {
		t.Errorf("status %+v", st)
	}
}

func TestNoMatchAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1"}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/catalog/shoes?size=42")
	var rc fasthttp.RequestCtx
	rc.Init(req, nil, nil)
	ctx := filter.NewContext()
	now := time.Now()
	once := func() {
		ctx.Reset(&rc, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
	once()
	if n := testing.AllocsPerRun(200, once); n != 0 {
		t.Errorf("a request that is not redirected allocates %v", n)
	}
}

func BenchmarkRedirectorNoMatch(b *testing.B) {
	f := filtertest.New(b, Kind, `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1"}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/catalog/shoes?size=42")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ctx.ResetDetached(req, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
}

func BenchmarkRedirectorRedirect(b *testing.B) {
	f := filtertest.New(b, Kind, `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1"}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/item/42?size=42")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ctx.ResetDetached(req, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
}
