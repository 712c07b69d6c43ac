package headerlookup

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/gateway"
)

// TestThroughGateway runs a real gateway whose pipeline looks tenants up
// in its store before proxying to an upstream that reports the headers
// it received; the data is written to the store while it runs.
func TestThroughGateway(t *testing.T) {
	up := planEcho(t)
	port := filtertest.FreePort(t)
	docs := fmt.Sprintf(`
kind: Pipeline
name: tenants
filters:
- name: lookup
  kind: HeaderLookup
  headerKey: X-Tenant
  etcdPrefix: /tenants/
  pathRegExp: "^/(v[0-9]+)/"
  headerSetters: [{etcdKey: plan, headerKey: X-Plan}, {etcdKey: quota, headerKey: X-Quota}]
  refreshInterval: 100ms
- {name: up, kind: Proxy, pools: [{servers: [{url: "%s"}]}]}
---
kind: HTTPServer
name: edge
port: %d
rules:
- paths:
  - pathPrefix: /
    backend: tenants
`, up, port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g := filtertest.StartGateway(ctx, t, []*filter.Kind{proxy.Kind, Kind}, gateway.WithTrafficIP("127.0.0.1"))
	put := func(key, value string) {
		t.Helper()
		if _, err := g.Store().Put(ctx, "data/"+key, []byte(value)); err != nil {
			t.Fatal(err)
		}
	}
	// Data present before the pipeline starts is there from the first
	// request on.
	put("tenants/acme", "plan: gold\nquota: 1000\n")
	put("tenants/acme-v2", `{"plan": "platinum"}`)
	put("others/acme", "plan: wrong group\n")
	if _, err := g.Apply(ctx, []byte(docs)); err != nil {
		t.Fatal(err)
	}
	filtertest.WaitRunning(t, g, "tenants", "edge")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for _, tc := range []struct{ path, tenant, want string }{
		{"/orders", "acme", "plan=gold quota=1000"},
		{"/v2/orders", "acme", "plan=platinum quota="},
		{"/v3/orders", "acme", "plan=forged quota="}, // no acme-v3
		{"/orders", "nobody", "plan=forged quota="},
		{"/orders", "", "plan=forged quota="},
	} {
		if got := fetchPlan(t, base+tc.path, tc.tenant); got != tc.want {
			t.Errorf("%s as %q: upstream saw %q, want %q", tc.path, tc.tenant, got, tc.want)
		}
	}

	// Changes show within a refresh interval.
	put("tenants/acme", "plan: silver\n")
	put("tenants/newco", "plan: trial\n")
	waitFor(t, base+"/orders", "acme", "plan=silver quota=")
	waitFor(t, base+"/orders", "newco", "plan=trial quota=")
	if _, err := g.Store().Delete(ctx, "data/tenants/newco"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, base+"/orders", "newco", "plan=forged quota=")
}

// waitFor polls until the upstream sees want for tenant.
func waitFor(t *testing.T, url, tenant, want string) {
	t.Helper()
	deadline := time.Now().Add(filtertest.Timeout)
	for {
		got := fetchPlan(t, url, tenant)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s as %q: upstream still sees %q, want %q", url, tenant, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fetchPlan sends a request as tenant, with a forged X-Plan, and returns
// what the upstream saw.
func fetchPlan(t *testing.T, url, tenant string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if tenant != "" {
		req.Header.Set("X-Tenant", tenant)
	}
	req.Header.Set("X-Plan", "forged")
	c := &http.Client{Timeout: filtertest.Timeout}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %q", resp.StatusCode, b)
	}
	return string(b)
}

// planEcho is an upstream that answers with the X-Plan and X-Quota it
// received.
func planEcho(t *testing.T) string {
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "plan=%s quota=%s", r.Header.Get("X-Plan"), r.Header.Get("X-Quota"))
	})
}
