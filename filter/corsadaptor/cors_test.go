package corsadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// backendHits counts the requests that got past the filter.
type backend struct{ hits int }

// serve runs f behind a real server. A request it lets go on is answered
// as an upstream would: 200 "backend" with its own, wrong CORS headers,
// which the filter must replace.
func serve(t *testing.T, f filter.Filter, b *backend) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		if f.Handle(ctx) != "" {
			ctx.Finish()
			return
		}
		b.hits++
		resp := ctx.NewResponse()
		resp.SetBodyString("backend")
		resp.Header.Set("Access-Control-Allow-Origin", "https://upstream.example")
		resp.Header.Set("Access-Control-Allow-Credentials", "true")
		resp.Header.Set("Vary", "Accept-Encoding")
	})
}

type exchange struct {
	method  string
	headers [][2]string
}

func do(t *testing.T, s *filtertest.Server, ex exchange) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/api/items")
	req.Header.SetMethod(ex.method)
	for _, kv := range ex.headers {
		req.Header.Add(kv[0], kv[1])
	}
	resp := &fasthttp.Response{}
	if err := s.Do(req, resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

func header(resp *fasthttp.Response, name string) string {
	var out string
	for _, v := range resp.Header.PeekAll(name) {
		if out != "" {
			out += ", "
		}
		out += string(v)
	}
	return out
}

func preflight(origin, method, headers string) exchange {
	ex := exchange{method: "OPTIONS", headers: [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", method}}}
	if headers != "" {
		ex.headers = append(ex.headers, [2]string{"Access-Control-Request-Headers", headers})
	}
	return ex
}

func TestPreflight(t *testing.T) {
	var b backend
	s := serve(t, filtertest.New(t, Kind, `{"allowedOrigins": ["https://*.shop.example", "https://admin.example"],
		"allowedMethods": ["GET", "PUT", "DELETE"], "allowedHeaders": ["Content-Type", "X-Api-Key"],
		"allowCredentials": true, "maxAge": 600}`), &b)

	resp := do(t, s, preflight("https://eu.shop.example", "PUT", "content-type, x-api-key"))
	if resp.StatusCode() != 204 || len(resp.Body()) != 0 {
		t.Fatalf("allowed preflight: %d %q", resp.StatusCode(), resp.Body())
	}
	for name, want := range map[string]string{
		"Access-Control-Allow-Origin":      "https://eu.shop.example",
		"Access-Control-Allow-Methods":     "PUT",
		"Access-Control-Allow-Headers":     "content-type, x-api-key",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Max-Age":           "600",
		"Vary":                             varyPreflight,
	} {
		if got := header(resp, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, tc := range []struct {
		name string
		ex   exchange
	}{
		{"origin not allowed", preflight("https://evil.example", "PUT", "")},
		{"wildcard needs a subdomain", preflight("https://shop.example", "GET", "")},
		{"method not allowed", preflight("https://admin.example", "PATCH", "")},
		{"header not allowed", preflight("https://admin.example", "GET", "content-type, x-secret")},
	} {
		resp := do(t, s, tc.ex)
		if resp.StatusCode() != 403 || header(resp, "Access-Control-Allow-Origin") != "" || header(resp, "Access-Control-Allow-Methods") != "" {
			t.Errorf("%s: %d, allow-origin %q", tc.name, resp.StatusCode(), header(resp, "Access-Control-Allow-Origin"))
		}
		if header(resp, "Vary") != varyPreflight {
			t.Errorf("%s: Vary %q", tc.name, header(resp, "Vary"))
		}
	}
	// Case does not matter for the method, the headers or the origin.
	resp = do(t, s, preflight("HTTPS://Admin.Example", "delete", "X-API-KEY"))
	if resp.StatusCode() != 204 {
		t.Errorf("mixed case preflight: %d", resp.StatusCode())
	}
	if b.hits != 0 {
		t.Fatalf("preflights reached the backend %d times", b.hits)
	}
}

func TestPreflightDefaults(t *testing.T) {
	var b backend
	s := serve(t, filtertest.New(t, Kind, `{}`), &b)
	resp := do(t, s, preflight("https://any.example", "POST", "Content-Type, Accept, X-Requested-With"))
	if resp.StatusCode() != 204 || header(resp, "Access-Control-Allow-Origin") != "*" ||
		header(resp, "Access-Control-Allow-Credentials") != "" || header(resp, "Access-Control-Max-Age") != "" {
		t.Fatalf("default preflight: %d %v", resp.StatusCode(), resp.Header.String())
	}
	if resp := do(t, s, preflight("https://any.example", "PUT", "")); resp.StatusCode() != 403 {
		t.Errorf("PUT is not a default method: %d", resp.StatusCode())
	}
	if resp := do(t, s, preflight("https://any.example", "GET", "authorization")); resp.StatusCode() != 403 {
		t.Errorf("authorization is not a default header: %d", resp.StatusCode())
	}
	anyHeader := serve(t, filtertest.New(t, Kind, `{"allowedHeaders": ["*"], "allowCredentials": true}`), &b)
	resp = do(t, anyHeader, preflight("https://any.example", "GET", "authorization, x-whatever"))
	if resp.StatusCode() != 204 || header(resp, "Access-Control-Allow-Origin") != "https://any.example" {
		t.Errorf("any header with credentials: %d, origin %q", resp.StatusCode(), header(resp, "Access-Control-Allow-Origin"))
	}
	if b.hits != 0 {
		t.Fatalf("preflights reached the backend %d times", b.hits)
	}
}

func TestActualRequests(t *testing.T) {
	var b backend
	s := serve(t, filtertest.New(t, Kind, `{"allowedOrigins": ["https://app.example"], "exposedHeaders": ["X-Request-Id", "X-Total"]}`), &b)

	resp := do(t, s, exchange{method: "GET", headers: [][2]string{{"Origin", "https://app.example"}}})
	if resp.StatusCode() != 200 || string(resp.Body()) != "backend" {
		t.Fatalf("allowed request: %d %q", resp.StatusCode(), resp.Body())
	}
	for name, want := range map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example",
		"Access-Control-Allow-Credentials": "",
		"Access-Control-Expose-Headers":    "X-Request-Id, X-Total",
		"Vary":                             "Accept-Encoding, Origin",
	} {
		if got := header(resp, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	hits := b.hits
	resp = do(t, s, exchange{method: "POST", headers: [][2]string{{"Origin", "https://evil.example"}}})
	if resp.StatusCode() != 403 || header(resp, "Access-Control-Allow-Origin") != "" || b.hits != hits {
		t.Fatalf("refused origin: %d, allow-origin %q, backend hits %d", resp.StatusCode(), header(resp, "Access-Control-Allow-Origin"), b.hits-hits)
	}
	// OPTIONS without Access-Control-Request-Method is an ordinary request.
	resp = do(t, s, exchange{method: "OPTIONS", headers: [][2]string{{"Origin", "https://app.example"}}})
	if resp.StatusCode() != 200 || header(resp, "Access-Control-Allow-Origin") != "https://app.example" {
		t.Fatalf("plain OPTIONS: %d", resp.StatusCode())
	}
	// Not cross-origin: no Origin, or the request's own host.
	resp = do(t, s, exchange{method: "GET"})
	if resp.StatusCode() != 200 || header(resp, "Access-Control-Allow-Origin") != "https://upstream.example" {
		t.Fatalf("no Origin must be left alone: %d %q", resp.StatusCode(), header(resp, "Access-Control-Allow-Origin"))
	}
	resp = do(t, s, exchange{method: "POST", headers: [][2]string{{"Origin", "http://" + s.Addr}}})
	if resp.StatusCode() != 200 || header(resp, "Access-Control-Allow-Origin") != "https://upstream.example" {
		t.Fatalf("same-host Origin must be left alone: %d %q", resp.StatusCode(), header(resp, "Access-Control-Allow-Origin"))
	}
}

func TestActualRequestAnyOrigin(t *testing.T) {
	var b backend
	s := serve(t, filtertest.New(t, Kind, `{"allowedOrigins": ["*"]}`), &b)
	resp := do(t, s, exchange{method: "GET", headers: [][2]string{{"Origin", "https://x.example"}}})
	if header(resp, "Access-Control-Allow-Origin") != "*" || header(resp, "Access-Control-Allow-Credentials") != "" {
		t.Fatalf("any origin without credentials: %q %q", header(resp, "Access-Control-Allow-Origin"), header(resp, "Access-Control-Allow-Credentials"))
	}
	creds := serve(t, filtertest.New(t, Kind, `{"allowCredentials": true}`), &b)
	resp = do(t, creds, exchange{method: "GET", headers: [][2]string{{"Origin", "https://x.example"}}})
	if header(resp, "Access-Control-Allow-Origin") != "https://x.example" || header(resp, "Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("any origin with credentials: %q %q", header(resp, "Access-Control-Allow-Origin"), header(resp, "Access-Control-Allow-Credentials"))
	}
}

func TestNoResponseNoHeaders(t *testing.T) {
	f := filtertest.New(t, Kind, `{}`)
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.Set("Origin", "https://x.example")
	ctx := filtertest.Detached(req)
	if r := f.Handle(ctx); r != "" {
		t.Fatalf("result %q", r)
	}
	ctx.Finish() // no response: nothing to add to, and no panic
	ctx = filtertest.Detached(req)
	ctx.UseNamespace("side")
	if r := f.Handle(ctx); r != "" || ctx.Response() != nil {
		t.Fatalf("a namespace without a request: %q", r)
	}
	ctx.Finish()
}
