package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	_ "github.com/gatewright/gatewright/registry/standard"
)

// upstream is a real HTTP server on 127.0.0.1 that answers with its name
// and remembers the last request headers it saw.
type upstream struct {
	name string
	url  string
	hits atomic.Int64
}

func startUpstream(t *testing.T, name string) *upstream {
	t.Helper()
	u := &upstream{name: name}
	u.url = testkit.ServeHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		w.Header().Set("X-Upstream", name)
		fmt.Fprintf(w, "%s %s %s", name, r.URL.Path, r.Header.Get("X-Step"))
	}))
	return u
}

// get sends one request and returns status and body.
func get(t *testing.T, c *http.Client, url string, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// easegressConfig is an Easegress v2 HTTPServer + Pipeline + Proxy document
// set, written as an Easegress user would.
const easegressConfig = `
kind: HTTPServer
name: server-demo
version: easegress.megaease.com/v2
port: %d
address: 127.0.0.1
keepAlive: true
https: false
rules:
  - paths:
    - pathPrefix: /pipeline
      backend: pipeline-demo
---
name: pipeline-demo
kind: Pipeline
version: easegress.megaease.com/v2
flow:
  - filter: mark
    jumpIf: { mocked: proxy }
  - filter: never
  - filter: proxy
filters:
  - name: mark
    kind: Mock
    rules:
    - match: {pathPrefix: /pipeline/mocked}
      code: 200
      body: mocked
  - name: never
    kind: RequestAdaptor
    header:
      set:
        X-Step: never-skipped
  - name: proxy
    kind: Proxy
    pools:
    - filter:
        headers:
          X-Canary:
            exact: "yes"
      servers:
      - url: %s
    - servers:
      - url: %s
      - url: %s
      loadBalance:
        policy: roundRobin
`

func TestEasegressConfigBalancesAndRoutes(t *testing.T) {
	a, b, canary := startUpstream(t, "a"), startUpstream(t, "b"), startUpstream(t, "canary")
	port := testkit.FreePort(t)
	cfg := fmt.Sprintf(easegressConfig, port, canary.url, a.url, b.url)
	startGateway(t, t.TempDir(), registry.Default, gateway.WithObjects([]byte(cfg)))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := &http.Client{Timeout: 5 * time.Second}

	seen := map[string]int{}
	for i := 0; i < 10; i++ {
		code, body := get(t, c, base+"/pipeline/x")
		if code != 200 {
			t.Fatalf("status %d body %q", code, body)
		}
		seen[strings.Fields(body)[0]]++
	}
	if seen["a"] != 5 || seen["b"] != 5 {
		t.Fatalf("round robin over a and b: %v", seen)
	}

	// jumpIf: Mock's "mocked" result jumps over the RequestAdaptor to the
	// proxy, whose reply replaces the mock's.
	_, body := get(t, c, base+"/pipeline/mocked")
	if strings.Contains(body, "never-skipped") || !strings.HasPrefix(body, "a ") && !strings.HasPrefix(body, "b ") {
		t.Fatalf("jumpIf did not skip the adaptor: %q", body)
	}
	_, body = get(t, c, base+"/pipeline/plain")
	if !strings.Contains(body, "never-skipped") {
		t.Fatalf("without the result the adaptor must run: %q", body)
	}

	// Candidate pool by header.
	for i := 0; i < 3; i++ {
		_, body = get(t, c, base+"/pipeline/x", "X-Canary", "yes")
		if !strings.HasPrefix(body, "canary ") {
			t.Fatalf("X-Canary: yes went to %q", body)
		}
	}
	if code, _ := get(t, c, base+"/nowhere"); code != http.StatusNotFound {
		t.Fatalf("unmatched path: %d", code)
	}
}

func TestInvalidSpecsLeaveTheRunningGenerationServing(t *testing.T) {
	up := startUpstream(t, "up")
	port := testkit.FreePort(t)
	good := fmt.Sprintf(`
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
rules: [{paths: [{pathPrefix: /, backend: p}]}]
---
kind: Pipeline
name: p
filters:
- {name: first, kind: Mock, rules: [{match: {path: /mock}, code: 200, body: mock}]}
- {name: proxy, kind: Proxy, pools: [{servers: [{url: %q}]}]}
`, port, up.url)
	g := startGateway(t, t.TempDir(), registry.Default, gateway.WithObjects([]byte(good)))
	c := &http.Client{Timeout: 5 * time.Second}
	url := fmt.Sprintf("http://127.0.0.1:%d/x", port)
	if code, body := get(t, c, url); code != 200 || !strings.HasPrefix(body, "up ") {
		t.Fatalf("before: %d %q", code, body)
	}
	rev := g.Store().Revision()
	bad := map[string]struct{ doc, want string }{
		"unknown field": {`
kind: Pipeline
name: p
filters: [{name: proxy, kind: Proxy, pools: [{servers: [{url: "http://127.0.0.1:1"}]}], poolz: []}]`,
			`Pipeline "p": filters[0] "proxy": unknown field "poolz"`},
		"wrong type": {fmt.Sprintf(`
kind: HTTPServer
name: edge
port: "%d"
rules: [{paths: [{pathPrefix: /, backend: p}]}]`, port),
			`HTTPServer "edge": port`},
		"jumpIf on an undeclared result": {`
kind: Pipeline
name: p
flow: [{filter: first, jumpIf: {notAResult: END}}]
filters: [{name: first, kind: Mock, rules: []}]`,
			`does not declare result "notAResult"`},
		"jump backwards": {`
kind: Pipeline
name: p
flow: [{filter: first}, {filter: second, jumpIf: {mocked: first}}]
filters: [{name: first, kind: Mock, rules: []}, {name: second, kind: Mock, rules: []}]`,
			`goes backwards`},
		"missing backend": {fmt.Sprintf(`
kind: HTTPServer
name: edge
port: %d
rules: [{paths: [{pathPrefix: /}]}]`, port),
			`HTTPServer "edge": rules[0].paths[0]`},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := g.Apply(ctx(t), []byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
	if g.Store().Revision() != rev {
		t.Fatal("an invalid spec was stored")
	}
	if code, body := get(t, c, url); code != 200 || !strings.HasPrefix(body, "up ") {
		t.Fatalf("after: %d %q", code, body)
	}
}

func TestHotUpdatesUnderLoadDropNothing(t *testing.T) {
	a, b := startUpstream(t, "a"), startUpstream(t, "b")
	port := testkit.FreePort(t)
	server := fmt.Sprintf(`
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
rules: [{paths: [{pathPrefix: /, backend: p}]}]
`, port)
	pipelineDoc := func(i int) string {
		target := a.url
		if i%2 == 1 {
			target = b.url
		}
		return fmt.Sprintf(`
kind: Pipeline
name: p
filters:
- {name: tag, kind: RequestAdaptor, header: {set: {X-Step: "gen-%d"}}}
- {name: proxy, kind: Proxy, pools: [{servers: [{url: %q}, {url: %q}]}]}
`, i, target, a.url)
	}
	g := startGateway(t, t.TempDir(), registry.Default, gateway.WithObjects([]byte(server+"---"+pipelineDoc(0))))

	// One keep-alive connection per client goroutine; a rebind or a dropped
	// connection shows up as a new connection or a failed request.
	const clients = 4
	var (
		wg       sync.WaitGroup
		stop     atomic.Bool
		ok, fail atomic.Int64
		newConns atomic.Int64
		firstErr atomic.Value
		// firstClose records a response that closed its connection.
		firstClose atomic.Value
	)
	url := fmt.Sprintf("http://127.0.0.1:%d/load", port)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
			trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
				if !info.Reused {
					newConns.Add(1)
				}
			}}
			deadline := time.Now().Add(60 * time.Second)
			for !stop.Load() && time.Now().Before(deadline) {
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, url, nil)
				resp, err := c.Do(req)
				if err != nil {
					fail.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.Close {
					firstClose.CompareAndSwap(nil, fmt.Sprintf("server closed the connection: %v", resp.Header))
				}
				if resp.StatusCode != 200 {
					fail.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d", resp.StatusCode))
					continue
				}
				ok.Add(1)
			}
		}()
	}
	for i := 1; i <= 50; i++ {
		if _, err := g.Apply(ctx(t), []byte(pipelineDoc(i))); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		// Let some requests through each generation.
		for want := ok.Load() + 5; ok.Load() < want && fail.Load() == 0; {
			time.Sleep(time.Millisecond)
		}
	}
	stop.Store(true)
	wg.Wait()
	if fail.Load() != 0 {
		t.Fatalf("%d of %d requests failed during 50 updates; first: %v", fail.Load(), ok.Load()+fail.Load(), firstErr.Load())
	}
	if newConns.Load() != clients {
		t.Fatalf("clients opened %d connections, want %d: connections were dropped (%v)", newConns.Load(), clients, firstClose.Load())
	}
	t.Logf("%d requests over 50 updates, 0 failed, %d connections", ok.Load(), newConns.Load())
}

func TestRestartServesFromTheDataDirectory(t *testing.T) {
	up := startUpstream(t, "up")
	port := testkit.FreePort(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
rules: [{paths: [{pathPrefix: /, backend: p}]}]
---
kind: Pipeline
name: p
filters: [{name: proxy, kind: Proxy, pools: [{servers: [{url: %q}]}]}]
`, port, up.url)
	g := startGateway(t, dir, registry.Default, gateway.WithObjects([]byte(cfg)))
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	if code, _ := get(t, c, url); code != 200 {
		t.Fatalf("first run: %d", code)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(url); err == nil {
		t.Fatal("listener still open after Close")
	}
	startGateway(t, dir, registry.Default) // no objects given
	if code, body := get(t, c, url); code != 200 || !strings.HasPrefix(body, "up ") {
		t.Fatalf("after restart: %d %q", code, body)
	}
}
