package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/registry"
	"github.com/valyala/fasthttp"
)

const (
	testKeyID  = "client-1"
	testSecret = "s3cr3t"
)

func testSpec() *SignerSpec {
	return &SignerSpec{AccessKeyID: testKeyID, AccessKeySecret: testSecret, AccessKeys: map[string]string{testKeyID: testSecret}}
}

func newTestSigner(t testing.TB, spec *SignerSpec, scopes ...string) *Signer {
	t.Helper()
	if err := spec.ValidateSigning(); err != nil {
		t.Fatal(err)
	}
	return NewSigner(spec, SignerOptions{Literal: spec.LiteralOrDefault(), Scopes: scopes})
}

func newTestVerifier(t testing.TB, spec *SignerSpec) *Verifier {
	t.Helper()
	if err := spec.ValidateVerifying(); err != nil {
		t.Fatal(err)
	}
	return NewVerifier(spec)
}

// testRequest returns a POST with a query, a body and a few headers, one
// of them repeated.
func testRequest() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.Header.SetMethod("POST")
	req.SetRequestURI("http://api.example:8080/orders/42?b=2&a=1&a=0&sp=x%20y")
	req.Header.SetContentType("application/json")
	req.Header.Set("X-Tenant", "  acme   corp ")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	req.Header.Set("User-Agent", "test")
	req.SetBodyString(`{"order": 42}`)
	return req
}

// TestRoundTrip signs requests and verifies them, and checks that every
// signed part of a request is covered: a change to any of them fails
// verification, while unsigned headers may change.
func TestRoundTrip(t *testing.T) {
	spec := testSpec()
	s := newTestSigner(t, spec, "eu-west", "orders")
	v := newTestVerifier(t, spec)
	now := time.Now()
	signed := func() *fasthttp.Request {
		req := testRequest()
		if err := s.Sign(req, now); err != nil {
			t.Fatal(err)
		}
		return req
	}
	req := signed()
	if err := v.Verify(req, now); err != nil {
		t.Fatalf("a signed request: %v", err)
	}
	auth := string(req.Header.Peek("Authorization"))
	wantPrefix := "HMAC-SHA256 Credential=client-1/" + now.UTC().Format("20060102") + "/eu-west/orders/request, " +
		"SignedHeaders=content-type;host;x-content-sha256;x-date;x-multi;x-tenant, Signature="
	if !strings.HasPrefix(auth, wantPrefix) || len(auth) != len(wantPrefix)+64 {
		t.Fatalf("Authorization %q, want %q + 64 hex digits", auth, wantPrefix)
	}

	for name, tamper := range map[string]func(r *fasthttp.Request){
		"body":          func(r *fasthttp.Request) { r.SetBodyString(`{"order": 43}`) },
		"signed header": func(r *fasthttp.Request) { r.Header.Set("X-Tenant", "evil") },
		"repeated header": func(r *fasthttp.Request) {
			r.Header.Del("X-Multi")
			r.Header.Add("X-Multi", "two")
			r.Header.Add("X-Multi", "one")
		},
		"content hash": func(r *fasthttp.Request) { r.Header.Set("X-Content-Sha256", "x") },
		"query value":  func(r *fasthttp.Request) { r.URI().SetQueryString("b=2&a=1&a=0&sp=x%20z") },
		"query added":  func(r *fasthttp.Request) { r.URI().SetQueryString("b=2&a=1&a=0&sp=x%20y&c=3") },
		"path":         func(r *fasthttp.Request) { r.URI().SetPath("/orders/43") },
		"method":       func(r *fasthttp.Request) { r.Header.SetMethod("PUT") },
		"host":         func(r *fasthttp.Request) { r.Header.SetHost("other.example:8080") },
	} {
		r := signed()
		tamper(r)
		if err := v.Verify(r, now); !errors.Is(err, errSignatureMismatch) {
			t.Errorf("tampered %s: %v, want a mismatch", name, err)
		}
	}

	// Headers that are not signed may change or be added; so may the
	// query's order and encoding, and the host's default port.
	for name, change := range map[string]func(r *fasthttp.Request){
		"user agent":     func(r *fasthttp.Request) { r.Header.Set("User-Agent", "changed") },
		"added header":   func(r *fasthttp.Request) { r.Header.Set("X-Added-Later", "1") },
		"forwarded for":  func(r *fasthttp.Request) { r.Header.Set("X-Forwarded-For", "10.0.0.1") },
		"query order":    func(r *fasthttp.Request) { r.URI().SetQueryString("sp=x+y&a=0&a=1&b=%32") },
		"header spacing": func(r *fasthttp.Request) { r.Header.Set("X-Tenant", "acme corp") },
		"connection":     func(r *fasthttp.Request) { r.Header.Set("Connection", "close") },
		"content length": func(r *fasthttp.Request) { r.Header.SetContentLength(13) },
		"traceparent set": func(r *fasthttp.Request) {
			r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
		},
	} {
		r := signed()
		change(r)
		if err := v.Verify(r, now); err != nil {
			t.Errorf("changed %s: %v, want the signature to hold", name, err)
		}
	}

	// Keys and time.
	other := testSpec()
	other.AccessKeySecret = "guess"
	r := testRequest()
	if err := newTestSigner(t, other, "eu-west", "orders").Sign(r, now); err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(r, now); !errors.Is(err, errSignatureMismatch) {
		t.Errorf("wrong secret: %v", err)
	}
	other = testSpec()
	other.AccessKeyID = "client-9"
	r = testRequest()
	if err := newTestSigner(t, other).Sign(r, now); err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(r, now); !errors.Is(err, errUnknownAccessKey) {
		t.Errorf("unknown key: %v", err)
	}
	ttl := testSpec()
	ttl.TTL = registry.Duration(5 * time.Minute)
	vt := newTestVerifier(t, ttl)
	if err := vt.Verify(signed(), now.Add(4*time.Minute)); err != nil {
		t.Errorf("within ttl: %v", err)
	}
	if err := vt.Verify(signed(), now.Add(6*time.Minute)); !errors.Is(err, errSignatureExpired) {
		t.Errorf("past ttl: %v", err)
	}
	if err := v.Verify(testRequest(), now); !errors.Is(err, errNoSignature) {
		t.Errorf("unsigned: %v", err)
	}
}

// TestIgnoredHeadersAndExcludeBody checks ignoredHeaders (any case) and
// excludeBody.
func TestIgnoredHeadersAndExcludeBody(t *testing.T) {
	spec := testSpec()
	spec.IgnoredHeaders = []string{"x-TENANT"}
	spec.ExcludeBody = true
	s, v := newTestSigner(t, spec), newTestVerifier(t, spec)
	now := time.Now()
	req := testRequest()
	if err := s.Sign(req, now); err != nil {
		t.Fatal(err)
	}
	if got := string(req.Header.Peek("X-Content-Sha256")); got != "UNSIGNED-PAYLOAD" {
		t.Fatalf("X-Content-Sha256 %q", got)
	}
	if strings.Contains(string(req.Header.Peek("Authorization")), "x-tenant") {
		t.Fatal("an ignored header is signed")
	}
	req.Header.Set("X-Tenant", "other")
	req.SetBodyString("another body")
	if err := v.Verify(req, now); err != nil {
		t.Fatal(err)
	}
}

// TestCustomLiteral signs and verifies with renamed wire names and a key
// prefix.
func TestCustomLiteral(t *testing.T) {
	spec := testSpec()
	spec.Literal = &Literal{ScopeSuffix: "acme_request", AlgorithmName: "X-Acme-Algorithm", AlgorithmValue: "ACME-HMAC-SHA256",
		SignedHeaders: "X-Acme-SignedHeaders", Signature: "X-Acme-Signature", Date: "X-Acme-Date", Expires: "X-Acme-Expires",
		Credential: "X-Acme-Credential", ContentSHA256: "X-Acme-Content-Sha256", SigningKeyPrefix: "ACME"}
	s, v := newTestSigner(t, spec, "zone-1"), newTestVerifier(t, spec)
	now := time.Now()
	req := testRequest()
	req.URI().SetQueryString("X-Acme-Credential=ignored&q=1")
	if err := s.Sign(req, now); err != nil {
		t.Fatal(err)
	}
	if len(req.Header.Peek("X-Acme-Date")) != stampLen || len(req.Header.Peek("X-Acme-Content-Sha256")) != 64 ||
		!strings.HasPrefix(string(req.Header.Peek("Authorization")), "ACME-HMAC-SHA256 Credential=client-1/") {
		t.Fatalf("headers %s", req.Header.String())
	}
	if err := v.Verify(req, now); err != nil {
		t.Fatal(err)
	}
	if err := NewVerifier(&SignerSpec{AccessKeys: spec.AccessKeys}).Verify(req, now); err == nil {
		t.Fatal("verified with the default wire names")
	}
}

// TestVerifyQuerySignedWithPlus checks that a signature over a query whose
// space is written '+' in the canonical query, as Easegress's signer
// computes it, is accepted. The signature is computed here, from the
// scheme's description.
func TestVerifyQuerySignedWithPlus(t *testing.T) {
	const stamp = "20240102T030405Z"
	canonical := "GET\n/find\nq=a+b\nhost:api.example\nx-date:" + stamp + "\n\nhost;x-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	mac := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	key := mac(mac([]byte(testSecret), "20240102"), "request")
	sum := sha256.Sum256([]byte(canonical))
	sig := hex.EncodeToString(mac(key, "HMAC-SHA256\n"+stamp+"\n20240102/request\n"+hex.EncodeToString(sum[:])))
	req := &fasthttp.Request{}
	req.SetRequestURI("http://api.example/find?q=a%20b")
	req.Header.Set("X-Date", stamp)
	req.Header.Set("Authorization", "HMAC-SHA256 Credential=client-1/20240102/request, SignedHeaders=host;x-date, Signature="+sig)
	v := newTestVerifier(t, testSpec())
	at, _ := time.Parse(timeFormat, stamp)
	if err := v.Verify(req, at); err != nil {
		t.Fatalf("'+' form: %v", err)
	}
	req.URI().SetQueryString("q=a%20c")
	if err := v.Verify(req, at); !errors.Is(err, errSignatureMismatch) {
		t.Fatalf("another query: %v", err)
	}
}

type failingStream struct{}

func (failingStream) Read([]byte) (int, error) { return 0, errors.New("client went away") }

// TestSignStreamedBody checks that a streamed body is read, hashed and
// kept, and that an unreadable one or a malformed query fails signing.
func TestSignStreamedBody(t *testing.T) {
	spec := testSpec()
	s, v := newTestSigner(t, spec), newTestVerifier(t, spec)
	now := time.Now()
	req := testRequest()
	req.SetBodyStream(strings.NewReader("streamed body"), -1)
	if err := s.Sign(req, now); err != nil {
		t.Fatal(err)
	}
	if req.IsBodyStream() || string(req.Body()) != "streamed body" {
		t.Fatalf("body %q", req.Body())
	}
	if err := v.Verify(req, now); err != nil {
		t.Fatal(err)
	}

	req = testRequest()
	req.SetBodyStream(failingStream{}, -1)
	if err := s.Sign(req, now); err == nil || len(req.Header.Peek("Authorization")) != 0 {
		t.Fatalf("unreadable body: %v, Authorization %q", err, req.Header.Peek("Authorization"))
	}
	req = testRequest()
	req.URI().SetQueryString("a=%zz")
	if err := s.Sign(req, now); err == nil || !strings.Contains(err.Error(), "malformed query") {
		t.Fatalf("malformed query: %v", err)
	}
}
