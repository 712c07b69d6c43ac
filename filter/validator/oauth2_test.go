package validator

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/golang-jwt/jwt/v5"
)

// introspector is an RFC 7662 endpoint that knows a few tokens and checks
// how it is called.
type introspector struct {
	*httptest.Server
	calls   atomic.Int64
	badCall atomic.Value // string: what was wrong with the last call
}

func newIntrospector(t *testing.T, clientID, clientSecret, basic string) *introspector {
	in := &introspector{}
	in.badCall.Store("")
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.calls.Add(1)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			in.badCall.Store("method or content type: " + r.Method + " " + r.Header.Get("Content-Type"))
		}
		if err := r.ParseForm(); err != nil {
			in.badCall.Store("form: " + err.Error())
		}
		authorized := true
		if clientID != "" {
			authorized = r.PostForm.Get("client_id") == clientID && r.PostForm.Get("client_secret") == clientSecret
		}
		if basic != "" {
			authorized = r.Header.Get("Authorization") == "Basic "+basic
		}
		w.Header().Set("Content-Type", "application/json")
		if !authorized {
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "who are you"})
			return
		}
		var reply map[string]any
		switch r.PostForm.Get("token") {
		case "good token":
			reply = map[string]any{"active": true, "sub": "alice", "scope": "orders:read orders:write"}
		case "user token":
			reply = map[string]any{"active": true, "username": "bob"}
		case "expiring token":
			// Active, but its exp has passed (clocks differ): never cached.
			reply = map[string]any{"active": true, "sub": "carol", "exp": time.Now().Add(-time.Minute).Unix()}
		case "broken":
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html>oops</html>"))
			return
		default:
			reply = map[string]any{"active": false}
		}
		_ = json.NewEncoder(w).Encode(reply)
	}))
	t.Cleanup(in.Close)
	return in
}

func TestOAuth2Introspection(t *testing.T) {
	in := newIntrospector(t, "gateway", "gw-secret", "")
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"tokenIntrospect": map[string]any{
		"endPoint": in.URL + "/introspect", "clientId": "gateway", "clientSecret": "gw-secret"}}}))
	srv := serve(t, f)

	resp := send(t, srv, "GET", "/api", nil, "Authorization", "Bearer good token",
		HeaderAuthenticatedUserID, "mallory", HeaderAuthenticatedScope, "admin")
	if resp.StatusCode() != 200 || string(resp.Header.Peek("X-Seen-"+HeaderAuthenticatedUserID)) != "alice" ||
		string(resp.Header.Peek("X-Seen-"+HeaderAuthenticatedScope)) != "orders:read orders:write" {
		t.Fatalf("active token: %d userid %q scope %q", resp.StatusCode(),
			resp.Header.Peek("X-Seen-"+HeaderAuthenticatedUserID), resp.Header.Peek("X-Seen-"+HeaderAuthenticatedScope))
	}
	// Without a subject the username is used; a client-sent scope header
	// is removed when the token has no scope.
	resp = send(t, srv, "GET", "/api", nil, "Authorization", "Bearer user token", HeaderAuthenticatedScope, "admin")
	if resp.StatusCode() != 200 || string(resp.Header.Peek("X-Seen-"+HeaderAuthenticatedUserID)) != "bob" ||
		resp.Header.Peek("X-Seen-"+HeaderAuthenticatedScope) != nil {
		t.Fatalf("token with username: %d %s", resp.StatusCode(), resp.Header.String())
	}
	for name, headers := range map[string][]string{
		"inactive":       {"Authorization", "Bearer revoked"},
		"endpoint error": {"Authorization", "Bearer broken"},
		"no token":       nil,
		"basic":          {"Authorization", "Basic Z29vZCB0b2tlbg=="},
	} {
		if st := send(t, srv, "GET", "/api", nil, headers...).StatusCode(); st != 401 {
			t.Errorf("%s: status %d, want 401", name, st)
		}
	}
	if bad := in.badCall.Load().(string); bad != "" {
		t.Fatalf("the endpoint was called wrongly: %s", bad)
	}
}

func TestOAuth2IntrospectionCredentials(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte("gw:pass"))
	in := newIntrospector(t, "", "", basic)
	good := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"tokenIntrospect": map[string]any{
		"endPoint": in.URL, "basicAuth": basic}}}))
	if r, _, req := run(t, good, "/", "Authorization", "Bearer good token"); r != "" || string(req.Header.Peek(HeaderAuthenticatedUserID)) != "alice" {
		t.Fatalf("basic auth to the endpoint: result %q", r)
	}
	wrong := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"tokenIntrospect": map[string]any{
		"endPoint": in.URL, "basicAuth": base64.StdEncoding.EncodeToString([]byte("gw:nope"))}}}))
	if r, _, _ := run(t, wrong, "/", "Authorization", "Bearer good token"); r != ResultInvalid {
		t.Fatalf("rejected by the endpoint: result %q", r)
	}
}

func TestOAuth2IntrospectionTimeout(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"tokenIntrospect": map[string]any{
		"endPoint": slow.URL, "timeout": "100ms"}}}))
	start := time.Now()
	if r, _, _ := run(t, f, "/", "Authorization", "Bearer t"); r != ResultInvalid {
		t.Fatalf("result %q", r)
	}
	if took := time.Since(start); took > filtertest.Timeout/2 {
		t.Fatalf("a hung endpoint held the request %v", took)
	}
}

func TestOAuth2JWT(t *testing.T) {
	secret := []byte("oauth2 signing secret")
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"jwt": map[string]any{
		"algorithm": "HS384", "secret": hex.EncodeToString(secret)}}}))
	srv := serve(t, f)
	claims := struct {
		jwt.RegisteredClaims
		Scope string `json:"scope"`
	}{jwt.RegisteredClaims{Subject: "carol", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}, "profile"}
	token := sign(t, "HS384", claims, secret, nil)
	resp := send(t, srv, "GET", "/", nil, "Authorization", "Bearer "+token)
	if resp.StatusCode() != 200 || string(resp.Header.Peek("X-Seen-"+HeaderAuthenticatedUserID)) != "carol" ||
		string(resp.Header.Peek("X-Seen-"+HeaderAuthenticatedScope)) != "profile" {
		t.Fatalf("good token: %d %s", resp.StatusCode(), resp.Header.String())
	}
	expired := claims
	expired.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
	for name, tok := range map[string]string{
		"expired":     sign(t, "HS384", expired, secret, nil),
		"HS256":       sign(t, "HS256", claims, secret, nil),
		"wrong key":   sign(t, "HS384", claims, []byte("guess"), nil),
		"not a token": "abc",
	} {
		if st := send(t, srv, "GET", "/", nil, "Authorization", "Bearer "+tok).StatusCode(); st != 401 {
			t.Errorf("%s: status %d", name, st)
		}
	}
}

func TestOAuth2IntrospectionCache(t *testing.T) {
	in := newIntrospector(t, "", "", "")
	cached := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"tokenIntrospect": map[string]any{
		"endPoint": in.URL, "cacheTTL": "1m"}}}))
	callsFor := func(token string, n int, want string) int64 {
		t.Helper()
		before := in.calls.Load()
		for i := range n {
			r, _, req := run(t, cached, "/", "Authorization", "Bearer "+token)
			if got := string(req.Header.Peek(HeaderAuthenticatedUserID)); (want == "" && r != ResultInvalid) || (want != "" && (r != "" || got != want)) {
				t.Fatalf("%s, request %d: result %q user %q, want user %q", token, i, r, got, want)
			}
		}
		return in.calls.Load() - before
	}
	if n := callsFor("good token", 3, "alice"); n != 1 {
		t.Fatalf("an active token was introspected %d times for 3 requests, want once", n)
	}
	if n := callsFor("revoked", 2, ""); n != 2 {
		t.Fatalf("an inactive token was introspected %d times for 2 requests: failures must not be cached", n)
	}
	if n := callsFor("expiring token", 2, "carol"); n != 2 {
		t.Fatalf("a token past its exp was introspected %d times for 2 requests: it must not be cached", n)
	}

	uncached := filtertest.New(t, Kind, specJSON(t, map[string]any{"oauth2": map[string]any{"tokenIntrospect": map[string]any{
		"endPoint": in.URL}}}))
	before := in.calls.Load()
	for range 2 {
		if r, _, _ := run(t, uncached, "/", "Authorization", "Bearer good token"); r != "" {
			t.Fatalf("result %q", r)
		}
	}
	if n := in.calls.Load() - before; n != 2 {
		t.Fatalf("without cacheTTL the endpoint was called %d times for 2 requests", n)
	}
}
