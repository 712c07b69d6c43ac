package validator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

// jwkOf writes the public key of k as a JWK with the given kid and
// extra members.
func jwkOf(t *testing.T, k any, kid string, extra map[string]string) map[string]string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	m := map[string]string{"kid": kid}
	switch pub := k.(crypto.Signer).Public().(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", enc(pub.N.Bytes()), enc(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		raw, err := pub.Bytes() // 0x04 || X || Y
		if err != nil {
			t.Fatal(err)
		}
		m["kty"], m["crv"], m["x"], m["y"] = "EC", pub.Curve.Params().Name, enc(raw[1:1+size]), enc(raw[1+size:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", enc(pub)
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// jwksServer serves a key set that tests can swap, and counts fetches.
type jwksServer struct {
	*httptest.Server
	body  atomic.Value // []byte
	down  atomic.Bool
	hits  atomic.Int64
	delay atomic.Int64 // ns to wait before answering
}

func newJWKSServer(t *testing.T, keys ...map[string]string) *jwksServer {
	s := &jwksServer{}
	s.set(t, keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		time.Sleep(time.Duration(s.delay.Load()))
		if s.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.body.Load().([]byte))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(t *testing.T, keys ...map[string]string) {
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	s.body.Store(b)
}

func jwksFilterSpec(t *testing.T, alg, url, ttl string) string {
	jwks := map[string]any{"url": url}
	if ttl != "" {
		jwks["cacheTTL"] = ttl
	}
	return specJSON(t, map[string]any{"jwt": map[string]any{"algorithm": alg, "jwks": jwks}})
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJWKSKeysByKid(t *testing.T) {
	a, b, c := signingKey(t, "RS256", "a"), signingKey(t, "RS256", "b"), signingKey(t, "RS256", "c")
	srv := newJWKSServer(t,
		jwkOf(t, a, "a", map[string]string{"alg": "RS256", "use": "sig"}),
		jwkOf(t, b, "b", nil),
		jwkOf(t, c, "c", map[string]string{"use": "enc"}),    // not for signatures
		jwkOf(t, c, "c2", map[string]string{"alg": "RS512"}), // another algorithm
		map[string]string{"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
		jwkOf(t, signingKey(t, "ES256", "a"), "ec", nil), // another key type
	)
	f := filtertest.New(t, Kind, jwksFilterSpec(t, "RS256", srv.URL, ""))
	for name, tc := range map[string]struct {
		token string
		want  string
	}{
		"kid a":              {sign(t, "RS256", claimsFor(time.Hour), a, map[string]any{"kid": "a"}), ""},
		"kid b":              {sign(t, "RS256", claimsFor(time.Hour), b, map[string]any{"kid": "b"}), ""},
		"no kid, key b":      {sign(t, "RS256", claimsFor(time.Hour), b, nil), ""},
		"kid a, key b":       {sign(t, "RS256", claimsFor(time.Hour), b, map[string]any{"kid": "a"}), ResultInvalid},
		"enc key":            {sign(t, "RS256", claimsFor(time.Hour), c, map[string]any{"kid": "c"}), ResultInvalid},
		"RS512 key":          {sign(t, "RS256", claimsFor(time.Hour), c, map[string]any{"kid": "c2"}), ResultInvalid},
		"no kid, key c":      {sign(t, "RS256", claimsFor(time.Hour), c, nil), ResultInvalid},
		"HS256 with the JWK": {sign(t, "HS256", claimsFor(time.Hour), []byte(srv.body.Load().([]byte)), map[string]any{"kid": "a"}), ResultInvalid},
	} {
		if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+tc.token); r != tc.want {
			t.Errorf("%s: result %q, want %q", name, r, tc.want)
		}
	}
	// Everything came from one fetch; unknown kids within the retry
	// interval (10s here) did not cause more.
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
	st := f.Status().(Status).JWKS
	if st == nil || st.Keys != 2 || st.Fetches != 1 || st.LastError != "" || st.URL != srv.URL {
		t.Errorf("status %+v, want 2 usable keys from 1 fetch", st)
	}
}

func TestJWKSOtherKeyTypes(t *testing.T) {
	for _, alg := range []string{"ES256", "ES384", "ES512", "EdDSA"} {
		key := signingKey(t, alg, "main")
		srv := newJWKSServer(t, jwkOf(t, key, "k1", map[string]string{"alg": alg}))
		f := filtertest.New(t, Kind, jwksFilterSpec(t, alg, srv.URL, ""))
		if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+sign(t, alg, claimsFor(time.Hour), key, map[string]any{"kid": "k1"})); r != "" {
			t.Errorf("%s: result %q", alg, r)
		}
		if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+sign(t, alg, claimsFor(time.Hour), signingKey(t, alg, "other"), map[string]any{"kid": "k1"})); r != ResultInvalid {
			t.Errorf("%s with another key: result %q", alg, r)
		}
	}
	// An ES256 key served for ES384 (wrong curve) is skipped.
	srv := newJWKSServer(t, jwkOf(t, signingKey(t, "ES256", "main"), "k1", nil))
	f := filtertest.New(t, Kind, jwksFilterSpec(t, "ES384", srv.URL, ""))
	if st := f.Status().(Status).JWKS; st.Keys != 0 || !strings.Contains(st.LastError, "no key for ES384") {
		t.Errorf("status %+v", st)
	}
}

func TestJWKSRotation(t *testing.T) {
	oldKey, newKey := signingKey(t, "ES256", "old"), signingKey(t, "ES256", "new")
	srv := newJWKSServer(t, jwkOf(t, oldKey, "old", nil))
	f := filtertest.New(t, Kind, jwksFilterSpec(t, "ES256", srv.URL, "1s"))
	oldToken := sign(t, "ES256", claimsFor(time.Hour), oldKey, map[string]any{"kid": "old"})
	newToken := sign(t, "ES256", claimsFor(time.Hour), newKey, map[string]any{"kid": "new"})
	if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+oldToken); r != "" {
		t.Fatalf("old token: %q", r)
	}
	srv.set(t, jwkOf(t, newKey, "new", nil))
	// A token naming the new key fetches again (at most once a second
	// here, the TTL) and is then accepted.
	eventually(t, "the new key is fetched", func() bool {
		r, _, _ := run(t, f, "/", "Authorization", "Bearer "+newToken)
		return r == ""
	})
	// The old key left the set with that fetch.
	if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+oldToken); r != ResultInvalid {
		t.Fatalf("old token after rotation: %q", r)
	}
	// Past the TTL the set is fetched again in the background.
	before := srv.hits.Load()
	eventually(t, "the set is fetched again after its TTL", func() bool {
		run(t, f, "/", "Authorization", "Bearer "+newToken)
		return srv.hits.Load() > before
	})
}

func TestJWKSUnavailableAtStart(t *testing.T) {
	key := signingKey(t, "EdDSA", "main")
	srv := newJWKSServer(t, jwkOf(t, key, "k", nil))
	srv.down.Store(true)
	f := filtertest.New(t, Kind, jwksFilterSpec(t, "EdDSA", srv.URL, "1s"))
	token := sign(t, "EdDSA", claimsFor(time.Hour), key, map[string]any{"kid": "k"})
	if r, st, _ := run(t, f, "/", "Authorization", "Bearer "+token); r != ResultInvalid || st != 401 {
		t.Fatalf("without keys: result %q status %d", r, st)
	}
	if st := f.Status().(Status).JWKS; !strings.Contains(st.LastError, "status 503") {
		t.Fatalf("status %+v, want the fetch error", st)
	}
	srv.down.Store(false)
	eventually(t, "the keys are fetched once the server is up", func() bool {
		r, _, _ := run(t, f, "/", "Authorization", "Bearer "+token)
		return r == ""
	})
}

func TestJWKSConcurrentUnknownKidOneFetch(t *testing.T) {
	key := signingKey(t, "ES256", "main")
	srv := newJWKSServer(t, jwkOf(t, key, "k", nil))
	srv.down.Store(true)
	f := filtertest.New(t, Kind, jwksFilterSpec(t, "ES256", srv.URL, "1h"))
	srv.down.Store(false)
	srv.delay.Store(int64(200 * time.Millisecond))
	// Wait out the retry interval after the failed first fetch... which
	// is 10s for a 1h TTL; instead use a fresh cache directly.
	c := f.(*Validator).jwt.jwks
	c.mu.Lock()
	c.lastTry = time.Time{}
	c.mu.Unlock()
	token := sign(t, "ES256", claimsFor(time.Hour), key, map[string]any{"kid": "k"})
	hits := srv.hits.Load()
	done := make(chan string, 8)
	for range 8 {
		go func() {
			r, _, _ := run(t, f, "/", "Authorization", "Bearer "+token)
			done <- r
		}()
	}
	for range 8 {
		if r := <-done; r != "" {
			t.Errorf("a request waiting for the fetch got %q", r)
		}
	}
	if n := srv.hits.Load() - hits; n != 1 {
		t.Errorf("%d fetches for 8 concurrent requests, want 1", n)
	}
}

func TestJWKSCloseStopsFetching(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(t, signingKey(t, "ES256", "main"), "k", nil))
	f := filtertest.New(t, Kind, jwksFilterSpec(t, "ES256", srv.URL, "1s"))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	c := f.(*Validator).jwt.jwks
	c.mu.Lock()
	c.lastTry = time.Time{}
	c.mu.Unlock()
	if c.refresh() != nil {
		t.Fatal("a closed cache started a fetch")
	}
}
