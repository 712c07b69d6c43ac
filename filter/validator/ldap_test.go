package validator

import (
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/go-ldap/ldap/v3"
)

// TestLDAPTestServerIsPermissive checks that the test server would let
// the attacks through if the filter did not stop them: it binds the
// admin's DN that an unescaped user name builds, and accepts an
// unauthenticated bind (empty password) for any DN.
func TestLDAPTestServerIsPermissive(t *testing.T) {
	srv := startLDAP(t, plainLDAP)
	c, err := ldap.DialURL("ldap://" + srv.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Bind("uid="+adminInjects+","+testBaseDN, adminPW); err != nil {
		t.Fatalf("the admin's DN does not bind: %v", err)
	}
	if err := c.UnauthenticatedBind("uid=alice," + testBaseDN); err != nil {
		t.Fatalf("an unauthenticated bind is refused: %v", err)
	}
	if err := c.Bind("uid=alice,"+testBaseDN, "wrong"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Fatalf("a wrong password: %v", err)
	}
}

// TestLDAPBindOverServer runs requests through a real HTTP server whose
// Validator binds to a real LDAP server, counting the binds each one
// causes.
func TestLDAPBindOverServer(t *testing.T) {
	srv := startLDAP(t, plainLDAP)
	f := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{"skipTLS": true})))
	h := serve(t, f)
	for _, tc := range []struct {
		name, user, password string
		want                 int
		binds                int64
	}{
		{"right password", "alice", alicePW, 200, 1},
		{"right password again (cached)", "alice", alicePW, 200, 0},
		{"wrong password", "alice", "wonderland!", 401, 1},
		{"wrong password again (failures are not cached)", "alice", "wonderland!", 401, 1},
		{"unknown user", "bob", alicePW, 401, 1},
		{"empty password: no bind at all", "alice", "", 401, 0},
		{"empty password, unknown user", "nobody", "", 401, 0},
		{"DN injection", adminInjects, adminPW, 401, 1},
		{"wildcard", "*", alicePW, 401, 1},
		{"admin is not below baseDN", "admin", adminPW, 401, 1},
		{"control character: no bind", "alice\x00", alicePW, 401, 0},
	} {
		before := srv.binds.Load()
		resp := send(t, h, "GET", "/", nil, "Authorization", basicHeader(tc.user, tc.password), HeaderAuthUser, "spoofed")
		if resp.StatusCode() != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode(), tc.want)
		}
		if tc.want == 200 && string(resp.Header.Peek("X-Seen-"+HeaderAuthUser)) != tc.user {
			t.Errorf("%s: %s reached the upstream as %q", tc.name, HeaderAuthUser, resp.Header.Peek("X-Seen-"+HeaderAuthUser))
		}
		if tc.want == 401 && !strings.HasPrefix(string(resp.Header.Peek("WWW-Authenticate")), "Basic realm=") {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, resp.Header.Peek("WWW-Authenticate"))
		}
		if got := srv.binds.Load() - before; got != tc.binds {
			t.Errorf("%s: %d binds, want %d", tc.name, got, tc.binds)
		}
	}
	dns := srv.askedDNs()
	if !slices.Contains(dns, `uid=admin\,ou=admins,`+testBaseDN) {
		t.Errorf("the injected name was not escaped; the server was asked for %q", dns)
	}
	if slices.Contains(dns, "uid=admin,ou=admins,"+testBaseDN) {
		t.Errorf("the server was asked for the admin's DN: %q", dns)
	}
	st := f.Status().(Status).BasicAuth
	if st.Mode != ModeLDAP || st.Source != "ldap://"+srv.addr() || st.LDAP == nil ||
		st.LDAP.Binds != 7 || st.LDAP.Refused != 6 || st.LDAP.CacheHits != 1 || st.LDAP.CacheSize != 1 ||
		st.LDAP.Failed != 0 || st.LDAP.Connections != 1 || st.LDAP.LastError != "" {
		t.Errorf("status %+v %+v", st, st.LDAP)
	}
}

// TestLDAPS binds over LDAPS to a server with a self-signed certificate:
// accepted with insecure, refused with a logged reason without it.
func TestLDAPS(t *testing.T) {
	srv := startLDAP(t, ldapsLDAP)
	f := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{"useSSL": true, "insecure": true})))
	if r, code, req := run(t, f, "/", "Authorization", basicHeader("alice", alicePW)); r != "" || code != 0 || string(req.Header.Peek(HeaderAuthUser)) != "alice" {
		t.Fatalf("insecure LDAPS: result %q, status %d", r, code)
	}
	if r, code, _ := run(t, f, "/", "Authorization", basicHeader("alice", "nope")); r != ResultInvalid || code != 401 {
		t.Fatalf("insecure LDAPS, wrong password: result %q, status %d", r, code)
	}

	verifying, logs := newLogged(t, specJSON(t, ldapFields(srv, map[string]any{"useSSL": true})))
	before := srv.binds.Load()
	if r, code, _ := run(t, verifying, "/", "Authorization", basicHeader("alice", alicePW)); r != ResultInvalid || code != 401 {
		t.Fatalf("verified LDAPS to a self-signed server: result %q, status %d", r, code)
	}
	if srv.binds.Load() != before {
		t.Error("a bind was sent to a server whose certificate failed")
	}
	if !hasLine(logs.String(), "level=WARN", "LDAP verification failed", "reason=", "certificate") {
		t.Errorf("no warning with the reason; logs:\n%s", logs)
	}
	if st := verifying.Status().(Status).BasicAuth.LDAP; st.Failed != 1 || !strings.Contains(st.LastError, "certificate") {
		t.Errorf("status %+v", st)
	}
}

// TestLDAPStartTLS upgrades plain connections with StartTLS (the default
// without useSSL) and verifies the certificate unless insecure.
func TestLDAPStartTLS(t *testing.T) {
	srv := startLDAP(t, startTLSLDAP)
	f := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{"insecure": true, "serverName": "ldap.test"})))
	if r, code, _ := run(t, f, "/", "Authorization", basicHeader("alice", alicePW)); r != "" || code != 0 {
		t.Fatalf("StartTLS: result %q, status %d", r, code)
	}
	if st := f.Status().(Status).BasicAuth; st.Source != "ldap://"+srv.addr()+" (StartTLS)" {
		t.Errorf("source %q", st.Source)
	}

	verifying, logs := newLogged(t, specJSON(t, ldapFields(srv, nil)))
	if r, code, _ := run(t, verifying, "/", "Authorization", basicHeader("alice", alicePW)); r != ResultInvalid || code != 401 {
		t.Fatalf("verified StartTLS to a self-signed server: result %q, status %d", r, code)
	}
	if !hasLine(logs.String(), "level=WARN", "reason=", "StartTLS", "certificate") {
		t.Errorf("no warning with the reason; logs:\n%s", logs)
	}

	// A server without StartTLS is not spoken to in clear text.
	plain := startLDAP(t, plainLDAP)
	noTLS, logs := newLogged(t, specJSON(t, ldapFields(plain, map[string]any{"insecure": true})))
	if r, code, _ := run(t, noTLS, "/", "Authorization", basicHeader("alice", alicePW)); r != ResultInvalid || code != 401 {
		t.Fatalf("StartTLS refused by the server: result %q, status %d", r, code)
	}
	if plain.binds.Load() != 0 || !hasLine(logs.String(), "StartTLS") {
		t.Errorf("%d binds without TLS; logs:\n%s", plain.binds.Load(), logs)
	}
}

// TestLDAPSClientCertificate presents certBase64 and keyBase64 to a
// server that requires a client certificate.
func TestLDAPSClientCertificate(t *testing.T) {
	srv := startLDAP(t, ldapsLDAP, requireClientCert)
	f := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{
		"useSSL": true, "insecure": true, "certBase64": b64(srv.cert), "keyBase64": b64(srv.key)})))
	if r, code, _ := run(t, f, "/", "Authorization", basicHeader("alice", alicePW)); r != "" || code != 0 {
		t.Fatalf("with a client certificate: result %q, status %d", r, code)
	}
	without := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{"useSSL": true, "insecure": true})))
	if r, code, _ := run(t, without, "/", "Authorization", basicHeader("alice", alicePW)); r != ResultInvalid || code != 401 {
		t.Fatalf("without a client certificate: result %q, status %d", r, code)
	}
}

// TestLDAPCacheExpires moves the cache's clock: a verified password is
// not bound again until the TTL has passed.
func TestLDAPCacheExpires(t *testing.T) {
	srv := startLDAP(t, plainLDAP)
	f := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{"skipTLS": true, "cacheTTL": "1m"})))
	var now time.Duration
	f.(*Validator).basicAuth.ldap.cache.clock = func() time.Duration { return now }
	pass := func() bool {
		r, _, _ := run(t, f, "/", "Authorization", basicHeader("alice", alicePW))
		return r == ""
	}
	for i, step := range []struct {
		advance time.Duration
		binds   int64
	}{
		{0, 1},                // first: bound
		{0, 1},                // cached
		{59 * time.Second, 1}, // still cached
		{time.Second, 2},      // TTL over: bound again
		{30 * time.Second, 2}, // cached again
		{31 * time.Second, 3}, // and expired again
		{time.Millisecond, 3}, // cached
		{time.Hour, 4},        // long gone
		{time.Nanosecond, 4},  // cached
		{59 * time.Second, 4}, // cached
		{999 * time.Millisecond, 4},
	} {
		now += step.advance
		if !pass() {
			t.Fatalf("step %d: refused", i)
		}
		if got := srv.binds.Load(); got != step.binds {
			t.Fatalf("step %d: %d binds, want %d", i, got, step.binds)
		}
	}
}

// TestLDAPServerDown refuses quickly, within the timeout, when the
// server cannot be reached or never answers.
func TestLDAPServerDown(t *testing.T) {
	const timeout = 300 * time.Millisecond
	closed := filtertest.FreePort(t) // nothing listens there
	silent := startBlackhole(t)
	for _, tc := range []struct {
		name   string
		port   int
		extra  map[string]any
		reason string
	}{
		{"nothing listening", closed, map[string]any{"skipTLS": true}, "connection refused"},
		{"bind never answered", silent, map[string]any{"skipTLS": true}, "binding at"},
		{"StartTLS never answered", silent, nil, "StartTLS"},
		{"TLS handshake never answered", silent, map[string]any{"useSSL": true}, "TLS handshake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			extra := map[string]any{"timeout": timeout.String()}
			for k, v := range tc.extra {
				extra[k] = v
			}
			fields := ldapFields(&testLDAP{port: tc.port}, extra)
			f, logs := newLogged(t, specJSON(t, fields))
			start := time.Now()
			r, code, _ := run(t, f, "/", "Authorization", basicHeader("alice", alicePW))
			took := time.Since(start)
			if r != ResultInvalid || code != 401 {
				t.Fatalf("result %q, status %d", r, code)
			}
			if took > timeout+2*time.Second {
				t.Fatalf("took %s with a timeout of %s", took, timeout)
			}
			if !hasLine(logs.String(), "level=WARN", "reason=", tc.reason) {
				t.Errorf("no warning naming %q; logs:\n%s", tc.reason, logs)
			}
			if st := f.Status().(Status).BasicAuth.LDAP; st.Failed != 1 || st.LastError == "" {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// startBlackhole listens on 127.0.0.1 and accepts connections, but never
// reads or writes; it returns the port.
func startBlackhole(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", filtertest.ClientIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// TestLDAPConcurrentBindsCapped holds the binds at the server: no more
// than maxConnections binds are in flight, the other requests wait for
// one of them to end.
func TestLDAPConcurrentBindsCapped(t *testing.T) {
	srv := startLDAP(t, plainLDAP, holdBinds)
	f := filtertest.New(t, Kind, specJSON(t, ldapFields(srv, map[string]any{"skipTLS": true, "maxConnections": 2, "timeout": "20s"})))
	const requests = 8
	results := make(chan string, requests)
	for i := range requests {
		go func() {
			// Different passwords: no request is served from the cache.
			r, _, _ := run(t, f, "/", "Authorization", basicHeader("alice", alicePW+strings.Repeat("!", i+1)))
			results <- r
		}()
	}
	eventually(t, "two binds reach the server", func() bool { return srv.inFlight.Load() == 2 })
	if b := srv.binds.Load(); b != 2 {
		t.Fatalf("%d binds reached the server while two are held", b)
	}
	srv.release()
	for range requests {
		select {
		case r := <-results:
			if r != ResultInvalid {
				t.Errorf("result %q for a wrong password", r)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("a request hangs")
		}
	}
	if m, b := srv.maxInFlight.Load(), srv.binds.Load(); m != 2 || b != requests {
		t.Errorf("%d binds at once at the server (want 2), %d in all (want %d)", m, b, requests)
	}
	if st := f.Status().(Status).BasicAuth.LDAP; st.Failed != 0 || st.Refused != requests || st.Connections > 2 {
		t.Errorf("status %+v", st)
	}
}

// TestLDAPSlowServerBounded holds every bind at the server for good:
// every request still ends within the timeout, whether it was binding or
// waiting for a connection.
func TestLDAPSlowServerBounded(t *testing.T) {
	srv := startLDAP(t, plainLDAP, holdBinds)
	f, logs := newLogged(t, specJSON(t, ldapFields(srv, map[string]any{"skipTLS": true, "maxConnections": 2, "timeout": "400ms"})))
	const requests = 8
	results := make(chan string, requests)
	start := time.Now()
	for range requests {
		go func() {
			r, _, _ := run(t, f, "/", "Authorization", basicHeader("alice", alicePW))
			results <- r
		}()
	}
	for range requests {
		select {
		case r := <-results:
			if r != ResultInvalid {
				t.Errorf("result %q while the server holds every bind", r)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a request hangs")
		}
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("%d requests took %s with a timeout of 400ms", requests, took)
	}
	if !hasLine(logs.String(), "level=WARN", "LDAP verification failed") {
		t.Errorf("no warning; logs:\n%s", logs)
	}
	if st := f.Status().(Status).BasicAuth.LDAP; st.Failed != requests {
		t.Errorf("status %+v", st)
	}
}
