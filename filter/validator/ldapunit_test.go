package validator

import (
	"crypto/hmac"
	"crypto/sha256"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/go-ldap/ldap/v3"
)

func TestLDAPUserDN(t *testing.T) {
	a, err := newLDAPAuth(&LDAPSpec{Host: "h", Port: 389, BaseDN: testBaseDN, UID: "uid"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dn string }{
		{"alice", "uid=alice," + testBaseDN},
		{"admin,ou=admins", `uid=admin\,ou=admins,` + testBaseDN},
		{"a+cn=b", `uid=a\+cn=b,` + testBaseDN},
		{`q"u;o<t>e\s`, `uid=q\"u\;o\<t\>e\\s,` + testBaseDN},
		{" padded ", `uid=\ padded\ ,` + testBaseDN},
		{"#hash", `uid=\#hash,` + testBaseDN},
		{"*", "uid=*," + testBaseDN},
		{"jöns", "uid=jöns," + testBaseDN},
		{"nul\x00", ""},
		{"tab\t", ""},
		{"del\x7f", ""},
		{"\xff\xfe", ""},
	} {
		dn, err := a.userDN(tc.name)
		if tc.dn == "" {
			if err == nil {
				t.Errorf("%q: DN %q, want an error", tc.name, dn)
			}
			continue
		}
		if err != nil || dn != tc.dn {
			t.Errorf("%q: DN %q, %v; want %q", tc.name, dn, err, tc.dn)
			continue
		}
		// Whatever the name holds, the DN is one RDN below the base,
		// and that RDN is the uid with the name as its value.
		parsed, err := ldap.ParseDN(dn)
		base, _ := ldap.ParseDN(testBaseDN)
		if err != nil || len(parsed.RDNs) != len(base.RDNs)+1 || parsed.RDNs[0].Attributes[0].Value != tc.name ||
			!(&ldap.DN{RDNs: parsed.RDNs[1:]}).Equal(base) {
			t.Errorf("%q: DN %q parses to %+v, %v", tc.name, dn, parsed, err)
		}
	}
}

func TestVerifiedCacheKey(t *testing.T) {
	c, err := newVerifiedCache[struct{}](time.Minute, 4)
	if err != nil {
		t.Fatal(err)
	}
	other, err := newVerifiedCache[struct{}](time.Minute, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, cred := range []string{"", "a:b", "alice:" + alicePW, strings.Repeat("x", maxInlineCredentials), strings.Repeat("y", maxInlineCredentials+1)} {
		m := hmac.New(sha256.New, c.secret[:])
		m.Write([]byte(cred))
		if got := c.key([]byte(cred)); !hmac.Equal(got[:], m.Sum(nil)) {
			t.Errorf("key of %d bytes is not the HMAC-SHA256", len(cred))
		}
		if c.key([]byte(cred)) == other.key([]byte(cred)) {
			t.Errorf("two caches share a key for %d bytes", len(cred))
		}
	}
	if c.key([]byte("alice:pw")) == c.key([]byte("alice:pW")) {
		t.Error("different passwords share a key")
	}
}

func TestVerifiedCacheBounded(t *testing.T) {
	c, err := newVerifiedCache[struct{}](time.Minute, 3)
	if err != nil {
		t.Fatal(err)
	}
	var now time.Duration
	c.clock = func() time.Duration { return now }
	k := func(s string) credentialKey { return c.key([]byte(s)) }
	for _, s := range []string{"1", "2", "3", "4"} {
		c.add(k(s))
		now += time.Second
	}
	if c.valid(k("1")) || !c.valid(k("2")) || !c.valid(k("3")) || !c.valid(k("4")) || c.size() != 3 {
		t.Fatalf("after 4 adds to 3 entries: size %d", c.size())
	}
	// An entry that expired and is stored again while its old slot is
	// still in the ring: pushing the old slot out must not take the new
	// entry with it.
	c, err = newVerifiedCache[struct{}](time.Minute, 3)
	if err != nil {
		t.Fatal(err)
	}
	c.clock = func() time.Duration { return now }
	c.add(k("a"))
	c.add(k("b"))
	now += 2 * time.Minute
	if c.valid(k("a")) {
		t.Fatal("an entry outlived the TTL")
	}
	c.add(k("a")) // the ring holds a, b, a
	c.add(k("c")) // pushes out the first a
	if !c.valid(k("a")) || !c.valid(k("c")) || c.size() != 3 {
		t.Fatalf("re-added entry lost: size %d", c.size())
	}
	for i := range 100 {
		c.add(k(strings.Repeat("z", i)))
	}
	if c.size() != 3 {
		t.Fatalf("size %d, want 3", c.size())
	}
}

func TestLDAPSpecRoundTrip(t *testing.T) {
	certPEM, keyPEM := selfSigned(t)
	full := `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap.example.org", "port": 636, "baseDN": "ou=people,dc=example,dc=org",
		"uid": "uid", "useSSL": true, "skipTLS": true, "insecure": true, "serverName": "ldap.test",
		"certBase64": "` + b64(certPEM) + `", "keyBase64": "` + b64(keyPEM) + `",
		"timeout": "2s", "cacheTTL": "1m", "maxConnections": 4}}}`
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), full).(*Spec)
	l := s.BasicAuth.LDAP
	cfg, err := l.tlsConfig()
	if err != nil || cfg.ServerName != "ldap.test" || !cfg.InsecureSkipVerify || len(cfg.Certificates) != 1 {
		t.Fatalf("TLS config %+v, %v", cfg, err)
	}
	if l.timeout() != 2*time.Second || l.cacheTTL() != time.Minute || l.maxConnections() != 4 ||
		l.url() != "ldaps://ldap.example.org:636" || l.clearText() {
		t.Fatalf("decoded %+v", l)
	}
	d := &LDAPSpec{Host: "::1", Port: 389, SkipTLS: true}
	if cfg, _ := d.tlsConfig(); cfg.ServerName != "::1" || d.timeout() != DefaultLDAPTimeout || d.cacheTTL() != DefaultLDAPCacheTTL ||
		d.maxConnections() != DefaultLDAPMaxConnections || d.url() != "ldap://[::1]:389" || !d.clearText() {
		t.Fatalf("defaults of %+v", d)
	}
}
