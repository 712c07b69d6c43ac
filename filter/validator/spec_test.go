package validator

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/registry"
)

func TestSpecRoundTrip(t *testing.T) {
	pub := hex.EncodeToString(publicPEM(t, signingKey(t, "ES256", "main")))
	full := `{
		"headers": {"X-Tenant": {"regexp": "^t-"}, "X-Env": {"values": ["a", "b"]}},
		"jwt": {"algorithm": "ES256", "publicKey": "` + pub + `", "cookieName": "session", "issuer": "iss",
		        "audiences": ["a", "b"], "requireExp": true, "leeway": "30s"},
		"signature": {"literal": {"scopeSuffix": "s", "algorithmName": "A", "algorithmValue": "V", "signedHeaders": "H",
		              "signature": "S", "date": "D", "expires": "E", "credential": "C", "contentSha256": "X", "signingKeyPrefix": "P"},
		              "headerHoisting": {"allowedPrefix": ["X-"], "disallowedPrefix": ["X-No"], "disallowed": ["X-Secret"]},
		              "ignoredHeaders": ["X-Trace"], "excludeBody": true, "ttl": "5m", "accessKeyId": "me", "accessKeySecret": "mine",
		              "accessKeys": {"k1": "s1", "k2": "s2"}},
		"oauth2": {"tokenIntrospect": {"endPoint": "https://idp.example/introspect", "clientId": "gw", "clientSecret": "x",
		           "insecureTls": true, "timeout": "2s"}},
		"basicAuth": {"mode": "ETCD", "etcdPrefix": "/users", "refreshInterval": "1m"}
	}`
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), full).(*Spec)
	if s.JWT.Leeway.D().Seconds() != 30 || s.Signature.TTL.D().Minutes() != 5 || s.BasicAuth.storePrefix() != "users/" ||
		s.OAuth2.TokenIntrospect.timeout().Seconds() != 2 || s.Headers["X-Env"].Values[1] != "b" {
		t.Fatalf("decoded %+v", s)
	}
}

func TestSpecEasegressExamples(t *testing.T) {
	for _, spec := range []string{
		`{"jwt": {"algorithm": "HS256", "secret": "73757065722d736563726574", "cookieName": "session"}}`,
		`{"headers": {"Is-Valid": {"values": ["abc", "goodplan"], "regexp": "^ok-.+$"}}}`,
		`{"oauth2": {"jwt": {"algorithm": "HS256", "secret": "6d79736563726574"}}}`,
		`{"oauth2": {"tokenIntrospect": {"endPoint": "https://127.0.0.1:8443/auth/realms/test/protocol/openid-connect/token/introspect",
		  "clientId": "easegress", "clientSecret": "42620d18-871d-465f-912a-ebcef17ecb82", "insecureTls": false}}}`,
		`{"signature": {"accessKeys": {"AKID": "SECRET"}}}`,
		`{"basicAuth": {"mode": "FILE", "userFile": "/etc/apache2/.htpasswd"}}`,
		`{"basicAuth": {"mode": "ETCD", "etcdPrefix": "credentials/"}}`,
		`{"basicAuth": {"mode": "LDAP", "ldap": {"host": "localhost", "port": 389, "baseDN": "ou=users,dc=example,dc=org", "uid": "cn",
		  "useSSL": false, "skipTLS": false, "insecure": false, "serverName": "", "certBase64": "", "keyBase64": ""}}}`,
		`{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap.example.org", "port": 636, "baseDN": "dc=example,dc=org", "uid": "uid", "useSSL": true}}}`,
	} {
		if _, err := filtertest.Decode(Kind, spec); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
	}
}

func TestSpecInvalid(t *testing.T) {
	rsaPub := hex.EncodeToString(publicPEM(t, signingKey(t, "RS256", "main")))
	ecPub := hex.EncodeToString(publicPEM(t, signingKey(t, "ES256", "main")))
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"nothing to check", `{}`, "configure at least one of headers, jwt, signature, oauth2 and basicAuth"},
		{"unknown field", `{"headers": {"X-A": {"values": ["a"]}}, "cors": {}}`, `unknown field "cors"`},
		{"header without rule", `{"headers": {"X-A": {}}}`, "headers.X-A: set values or regexp"},
		{"bad header regexp", `{"headers": {"X-A": {"regexp": "("}}}`, "headers.X-A.regexp: invalid regular expression"},
		{"bad header name", `{"headers": {"X A": {"values": ["a"]}}}`, `headers: "X A" is not a valid header name`},
		{"unknown header rule field", `{"headers": {"X-A": {"value": "a"}}}`, `headers.X-A: unknown field "value"`},
		{"jwt without algorithm", `{"jwt": {"secret": "00"}}`, `jwt: required field "algorithm" is missing`},
		{"jwt unknown algorithm", `{"jwt": {"algorithm": "PS256", "publicKey": "00"}}`, "jwt.algorithm"},
		{"jwt none", `{"jwt": {"algorithm": "none"}}`, "jwt.algorithm"},
		{"HS without secret", `{"jwt": {"algorithm": "HS256"}}`, "jwt.secret: is required for HS256"},
		{"secret not hex", `{"jwt": {"algorithm": "HS256", "secret": "xyz"}}`, "jwt.secret"},
		{"HS with public key", `{"jwt": {"algorithm": "HS256", "secret": "00", "publicKey": "` + rsaPub + `"}}`, "jwt.publicKey: HS256 uses secret"},
		{"RS with secret", `{"jwt": {"algorithm": "RS256", "secret": "00"}}`, "jwt.secret: RS256 verifies with a public key"},
		{"RS without key", `{"jwt": {"algorithm": "RS256"}}`, "jwt.publicKey: publicKey or jwks is required"},
		{"RS with EC key", `{"jwt": {"algorithm": "RS256", "publicKey": "` + ecPub + `"}}`, "jwt.publicKey: is an ECDSA key, which cannot verify RS256"},
		{"ES384 with P-256 key", `{"jwt": {"algorithm": "ES384", "publicKey": "` + ecPub + `"}}`, "jwt.publicKey: is an ECDSA key on P-256, ES384 needs P-384"},
		{"public key not PEM", `{"jwt": {"algorithm": "RS256", "publicKey": "0011"}}`, "jwt.publicKey: does not hold a PEM block"},
		{"both key and jwks", `{"jwt": {"algorithm": "RS256", "publicKey": "` + rsaPub + `", "jwks": {"url": "https://x/jwks"}}}`, "jwt.jwks: cannot be set together with publicKey"},
		{"jwks for HS", `{"jwt": {"algorithm": "HS256", "secret": "00", "jwks": {"url": "https://x/jwks"}}}`, "jwt.jwks: HS256 uses secret"},
		{"jwks bad url", `{"jwt": {"algorithm": "RS256", "jwks": {"url": "file:///etc/keys"}}}`, "jwt.jwks.url: must be an absolute http or https URL"},
		{"jwks tiny ttl", `{"jwt": {"algorithm": "RS256", "jwks": {"url": "https://x/", "cacheTTL": "10ms"}}}`, "jwt.jwks.cacheTTL: must be at least 1s"},
		{"jwks without url", `{"jwt": {"algorithm": "RS256", "jwks": {}}}`, `jwt.jwks: required field "url" is missing`},
		{"negative leeway", `{"jwt": {"algorithm": "HS256", "secret": "00", "leeway": "-1s"}}`, "jwt.leeway"},
		{"signature without keys", `{"signature": {"ttl": "1m"}}`, "signature.accessKeys: is required"},
		{"signature empty secret", `{"signature": {"accessKeys": {"k": ""}}}`, "signature.accessKeys.k: secret must not be empty"},
		{"signature partial literal", `{"signature": {"accessKeys": {"k": "s"}, "literal": {"scopeSuffix": "x"}}}`, `signature.literal: required fields missing`},
		{"signature bad ttl", `{"signature": {"accessKeys": {"k": "s"}, "ttl": "-1m"}}`, "signature.ttl: must not be negative"},
		{"oauth2 empty", `{"oauth2": {}}`, "oauth2: set tokenIntrospect or jwt"},
		{"oauth2 both", `{"oauth2": {"jwt": {"algorithm": "HS256", "secret": "00"}, "tokenIntrospect": {"endPoint": "https://x/"}}}`, "oauth2.jwt: cannot be set together with tokenIntrospect"},
		{"oauth2 RS", `{"oauth2": {"jwt": {"algorithm": "RS256", "secret": "00"}}}`, "oauth2.jwt.algorithm"},
		{"oauth2 no secret", `{"oauth2": {"jwt": {"algorithm": "HS256"}}}`, `oauth2.jwt: required field "secret" is missing`},
		{"oauth2 cache too long", `{"oauth2": {"tokenIntrospect": {"endPoint": "https://x/", "cacheTTL": "2h"}}}`, "oauth2.tokenIntrospect.cacheTTL: must be between 0 and 1h0m0s"},
		{"oauth2 no endpoint", `{"oauth2": {"tokenIntrospect": {"clientId": "x"}}}`, `oauth2.tokenIntrospect: required field "endPoint" is missing`},
		{"oauth2 bad endpoint", `{"oauth2": {"tokenIntrospect": {"endPoint": "idp"}}}`, "oauth2.tokenIntrospect.endPoint: must be an absolute http or https URL"},
		{"basicAuth no mode", `{"basicAuth": {"userFile": "/x"}}`, `basicAuth: required field "mode" is missing`},
		{"basicAuth bad mode", `{"basicAuth": {"mode": "file"}}`, "basicAuth.mode"},
		{"LDAP without ldap", `{"basicAuth": {"mode": "LDAP"}}`, "basicAuth.ldap: is required in LDAP mode"},
		{"ldap in FILE mode", `{"basicAuth": {"mode": "FILE", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.ldap: is for LDAP mode, not FILE"},
		{"userFile in LDAP mode", `{"basicAuth": {"mode": "LDAP", "userFile": "/x", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.userFile: is for FILE mode, not LDAP"},
		{"etcdPrefix in LDAP mode", `{"basicAuth": {"mode": "LDAP", "etcdPrefix": "x", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.etcdPrefix: is for ETCD mode, not LDAP"},
		{"refreshInterval in LDAP mode", `{"basicAuth": {"mode": "LDAP", "refreshInterval": "1s", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.refreshInterval: is for FILE and ETCD modes"},
		{"ldap without baseDN", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "uid": "cn"}}}`, `basicAuth.ldap: required field "baseDN" is missing`},
		{"ldap without host", `{"basicAuth": {"mode": "LDAP", "ldap": {"port": 389, "baseDN": "dc=x", "uid": "cn"}}}`, `basicAuth.ldap: required field "host" is missing`},
		{"ldap empty host", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "", "port": 389, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.ldap.host: is required"},
		{"ldap empty baseDN", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "", "uid": "cn"}}}`, "basicAuth.ldap.baseDN: is required"},
		{"ldap empty uid", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": ""}}}`, "basicAuth.ldap.uid: is required"},
		{"ldap bad baseDN", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "people", "uid": "cn"}}}`, "basicAuth.ldap.baseDN: is not a DN"},
		{"ldap bad uid", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "c=n"}}}`, `basicAuth.ldap.uid: "c=n" is not an attribute name`},
		{"ldap port 0", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 0, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.ldap.port"},
		{"ldap port too big", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 65536, "baseDN": "dc=x", "uid": "cn"}}}`, "basicAuth.ldap.port"},
		{"ldap cert without key", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "certBase64": "eA=="}}}`, "basicAuth.ldap.keyBase64: is required with certBase64"},
		{"ldap key without cert", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "keyBase64": "eA=="}}}`, "basicAuth.ldap.certBase64: is required with keyBase64"},
		{"ldap cert not base64", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "certBase64": "!!", "keyBase64": "eA=="}}}`, "basicAuth.ldap.certBase64: is not base64"},
		{"ldap cert not PEM", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "certBase64": "eA==", "keyBase64": "eA=="}}}`, "basicAuth.ldap.certBase64: with keyBase64 is not a usable PEM certificate and key"},
		{"ldap timeout", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "timeout": "1ms"}}}`, "basicAuth.ldap.timeout: must be between 10ms and 1m0s"},
		{"ldap cacheTTL", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "cacheTTL": "100ms"}}}`, "basicAuth.ldap.cacheTTL: must be between 1s and 1h0m0s"},
		{"ldap maxConnections", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "maxConnections": 1000}}}`, "basicAuth.ldap.maxConnections"},
		{"ldap unknown field", `{"basicAuth": {"mode": "LDAP", "ldap": {"host": "ldap", "port": 389, "baseDN": "dc=x", "uid": "cn", "bindDN": "cn=admin"}}}`, `basicAuth.ldap: unknown field "bindDN"`},
		{"basicAuth prefix in FILE", `{"basicAuth": {"mode": "FILE", "etcdPrefix": "x"}}`, "basicAuth.etcdPrefix: is for ETCD mode"},
		{"basicAuth refresh", `{"basicAuth": {"mode": "FILE", "refreshInterval": "1ms"}}`, "basicAuth.refreshInterval: must be at least 100ms"},
	})
}

func TestSecretsAreTagged(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.FilterClass, Kind)
	e, err := reg.Lookup(registry.FilterClass, KindName)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(e.SecretPaths(), " ")
	for _, want := range []string{"jwt.secret", "signature.accessKeys", "signature.accessKeySecret",
		"oauth2.tokenIntrospect.clientSecret", "oauth2.tokenIntrospect.basicAuth", "oauth2.jwt.secret", "basicAuth.ldap.keyBase64"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("%s is not a secret path (have %s)", want, got)
		}
	}
	// And the status never shows one.
	f := filtertest.New(t, Kind, `{"jwt": {"algorithm": "HS256", "secret": "73757065722d736563726574"}, "signature": {"accessKeys": {"k": "very-secret"}}}`)
	js, _ := json.Marshal(f.Status())
	if strings.Contains(string(js), "very-secret") || strings.Contains(string(js), "7375706572") {
		t.Fatalf("status leaks a secret: %s", js)
	}
}
