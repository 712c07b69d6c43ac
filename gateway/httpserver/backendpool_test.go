package httpserver

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/registry"
	"github.com/valyala/fasthttp"
)

func TestBackendPoolProxiesToUpstream(t *testing.T) {
	h := newPoolHarness(t)
	h.pipeline("p", "")
	up := startPoolUpstream(t, "up-a")
	dead := deadUpstreamURL(t)
	port := freePort(t)
	srv := h.server(serverDoc("edge", port, fmt.Sprintf(`rules:
- paths:
  - pathPrefix: /api/
    rewriteTarget: /v1/
    backendPool: {servers: [{url: %q}], serverMaxBodySize: 1024, timeout: 200ms}
  - {path: /echo, backend: p}
  - {path: /dead, backendPool: {servers: [{url: %q}]}}
`, up.url, dead)))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := newClient(t)

	r := do(t, c, "GET", base+"/api/items?x=1", nil, map[string]string{"Connection": "keep-alive, X-Hop", "X-Hop": "1"})
	if r.status != 200 || r.body != "up-a" {
		t.Fatalf("proxied: %d %q", r.status, r.body)
	}
	for name, want := range map[string]string{
		"X-Up-Uri":   "/v1/items?x=1",
		"X-Up-Xff":   "127.0.0.1",
		"X-Up-Proto": "http",
		"X-Up-Host":  fmt.Sprintf("127.0.0.1:%d", port),
		"X-Up-Hop":   "", // listed in Connection: hop-by-hop, removed
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// A reply longer than serverMaxBodySize is streamed, whole.
	if r := do(t, c, "GET", base+"/api/big", nil, nil); r.status != 200 || len(r.body) != bigBody {
		t.Fatalf("big reply: %d, %d bytes", r.status, len(r.body))
	}
	// Failure codes keep the upstream reply; timeouts answer 408; an
	// unreachable server 503; the pipeline route still works.
	for _, c2 := range []struct {
		path   string
		status int
	}{{"/api/fail", 500}, {"/api/slow", 408}, {"/dead", 503}, {"/echo", 200}} {
		if r := do(t, c, "GET", base+c2.path, nil, nil); r.status != c2.status {
			t.Errorf("%s: status %d, want %d", c2.path, r.status, c2.status)
		}
	}
	st := srv.Status().(Status)
	if len(st.BackendPools) != 2 || st.BackendPools[0].Path != "rules[0].paths[0]" || st.BackendPools[1].Path != "rules[0].paths[2]" {
		t.Fatalf("backend pools in status: %+v", st.BackendPools)
	}
	if ps := proxyStatus(t, srv, "rules[0].paths[0]"); ps.Pools[0].Servers[0].URL != up.url || ps.Pools[0].Servers[0].Requests < 4 {
		t.Fatalf("pool status %+v", ps.Pools[0])
	}
}

func TestBackendPoolRoundRobin(t *testing.T) {
	h := newPoolHarness(t)
	a, b := startPoolUpstream(t, "up-a"), startPoolUpstream(t, "up-b")
	port := freePort(t)
	h.server(serverDoc("edge", port, fmt.Sprintf(
		"rules: [{paths: [{pathPrefix: /, backendPool: {servers: [{url: %q}, {url: %q}], loadBalance: {policy: roundRobin}}}]}]\n", a.url, b.url)))
	c := newClient(t)
	var seq []string
	for range 6 {
		r := do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d/x", port), nil, nil)
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		seq = append(seq, r.body)
	}
	for i := 1; i < len(seq); i++ {
		if seq[i] == seq[i-1] {
			t.Fatalf("not round robin: %v", seq)
		}
	}
	if a.hits.Load() != 3 || b.hits.Load() != 3 {
		t.Fatalf("hits a=%d b=%d", a.hits.Load(), b.hits.Load())
	}
}

func TestBackendPoolHealthCheckMarksDeadServerDown(t *testing.T) {
	h := newPoolHarness(t)
	a, b := startPoolUpstream(t, "up-a"), startPoolUpstream(t, "up-b")
	dead := deadUpstreamURL(t)
	port := freePort(t)
	srv := h.server(serverDoc("edge", port, fmt.Sprintf(`rules:
- paths:
  - pathPrefix: /
    backendPool:
      servers: [{url: %q}, {url: %q}, {url: %q}]
      healthCheck: {interval: 20ms, timeout: 500ms, uri: /health, password: hunter2, username: probe}
`, a.url, b.url, dead)))
	const where = "rules[0].paths[0]"
	eventually(t, 5*time.Second, "the dead server marked down", func() bool { return !serverHealthy(t, srv, where, dead) })
	b.down.Store(true)
	eventually(t, 5*time.Second, "b marked down", func() bool { return !serverHealthy(t, srv, where, b.url) })
	if !serverHealthy(t, srv, where, a.url) {
		t.Fatal("a marked down")
	}
	c := newClient(t)
	for i := range 6 {
		if r := do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d/x", port), nil, nil); r.status != 200 || r.body != "up-a" {
			t.Fatalf("request %d: %d %q", i, r.status, r.body)
		}
	}
	// The status shows the health check without its password.
	ps := proxyStatus(t, srv, where)
	if hc := ps.Pools[0].HealthCheck; hc == nil || hc.URI != "/health" || hc.Password == "hunter2" {
		t.Fatalf("health check status %+v", hc)
	}
}

func TestBackendPoolErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name, paths string
		want        []string
	}{
		{"bad server url", `[{path: /a, backend: p}, {path: /b, backendPool: {servers: [{url: "ftp://x"}]}}]`,
			[]string{"rules[0].paths[1].backendPool.servers"}},
		{"schema enum", `[{backendPool: {servers: [{url: "http://a"}], loadBalance: {policy: nearest}}}]`,
			[]string{"rules[0].paths[0].backendPool.loadBalance.policy"}},
		{"schema type", `[{backendPool: {servers: [{url: "http://a"}], failureCodes: "500"}}]`,
			[]string{"rules[0].paths[0].backendPool.failureCodes"}},
		{"unknown field", `[{backendPool: {servers: [{url: "http://a"}], mirrorPool: {}}}]`,
			[]string{"rules[0].paths[0].backendPool", "mirrorPool"}},
		{"no servers", `[{backendPool: {loadBalance: {policy: random}}}]`,
			[]string{"rules[0].paths[0].backendPool"}},
		{"headerHash needs a key", `[{backendPool: {servers: [{url: "http://a"}], loadBalance: {policy: headerHash}}}]`,
			[]string{"rules[0].paths[0].backendPool.loadBalance.headerHashKey: required by policy headerHash"}},
		{"retry policy", `[{backendPool: {servers: [{url: "http://a"}], retryPolicy: r}}]`,
			[]string{"rules[0].paths[0].backendPool.retryPolicy: resilience policies are declared in a pipeline's resilience list"}},
		{"circuit breaker policy", `[{backendPool: {servers: [{url: "http://a"}], circuitBreakerPolicy: cb}}]`,
			[]string{"rules[0].paths[0].backendPool.circuitBreakerPolicy: resilience policies"}},
		{"candidate filter", `[{backendPool: {servers: [{url: "http://a"}], filter: {headers: {X-A: {exact: b}}}}}]`,
			[]string{"rules[0].paths[0].backendPool.filter: an inline pool takes every request of its path"}},
		{"both", `[{path: /a, backend: p}, {path: /b, backend: p, backendPool: {servers: [{url: "http://a"}]}}]`,
			[]string{"rules[0].paths[1]: give backend or backendPool, not both"}},
		{"neither", `[{path: /a}]`,
			[]string{"rules[0].paths[0]: backend or backendPool is required"}},
		{"several pools", `[{backendPool: {servers: [{url: "ftp://a"}]}}, {backendPool: {servers: [{url: "http://b", weight: 500}]}}]`,
			[]string{"rules[0].paths[0].backendPool.servers", "rules[0].paths[1].backendPool.servers[0].weight"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newPoolHarness(t)
			_, err := h.build("kind: HTTPServer\nname: edge\nport: 80\nrules: [{paths: " + c.paths + "}]\n")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "pools[0]") || strings.Contains(err.Error(), "filters[0]") {
				t.Errorf("error names the generated pipeline: %q", err)
			}
		})
	}
}

func TestBackendPoolNeedsTheProxyKind(t *testing.T) {
	h := newHarness(t) // no Proxy kind registered
	_, err := h.build("kind: HTTPServer\nname: edge\nport: 80\nrules: [{paths: [{backendPool: {servers: [{url: \"http://a\"}]}}]}]\n")
	if err == nil || !strings.Contains(err.Error(), "rules[0].paths[0].backendPool: needs the Proxy filter kind") {
		t.Fatalf("error %v", err)
	}
	// Validation without a registry checks what it can.
	spec, _, err := h.decode("kind: HTTPServer\nname: edge\nport: 80\nrules: [{paths: [{backendPool: {servers: [{url: \"http://a\"}]}}]}]\n")
	if err != nil {
		t.Fatalf("decoding (schema and Validate): %v", err)
	}
	if len(spec.Body.(*Spec).Rules[0].Paths[0].BackendPool) != 1 {
		t.Fatalf("pool not kept: %+v", spec.Body)
	}
}

// TestBackendPoolRouteAllocatesNothing checks a request proxied through
// an inline pool to a loopback upstream allocates nothing beyond what
// the Proxy allocates, which is nothing either.
func TestBackendPoolRouteAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString(`{"ok":true}`) }}
	go func() { _ = up.Serve(ln) }()
	t.Cleanup(func() { _ = up.Shutdown() })

	h := newPoolHarness(t)
	srv := h.newServerObject(serverDoc("bench", 8080, `rules:
- host: api.example
  paths:
  - {path: /healthz, backend: p}
  - {pathPrefix: /items/, setHeaders: {X-Gateway: gatewright}, backendPool: {servers: [{url: "http://`+ln.Addr().String()+`"}]}}
`))
	if err := srv.startInline(nil); err != nil { // Close (at cleanup) closes them
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := &listenerRuntime{log: log}
	rt.states.New = func() any { return newRequestState() }
	rt.snap.Store(srv.snap)

	ctx := testCtx("GET", "/items/42", "192.0.2.10", "Host: api.example")
	for range 100 {
		ctx.Response.Reset()
		rt.handle(ctx)
	}
	if code, body := ctx.Response.StatusCode(), string(ctx.Response.Body()); code != 200 || body != `{"ok":true}` {
		t.Fatalf("status %d body %q", code, body)
	}
	if allocs := testing.AllocsPerRun(1000, func() { ctx.Response.Reset(); rt.handle(ctx) }); allocs != 0 {
		t.Fatalf("%v allocations per request through an inline pool", allocs)
	}
}

func TestBackendPoolSecretsAreRedacted(t *testing.T) {
	h := newPoolHarness(t)
	e, err := h.reg.Lookup(registry.ObjectClass, KindName)
	if err != nil {
		t.Fatal(err)
	}
	if paths := strings.Join(e.SecretPaths(), " "); !strings.Contains(paths, "rules[].paths[].backendPool (as filter:Proxy:pools[])") {
		t.Fatalf("secret paths %q", paths)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(`{"port": 80, "rules": [{"paths": [{"backendPool": {"servers": [{"url": "http://a"}],
		"healthCheck": {"username": "probe", "password": "hunter2"}}}]}]}`), &doc); err != nil {
		t.Fatal(err)
	}
	h.reg.RedactSecrets(registry.ObjectClass, KindName, doc)
	b, _ := json.Marshal(doc)
	if strings.Contains(string(b), "hunter2") || !strings.Contains(string(b), `"username":"probe"`) {
		t.Fatalf("redacted document %s", b)
	}
}
