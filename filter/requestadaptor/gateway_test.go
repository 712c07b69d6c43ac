package requestadaptor_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/filter/requestadaptor"
	"github.com/gatewright/gatewright/filter/validator"
)

// seen is what the upstream received.
type seen struct {
	method, uri, body, tenant, auth, amzDate, amzHash string
}

// recorder is an upstream that records every request it receives.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (rec *recorder) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, seen{r.Method, r.URL.RequestURI(), string(body), r.Header.Get("X-Tenant"),
		r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Content-Sha256")})
	rec.mu.Unlock()
	fmt.Fprint(w, "upstream")
}

func (rec *recorder) all() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.reqs...)
}

// signingGateway is the configuration of TestGatewaySignThenVerify: the
// sign pipelines rewrite /<route>/x to /in/x (or /in-aws/x), sign and
// proxy to the gateway itself, where the verify pipelines check the
// signature and proxy to the upstream. The tamper pipelines change the
// request after signing it.
const signingGateway = `
kind: HTTPServer
name: edge
port: %[1]d
address: 127.0.0.1
rules:
- paths:
  - {pathPrefix: /out/, backend: sign}
  - {pathPrefix: /tamper-body/, backend: tamper-body}
  - {pathPrefix: /tamper-header/, backend: tamper-header}
  - {pathPrefix: /aws/, backend: sign-aws}
  - {pathPrefix: /in/, backend: verify}
  - {pathPrefix: /in-aws/, backend: verify-aws}
---
kind: Pipeline
name: sign
flow: [{filter: sign, jumpIf: {signFailed: END}}, {filter: gateway}]
filters:
- name: sign
  kind: RequestAdaptor
  path: {regexpReplace: {regexp: "^/[a-z-]+/(.*)$", replace: "/in/$1"}}
  sign: {accessKeyId: client-1, accessKeySecret: s3cr3t, scopes: [eu-west, orders]}
- {name: gateway, kind: Proxy, pools: [{servers: [{url: "http://127.0.0.1:%[1]d"}]}]}
---
kind: Pipeline
name: tamper-body
flow: [{filter: sign}, {filter: tamper}, {filter: gateway}]
filters:
- name: sign
  kind: RequestAdaptor
  path: {regexpReplace: {regexp: "^/[a-z-]+/(.*)$", replace: "/in/$1"}}
  sign: {accessKeyId: client-1, accessKeySecret: s3cr3t, scopes: [eu-west, orders]}
- {name: tamper, kind: RequestAdaptor, body: '{"order": 43}'}
- {name: gateway, kind: Proxy, pools: [{servers: [{url: "http://127.0.0.1:%[1]d"}]}]}
---
kind: Pipeline
name: tamper-header
flow: [{filter: sign}, {filter: tamper}, {filter: gateway}]
filters:
- name: sign
  kind: RequestAdaptor
  path: {regexpReplace: {regexp: "^/[a-z-]+/(.*)$", replace: "/in/$1"}}
  sign: {accessKeyId: client-1, accessKeySecret: s3cr3t, scopes: [eu-west, orders]}
- {name: tamper, kind: RequestAdaptor, header: {set: {X-Tenant: evil}}}
- {name: gateway, kind: Proxy, pools: [{servers: [{url: "http://127.0.0.1:%[1]d"}]}]}
---
kind: Pipeline
name: sign-aws
flow: [{filter: sign}, {filter: gateway}]
filters:
- name: sign
  kind: RequestAdaptor
  path: {regexpReplace: {regexp: "^/aws/(.*)$", replace: "/in-aws/$1"}}
  sign: {apiProvider: aws4, scopes: [us-east-1, execute-api], accessKeyId: AKIDEXAMPLE, accessKeySecret: aws-secret}
- {name: gateway, kind: Proxy, pools: [{servers: [{url: "http://127.0.0.1:%[1]d"}]}]}
---
kind: Pipeline
name: verify
flow: [{filter: check, jumpIf: {invalid: END}}, {filter: upstream}]
filters:
- {name: check, kind: Validator, signature: {accessKeys: {client-1: s3cr3t}, ttl: 1m}}
- {name: upstream, kind: Proxy, pools: [{servers: [{url: %[2]q}]}]}
---
kind: Pipeline
name: verify-aws
flow: [{filter: check, jumpIf: {invalid: END}}, {filter: upstream}]
filters:
- name: check
  kind: Validator
  signature:
    accessKeys: {AKIDEXAMPLE: aws-secret}
    literal: {scopeSuffix: aws4_request, algorithmName: X-Amz-Algorithm, algorithmValue: AWS4-HMAC-SHA256,
      signedHeaders: X-Amz-SignedHeaders, signature: X-Amz-Signature, date: X-Amz-Date, expires: X-Amz-Expires,
      credential: X-Amz-Credential, contentSha256: X-Amz-Content-Sha256, signingKeyPrefix: AWS4}
- {name: upstream, kind: Proxy, pools: [{servers: [{url: %[2]q}]}]}
`

// TestGatewaySignThenVerify runs a real gateway where a RequestAdaptor
// signs requests and a Validator verifies them on the next hop before
// they reach a real upstream; requests changed after signing are refused
// with 401 and never reach it.
func TestGatewaySignThenVerify(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g := filtertest.StartGateway(ctx, t, []*filter.Kind{requestadaptor.Kind, validator.Kind, proxy.Kind})
	rec := &recorder{}
	upstream := filtertest.Upstream(t, rec.handle)
	port := filtertest.FreePort(t)
	if _, err := g.Apply(ctx, []byte(fmt.Sprintf(signingGateway, port, upstream))); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: filtertest.Timeout}
	send := func(method, path, body string) int {
		t.Helper()
		req, err := http.NewRequest(method, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Tenant", "acme")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	for code := 0; code != 200; {
		if ctx.Err() != nil {
			t.Fatalf("the gateway does not serve: last status %d", code)
		}
		code = send("GET", "/out/ready", "")
		time.Sleep(20 * time.Millisecond)
	}
	before := len(rec.all())

	if code := send("POST", "/out/orders?id=7&note=a%20b", `{"order": 42}`); code != 200 {
		t.Fatalf("signed request: status %d", code)
	}
	got := rec.all()
	if len(got) != before+1 {
		t.Fatalf("the upstream got %d requests, want 1", len(got)-before)
	}
	last := got[len(got)-1]
	if last.method != "POST" || last.uri != "/in/orders?id=7&note=a%20b" || last.body != `{"order": 42}` || last.tenant != "acme" ||
		!strings.HasPrefix(last.auth, "HMAC-SHA256 Credential=client-1/") || !strings.Contains(last.auth, "/eu-west/orders/request, SignedHeaders=") {
		t.Fatalf("the upstream got %+v", last)
	}

	for _, route := range []string{"/tamper-body/orders", "/tamper-header/orders"} {
		if code := send("POST", route, `{"order": 42}`); code != 401 {
			t.Errorf("%s: status %d, want 401", route, code)
		}
	}
	if code := send("POST", "/in/orders", `{"order": 42}`); code != 401 {
		t.Errorf("unsigned request: status %d, want 401", code)
	}
	if n := len(rec.all()); n != before+1 {
		t.Fatalf("the upstream got %d refused requests", n-before-1)
	}

	if code := send("PUT", "/aws/things/1", `{"name": "box"}`); code != 200 {
		t.Fatalf("aws4-signed request: status %d", code)
	}
	last = rec.all()[before+1]
	if !strings.HasPrefix(last.auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(last.auth, "/us-east-1/execute-api/aws4_request, ") ||
		!strings.Contains(last.auth, "x-amz-content-sha256;x-amz-date") || len(last.amzDate) != 16 || len(last.amzHash) != 64 {
		t.Fatalf("the upstream got %+v", last)
	}
}
