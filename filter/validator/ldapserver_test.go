package validator

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// The directory of the test LDAP server.
const (
	testBaseDN   = "ou=people,dc=example,dc=org"
	alicePW      = "wonderland"
	adminPW      = "root-of-all"
	adminInjects = "admin,ou=admins" // a user name that, unescaped, names the admin
)

// ldapTransport is how the test server takes connections.
type ldapTransport int

const (
	plainLDAP    ldapTransport = iota // clear text; StartTLS refused
	startTLSLDAP                      // clear text upgraded by StartTLS
	ldapsLDAP                         // TLS from the start
)

// testLDAP is a real LDAP server on 127.0.0.1 answering simple binds
// from users. Like many real servers it accepts an unauthenticated
// bind (a DN with an empty password). It counts the binds and remembers
// the DNs it was asked for.
type testLDAP struct {
	// users maps the DNs the server knows to their passwords.
	users map[string]string
	port  int
	tls   *tls.Config // the server's
	cert  []byte      // its certificate, PEM
	key   []byte      // and its key
	binds atomic.Int64
	// inFlight and maxInFlight count binds being answered.
	inFlight, maxInFlight atomic.Int64
	// hold, when set, is waited for before a bind is answered.
	hold chan struct{}

	mu  sync.Mutex
	dns []string
}

// ldapServerOption changes the test server before it starts.
type ldapServerOption func(*testLDAP)

// requireClientCert makes the server ask for a client certificate signed
// by itself (the client certificate is the server's own here).
func requireClientCert(s *testLDAP) {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.cert)
	s.tls.ClientAuth = tls.RequireAndVerifyClientCert
	s.tls.ClientCAs = pool
}

// holdBinds makes every bind wait until hold is closed.
func holdBinds(s *testLDAP) { s.hold = make(chan struct{}) }

// release lets the held binds go on.
func (s *testLDAP) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.hold:
	default:
		close(s.hold)
	}
}

// startLDAP starts a test server; it stops when the test ends, after
// whatever the test started later (filters holding connections).
func startLDAP(t testing.TB, transport ldapTransport, opts ...ldapServerOption) *testLDAP {
	t.Helper()
	certPEM, keyPEM := selfSigned(t)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	s := &testLDAP{users: map[string]string{
		"uid=alice," + testBaseDN:           alicePW,
		"uid=admin,ou=admins," + testBaseDN: adminPW,
	}, cert: certPEM, key: keyPEM, tls: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	for _, o := range opts {
		o(s)
	}
	srv, err := gldap.NewServer(gldap.WithLogger(hclog.NewNullLogger()))
	if err != nil {
		t.Fatal(err)
	}
	mux, err := gldap.NewMux()
	if err != nil {
		t.Fatal(err)
	}
	if err := mux.Bind(s.handleBind); err != nil {
		t.Fatal(err)
	}
	if transport == startTLSLDAP {
		if err := mux.ExtendedOperation(s.handleStartTLS, gldap.ExtendedOperationStartTLS); err != nil {
			t.Fatal(err)
		}
	}
	if err := mux.DefaultRoute(func(w *gldap.ResponseWriter, r *gldap.Request) {
		_ = w.Write(r.NewResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform)))
	}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Router(mux); err != nil {
		t.Fatal(err)
	}
	s.port = filtertest.FreePort(t)
	var runOpts []gldap.Option
	if transport == ldapsLDAP {
		runOpts = append(runOpts, gldap.WithTLSConfig(s.tls))
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(s.addr(), runOpts...) }()
	t.Cleanup(func() {
		if s.hold != nil {
			s.release()
		}
		stopped := make(chan struct{})
		go func() { _ = srv.Stop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Log("the test LDAP server did not stop in 5s (a client kept a connection open)")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr(), time.Second)
		if err == nil {
			_ = c.Close()
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("the test LDAP server did not start: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the test LDAP server does not accept connections: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *testLDAP) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// handleBind answers a simple bind from users.
func (s *testLDAP) handleBind(w *gldap.ResponseWriter, r *gldap.Request) {
	s.binds.Add(1)
	n := s.inFlight.Add(1)
	for {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	if s.hold != nil {
		<-s.hold
	}
	code := s.answer(r)
	// No longer in flight once the client can have the answer.
	s.inFlight.Add(-1)
	_ = w.Write(r.NewBindResponse(gldap.WithResponseCode(code)))
}

// answer returns the result code of a bind request.
func (s *testLDAP) answer(r *gldap.Request) int {
	m, err := r.GetSimpleBindMessage()
	if err != nil {
		return gldap.ResultInvalidCredentials
	}
	s.mu.Lock()
	s.dns = append(s.dns, m.UserName)
	s.mu.Unlock()
	if m.Password == "" {
		return gldap.ResultSuccess // an unauthenticated bind
	}
	asked, err := ldap.ParseDN(m.UserName)
	if err != nil {
		return gldap.ResultInvalidDNSyntax
	}
	for dn, pw := range s.users {
		known, _ := ldap.ParseDN(dn)
		if known.Equal(asked) && string(m.Password) == pw {
			return gldap.ResultSuccess
		}
	}
	return gldap.ResultInvalidCredentials
}

// handleStartTLS answers StartTLS and then shakes hands.
func (s *testLDAP) handleStartTLS(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewExtendedResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	resp.SetResponseName(gldap.ExtendedOperationStartTLS)
	if err := w.Write(resp); err != nil {
		return
	}
	_ = r.StartTLS(s.tls)
}

// askedDNs returns the DNs binds were asked for so far.
func (s *testLDAP) askedDNs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.dns...)
}

// selfSigned returns a self-signed certificate for 127.0.0.1 and
// ldap.test, usable by a server and a client, and its key, both PEM.
func selfSigned(t testing.TB) (certPEM, keyPEM []byte) {
	t.Helper()
	c := testkit.IssueCert(t, nil, "ldap.test", []string{"ldap.test"}, false)
	return c.CertPEM, c.KeyPEM
}

// ldapFields returns basicAuth fields of LDAP mode for server s, with
// extra ldap fields.
func ldapFields(s *testLDAP, extra map[string]any) map[string]any {
	l := map[string]any{"host": "127.0.0.1", "port": s.port, "baseDN": testBaseDN, "uid": "uid"}
	for k, v := range extra {
		l[k] = v
	}
	return map[string]any{"basicAuth": map[string]any{"mode": "LDAP", "ldap": l}}
}

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLogged is filtertest.New with the filter's log kept.
func newLogged(t testing.TB, fields string) (filter.Filter, *logBuffer) {
	t.Helper()
	body, err := filtertest.Decode(Kind, fields)
	if err != nil {
		t.Fatalf("decode %s: %v", fields, err)
	}
	logs := &logBuffer{}
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Pipeline: "test", Body: body,
		Env: &filter.Env{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}})
	if err := f.Init(); err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, logs
}

// b64 is base64 of PEM, as certBase64 and keyBase64 want it.
func b64(pemBytes []byte) string { return base64.StdEncoding.EncodeToString(pemBytes) }

// hasLine reports whether a log line holds every one of parts.
func hasLine(logs string, parts ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
