package signer

import (
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// smallRequest is a small API call: a POST with a query, four headers and
// a 40-byte JSON body.
func smallRequest(req *fasthttp.Request) {
	req.Header.SetMethod("POST")
	req.SetRequestURI("http://api.example:8080/v1/orders?expand=items&limit=10")
	req.Header.SetContentType("application/json")
	req.Header.Set("X-Tenant", "acme")
	req.Header.Set("X-Request-Id", "6f1c0d3e-8a4b-4c55-9d2e-1b7f00c0ffee")
	req.SetBodyString(`{"sku": "A-1001", "quantity": 2, "x": 1}`)
}

// TestSignAllocs asserts that signing a small request allocates nothing
// once the signer's pools and the request's buffers are warm.
func TestSignAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector (sync.Pool drops items)")
	}
	s := newTestSigner(t, testSpec(), "eu-west", "orders")
	var req fasthttp.Request
	smallRequest(&req)
	now := time.Now()
	if err := s.Sign(&req, now); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { _ = s.Sign(&req, now) }); n != 0 {
		t.Fatalf("%v allocations per signature, want 0", n)
	}
}

// BenchmarkSign signs a small request (see smallRequest) with the default
// wire names and two scope elements.
func BenchmarkSign(b *testing.B) {
	s := newTestSigner(b, testSpec(), "eu-west", "orders")
	var req fasthttp.Request
	smallRequest(&req)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(&req, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify verifies the signature of a small request, for
// comparison (it derives the signing key for every request).
func BenchmarkVerify(b *testing.B) {
	spec := testSpec()
	s, v := newTestSigner(b, spec, "eu-west", "orders"), newTestVerifier(b, spec)
	var req fasthttp.Request
	smallRequest(&req)
	now := time.Now()
	if err := s.Sign(&req, now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(&req, now); err != nil {
			b.Fatal(err)
		}
	}
}
