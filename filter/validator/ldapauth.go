package validator

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gatewright/gatewright/internal/logevery"
	"github.com/go-ldap/ldap/v3"
)

// ldapLogEvery is the shortest time between two warnings about the LDAP
// server; the ones in between are counted and reported with the next.
const ldapLogEvery = time.Second

var (
	errEmptyPassword = errors.New("empty password refused (an LDAP bind without a password would be unauthenticated)")
	errBadLDAPUser   = errors.New("user name not usable in an LDAP DN")
)

// ldapAuth verifies basic credentials by a simple bind to an LDAP server
// as uid=<user>,<baseDN>. Verified credentials are cached for a short
// time; at most maxConnections binds are in flight, and a request waits
// for one of them no longer than the timeout, which bounds the whole
// verification.
type ldapAuth struct {
	uid, baseDN string
	baseRDNs    int
	server      string // for logs and status
	clearText   bool   // passwords cross the network unencrypted
	timeout     time.Duration
	log         *slog.Logger
	cache       *verifiedCache[struct{}]
	pool        *ldapPool
	slots       chan struct{} // a token per bind in flight

	binds, refused, failed atomic.Uint64

	warnings *logevery.Limiter

	mu      sync.Mutex // guards lastErr
	lastErr error
}

func newLDAPAuth(s *LDAPSpec, log *slog.Logger) (*ldapAuth, error) {
	base, err := ldap.ParseDN(s.BaseDN)
	if err != nil {
		return nil, fmt.Errorf("basicAuth.ldap.baseDN: %w", err)
	}
	cfg, err := s.tlsConfig()
	if err != nil {
		return nil, fmt.Errorf("basicAuth.ldap: %w", err)
	}
	cache, err := newVerifiedCache[struct{}](s.cacheTTL(), LDAPCacheEntries)
	if err != nil {
		return nil, err
	}
	n := s.maxConnections()
	return &ldapAuth{
		uid:       s.UID,
		baseDN:    s.BaseDN,
		baseRDNs:  len(base.RDNs),
		server:    s.url(),
		clearText: s.clearText(),
		timeout:   s.timeout(),
		log:       log,
		warnings:  logevery.New(ldapLogEvery),
		cache:     cache,
		slots:     make(chan struct{}, n),
		pool: &ldapPool{max: n, dialer: ldapDialer{
			address:  s.address(),
			useSSL:   s.UseSSL,
			startTLS: !s.UseSSL && !s.SkipTLS,
			tls:      cfg,
		}},
	}, nil
}

// verify authenticates name and password; credentials is the decoded
// "name:password" of the request.
func (a *ldapAuth) verify(name, password, credentials []byte) error {
	if len(password) == 0 {
		return errEmptyPassword
	}
	key := a.cache.key(credentials)
	if a.cache.valid(key) {
		return nil
	}
	dn, err := a.userDN(string(name))
	if err != nil {
		return err
	}
	if err := a.bind(dn, string(password)); err != nil {
		return err
	}
	a.cache.add(key)
	return nil
}

// userDN returns uid=<name>,<baseDN> with name escaped (RFC 4514), and
// checks that the DN parses back to exactly that: one more RDN than the
// base, holding the uid attribute with the name as its value.
func (a *ldapAuth) userDN(name string) (string, error) {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", errBadLDAPUser
	}
	dn := a.uid + "=" + ldap.EscapeDN(name) + "," + a.baseDN
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) != a.baseRDNs+1 || len(parsed.RDNs[0].Attributes) != 1 ||
		!strings.EqualFold(parsed.RDNs[0].Attributes[0].Type, a.uid) || parsed.RDNs[0].Attributes[0].Value != name {
		return "", errBadLDAPUser
	}
	return dn, nil
}

// bind binds as dn within the timeout, waiting for a free slot first. A
// pooled connection that turns out broken is replaced by a new one once.
func (a *ldapAuth) bind(dn, password string) error {
	deadline := time.Now().Add(a.timeout)
	select {
	case a.slots <- struct{}{}:
	default:
		wait := time.NewTimer(a.timeout)
		select {
		case a.slots <- struct{}{}:
			wait.Stop()
		case <-wait.C:
			return a.serverError(fmt.Errorf("all %d connections to %s stayed busy for %s", cap(a.slots), a.server, a.timeout))
		}
	}
	defer func() { <-a.slots }()
	for attempt := 0; ; attempt++ {
		c, reused, err := a.pool.get(deadline)
		if err != nil {
			return a.serverError(fmt.Errorf("connecting to %s: %w", a.server, err))
		}
		a.binds.Add(1)
		err = c.bind(dn, password, deadline)
		if err == nil {
			a.pool.put(c)
			a.ok()
			return nil
		}
		if code, ok := resultCode(err); ok {
			// The server answered: the credentials are refused, and
			// the connection is as good as before.
			a.pool.put(c)
			a.ok()
			a.refused.Add(1)
			if code == ldap.LDAPResultInvalidCredentials {
				return errUnauthorized
			}
			return fmt.Errorf("LDAP server refused the bind: %s", ldap.LDAPResultCodeMap[code])
		}
		c.close()
		if reused && attempt == 0 && time.Now().Before(deadline) {
			continue // the server may have dropped an idle connection
		}
		return a.serverError(fmt.Errorf("binding at %s: %w", a.server, err))
	}
}

// resultCode returns the LDAP result code of an answer from the server;
// false for client-side errors (network, timeout).
func resultCode(err error) (uint16, bool) {
	var le *ldap.Error
	if !errors.As(err, &le) {
		return 0, false
	}
	_, known := ldap.LDAPResultCodeMap[le.ResultCode]
	return le.ResultCode, known && le.ResultCode < ldap.ErrorNetwork
}

// serverError records and logs a failure to reach the LDAP server (at
// most one warning per ldapLogEvery) and returns the request's error.
func (a *ldapAuth) serverError(err error) error {
	a.failed.Add(1)
	a.mu.Lock()
	a.lastErr = err
	a.mu.Unlock()
	if logIt, suppressed := a.warnings.Allow(time.Now()); logIt {
		a.log.Warn("basicAuth: LDAP verification failed; the request is refused", "server", a.server, "reason", err, "suppressedSinceLast", suppressed)
	}
	return fmt.Errorf("LDAP server unavailable: %w", err)
}

// ok clears the last server error after a bind that reached the server.
func (a *ldapAuth) ok() {
	a.mu.Lock()
	a.lastErr = nil
	a.mu.Unlock()
}

// close closes the idle connections.
func (a *ldapAuth) close() { a.pool.close() }

// status describes the server, the binds and the cache.
func (a *ldapAuth) status() *LDAPStatus {
	st := &LDAPStatus{
		Server:      a.server,
		Binds:       a.binds.Load(),
		Refused:     a.refused.Load(),
		Failed:      a.failed.Load(),
		CacheHits:   a.cache.hits.Load(),
		CacheSize:   a.cache.size(),
		Connections: a.pool.idleCount(),
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.lastErr != nil {
		st.LastError = a.lastErr.Error()
	}
	return st
}
