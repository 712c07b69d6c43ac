package validator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"sync"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"
)

// algorithms lists every JWT algorithm the Validator supports.
var algorithms = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"}

// testKeys caches generated keys: RSA keys take a while.
var testKeys = struct {
	sync.Mutex
	m map[string]crypto.Signer
}{m: map[string]crypto.Signer{}}

// signingKey returns a private key for alg (a fresh one per name), or
// the HMAC secret for HS algorithms.
func signingKey(t testing.TB, alg, name string) any {
	t.Helper()
	fam, _ := familyOf(alg)
	if fam == familyHMAC {
		return []byte("secret of " + name + " for " + alg)
	}
	id := alg + "/" + name
	testKeys.Lock()
	defer testKeys.Unlock()
	if k, ok := testKeys.m[id]; ok {
		return k
	}
	var k crypto.Signer
	var err error
	switch fam {
	case familyRSA:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case familyECDSA:
		k, err = ecdsa.GenerateKey(curveOf(alg), rand.Reader)
	case familyEdDSA:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	testKeys.m[id] = k
	return k
}

// publicPEM returns the PKIX PEM of a private key's public key.
func publicPEM(t testing.TB, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k.(crypto.Signer).Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// jwtFields returns the jwt spec fields verifying tokens signed with key.
func jwtFields(t testing.TB, alg string, key any) map[string]any {
	t.Helper()
	if b, ok := key.([]byte); ok {
		return map[string]any{"algorithm": alg, "secret": hex.EncodeToString(b)}
	}
	return map[string]any{"algorithm": alg, "publicKey": hex.EncodeToString(publicPEM(t, key))}
}

// specJSON marshals a Validator spec.
func specJSON(t testing.TB, spec map[string]any) string {
	t.Helper()
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sign returns a token of alg with claims, signed with key.
func sign(t testing.TB, alg string, claims jwt.Claims, key any, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("signing %s: %v", alg, err)
	}
	return s
}

// run validates a request to uri with the given headers (name, value
// pairs) and returns the result, the response status (0 when there is
// none) and the request as the filter left it.
func run(t testing.TB, f filter.Filter, uri string, headers ...string) (string, int, *fasthttp.Request) {
	t.Helper()
	return runMethod(t, f, "GET", uri, headers...)
}

// runMethod is run with a method.
func runMethod(t testing.TB, f filter.Filter, method, uri string, headers ...string) (string, int, *fasthttp.Request) {
	t.Helper()
	req := &fasthttp.Request{}
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	result := f.Handle(ctx)
	status := 0
	if resp := ctx.Response(); resp != nil {
		status = resp.StatusCode()
	}
	return result, status, req
}

// serve runs f behind a real server; a request f lets through is
// answered 200 with the request headers X-Auth-User,
// X-Authenticated-Userid and X-Authenticated-Scope copied as X-Seen-*.
func serve(t testing.TB, f filter.Filter) *filtertest.Server {
	return filtertest.Serve(t, func(ctx *filter.Context) {
		if f.Handle(ctx) != "" {
			return
		}
		req := ctx.Request()
		resp := ctx.NewResponse()
		resp.SetStatusCode(fasthttp.StatusOK)
		for _, h := range []string{HeaderAuthUser, HeaderAuthenticatedUserID, HeaderAuthenticatedScope} {
			if v := req.Header.Peek(h); v != nil {
				resp.Header.SetBytesV("X-Seen-"+h, v)
			}
		}
		resp.SetBodyString("passed")
	})
}

// send sends a request through s and returns the response.
func send(t testing.TB, s *filtertest.Server, method, uri string, body []byte, headers ...string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	if body != nil {
		req.SetBody(body)
	}
	resp := &fasthttp.Response{}
	if err := s.Do(req, resp); err != nil {
		t.Fatalf("%s %s: %v", method, uri, err)
	}
	return resp
}
