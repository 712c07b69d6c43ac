package validator

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
)

// TestGatewayBasicAuthLDAP runs a real gateway whose Validator, loaded
// from an Easegress-style YAML document, binds to a real LDAP server
// (StartTLS, the default) in front of a real upstream.
func TestGatewayBasicAuthLDAP(t *testing.T) {
	srv := startLDAP(t, startTLSLDAP)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g := filtertest.StartGateway(ctx, t, []*filter.Kind{Kind, proxy.Kind})
	upstream := filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user=%s", r.Header.Get(HeaderAuthUser))
	})
	port := filtertest.FreePort(t)
	docs := fmt.Sprintf(`
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
rules: [{paths: [{pathPrefix: /, backend: api}]}]
---
kind: Pipeline
name: api
flow: [{filter: auth, jumpIf: {invalid: END}}, {filter: up}]
filters:
- name: auth
  kind: Validator
  basicAuth:
    mode: LDAP
    ldap:
      host: 127.0.0.1
      port: %d
      baseDN: %s
      uid: uid
      useSSL: false
      skipTLS: false
      insecure: true
      serverName: ldap.test
- {name: up, kind: Proxy, pools: [{servers: [{url: %q}]}]}
`, port, srv.port, testBaseDN, upstream)
	if _, err := g.Apply(ctx, []byte(docs)); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	try := func(user, password string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/x", port), nil)
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
		req.Header.Set(HeaderAuthUser, "spoofed")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for code, _ := try("alice", alicePW); code == 404 || code == 503; code, _ = try("alice", alicePW) {
		if ctx.Err() != nil {
			t.Fatal("the pipeline does not serve")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, tc := range []struct {
		user, password string
		code           int
		body           string
	}{
		{"alice", alicePW, 200, "user=alice"},
		{"alice", "wrong", 401, ""},
		{"mallory", alicePW, 401, ""},
		{"alice", "", 401, ""},
		{adminInjects, adminPW, 401, ""},
	} {
		if code, body := try(tc.user, tc.password); code != tc.code || (tc.body != "" && body != tc.body) {
			t.Errorf("%q/%q: %d %q, want %d %q", tc.user, tc.password, code, body, tc.code, tc.body)
		}
	}
}
