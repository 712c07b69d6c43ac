package validator

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// handleOnce runs one request through f as a traffic gate would.
func handleOnce(f filter.Filter, ctx *filter.Context, req *fasthttp.Request, now time.Time) string {
	ctx.ResetDetached(req, []byte(filtertest.ClientIP), now)
	r := f.Handle(ctx)
	ctx.Finish()
	return r
}

const headersSpec = `{"headers": {"X-Tenant": {"regexp": "^t-[0-9]+$"}, "X-Env": {"values": ["prod", "stage"]}}}`

func headersRequest() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.SetRequestURI("/v1/orders")
	req.Header.Set("X-Tenant", "t-42")
	req.Header.Set("X-Env", "stage")
	return req
}

// TestHeadersAllocs asserts that a passing headers check allocates
// nothing per request.
func TestHeadersAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f := filtertest.New(t, Kind, headersSpec)
	ctx, req, now := filter.NewContext(), headersRequest(), time.Now()
	if r := handleOnce(f, ctx, req, now); r != "" {
		t.Fatalf("result %q", r)
	}
	if n := testing.AllocsPerRun(500, func() { handleOnce(f, ctx, req, now) }); n != 0 {
		t.Errorf("a passing headers check allocates %v per request, want 0", n)
	}
}

func BenchmarkHeaders(b *testing.B) {
	f := filtertest.New(b, Kind, headersSpec)
	ctx, req, now := filter.NewContext(), headersRequest(), time.Now()
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

// benchJWT validates a good token of alg on every request.
func benchJWT(b *testing.B, alg string) {
	key := signingKey(b, alg, "main")
	f := filtertest.New(b, Kind, specJSON(b, map[string]any{"jwt": jwtFields(b, alg, key)}))
	req := &fasthttp.Request{}
	req.SetRequestURI("/v1/orders")
	req.Header.Set("Authorization", "Bearer "+sign(b, alg, claimsFor(time.Hour), key, nil))
	ctx, now := filter.NewContext(), time.Now()
	if r := handleOnce(f, ctx, req, now); r != "" {
		b.Fatalf("result %q", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

func BenchmarkJWTHS256(b *testing.B) { benchJWT(b, "HS256") }
func BenchmarkJWTRS256(b *testing.B) { benchJWT(b, "RS256") }
func BenchmarkJWTES256(b *testing.B) { benchJWT(b, "ES256") }
func BenchmarkJWTEdDSA(b *testing.B) { benchJWT(b, "EdDSA") }

// BenchmarkJWTRejectExpired is the cost of refusing an expired token.
func BenchmarkJWTRejectExpired(b *testing.B) {
	key := signingKey(b, "HS256", "main")
	f := filtertest.New(b, Kind, specJSON(b, map[string]any{"jwt": jwtFields(b, "HS256", key)}))
	req := &fasthttp.Request{}
	req.SetRequestURI("/v1/orders")
	req.Header.Set("Authorization", "Bearer "+sign(b, "HS256", claimsFor(-time.Hour), key, nil))
	ctx, now := filter.NewContext(), time.Now()
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

// BenchmarkBasicAuthCached checks a bcrypt user whose password was
// verified before (the verified-password cache).
func BenchmarkBasicAuthCached(b *testing.B) {
	file := filepath.Join(b.TempDir(), "htpasswd")
	writeFile(b, file, "alice:"+bcryptOf(b, "password")+"\n")
	f := filtertest.New(b, Kind, basicFileSpec(b, file))
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.Set("Authorization", basicHeader("alice", "password"))
	ctx, now := filter.NewContext(), time.Now()
	if r := handleOnce(f, ctx, req, now); r != "" {
		b.Fatalf("result %q", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}

// ldapCachedFilter returns a Validator in LDAP mode and a request whose
// credentials it has verified (by a bind to a real server) and cached.
func ldapCachedFilter(b testing.TB) (filter.Filter, *fasthttp.Request) {
	srv := startLDAP(b, plainLDAP)
	f := filtertest.New(b, Kind, specJSON(b, ldapFields(srv, map[string]any{"skipTLS": true})))
	req := &fasthttp.Request{}
	req.SetRequestURI("/")
	req.Header.Set("Authorization", basicHeader("alice", alicePW))
	if r := handleOnce(f, filter.NewContext(), req, time.Now()); r != "" || srv.binds.Load() != 1 {
		b.Fatalf("result %q after %d binds", r, srv.binds.Load())
	}
	return f, req
}

// TestLDAPCachedAllocs asserts that a request whose credentials are in
// the LDAP cache allocates nothing in the Validator.
func TestLDAPCachedAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	f, req := ldapCachedFilter(t)
	ctx, now := filter.NewContext(), time.Now()
	if n := testing.AllocsPerRun(500, func() { handleOnce(f, ctx, req, now) }); n != 0 {
		t.Errorf("a cached LDAP verification allocates %v per request, want 0", n)
	}
}

// BenchmarkBasicAuthLDAPCached checks credentials an LDAP server
// accepted before (the verified cache): no bind.
func BenchmarkBasicAuthLDAPCached(b *testing.B) {
	f, req := ldapCachedFilter(b)
	ctx, now := filter.NewContext(), time.Now()
	b.ReportAllocs()
	for b.Loop() {
		handleOnce(f, ctx, req, now)
	}
}
