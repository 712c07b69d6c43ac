package globalfilter_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	_ "github.com/gatewright/gatewright/registry/standard"
)

// upstream is a real HTTP server on 127.0.0.1 counting its hits.
type upstream struct {
	url  string
	hits atomic.Int64
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	u.url = testkit.ServeHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		fmt.Fprint(w, "upstream")
	}))
	return u
}

// startGateway starts a gateway with every standard kind and no admin API.
func startGateway(t *testing.T) *gateway.Gateway {
	t.Helper()
	return testkit.StartGateway(t, gateway.WithDataDir(t.TempDir()), gateway.WithRegistry(registry.Default), gateway.WithAPIAddr("off"))
}

func apply(t *testing.T, g *gateway.Gateway, doc string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := g.Apply(ctx, []byte(doc)); err != nil {
		t.Fatalf("apply: %v\n%s", err, doc)
	}
}

type result struct {
	status int
	body   string
	edge   string
}

func send(t *testing.T, url string, headers ...string) result {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, string(b), resp.Header.Get("X-Edge")}
}

const serverAndPipeline = `
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
globalFilter: common
rules: [{paths: [{pathPrefix: /ok, backend: api}, {pathPrefix: /mocked, backend: stub}]}]
---
kind: Pipeline
name: api
filters: [{name: up, kind: Proxy, pools: [{servers: [{url: %q}]}]}]
---
kind: Pipeline
name: stub
filters: [{name: m, kind: Mock, rules: [{code: 418, body: teapot}]}]
`

const globalFilter = `
kind: GlobalFilter
name: common
beforePipeline:
  flow: [{filter: need-key, jumpIf: {mocked: END}}]
  filters:
  - {name: need-key, kind: Mock, rules: [{match: {headers: {X-Api-Key: {empty: true}}}, code: 401, body: "key required"}]}
afterPipeline:
  filters: [{name: stamp, kind: ResponseAdaptor, header: {set: {X-Edge: "1"}}}]
fallthrough: {pipeline: %t}
`

func TestGlobalFilterAroundPipelines(t *testing.T) {
	up := startUpstream(t)
	port := testkit.FreePort(t)
	g := startGateway(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	// The server names a GlobalFilter that does not exist yet: pipelines
	// run alone.
	apply(t, g, fmt.Sprintf(serverAndPipeline, port, up.url))
	if r := send(t, base+"/ok"); r.status != 200 || r.body != "upstream" || r.edge != "" {
		t.Fatalf("without the GlobalFilter: %+v", r)
	}

	apply(t, g, fmt.Sprintf(globalFilter, false))
	// Before flow ends early: the pipeline and the after flow do not run.
	hits := up.hits.Load()
	if r := send(t, base+"/ok"); r.status != 401 || r.body != "key required" || r.edge != "" {
		t.Fatalf("without a key: %+v", r)
	}
	if up.hits.Load() != hits {
		t.Fatal("the pipeline ran although the before flow ended early")
	}
	// Everything runs.
	if r := send(t, base+"/ok", "X-Api-Key", "k_1"); r.status != 200 || r.body != "upstream" || r.edge != "1" {
		t.Fatalf("with a key: %+v", r)
	}
	// The routed pipeline ends early (Mock's result is not handled): no
	// after flow without fallthrough.pipeline...
	if r := send(t, base+"/mocked", "X-Api-Key", "k_1"); r.status != 418 || r.edge != "" {
		t.Fatalf("pipeline ended early: %+v", r)
	}
	// ...and with it.
	apply(t, g, fmt.Sprintf(globalFilter, true))
	if r := send(t, base+"/mocked", "X-Api-Key", "k_1"); r.status != 418 || r.body != "teapot" || r.edge != "1" {
		t.Fatalf("pipeline ended early, fallthrough: %+v", r)
	}

	// Deleting the GlobalFilter: pipelines run alone again.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := g.Delete(ctx, "common"); err != nil {
		t.Fatal(err)
	}
	if r := send(t, base+"/ok"); r.status != 200 || r.edge != "" {
		t.Fatalf("after deleting the GlobalFilter: %+v", r)
	}
}

func TestGlobalFilterRejectsBadFlows(t *testing.T) {
	g := startGateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := g.Apply(ctx, []byte(`
kind: GlobalFilter
name: common
beforePipeline: {filters: [{name: p, kind: Proxy, pools: [{servers: [{url: "http://127.0.0.1:1"}], retryPolicy: again}]}]}
`))
	if err == nil {
		t.Fatal("a flow referencing a missing policy was accepted")
	}
	t.Log(err)
}
