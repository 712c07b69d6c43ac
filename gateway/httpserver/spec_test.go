package httpserver

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestSpecDefaults(t *testing.T) {
	h := newHarness(t)
	spec, _, err := h.decode("kind: HTTPServer\nname: edge\nport: 8080\n")
	if err != nil {
		t.Fatal(err)
	}
	s := spec.Body.(*Spec)
	if !s.KeepAlive || s.KeepAliveTimeout.D() != 60*time.Second || s.MaxConnections != 10240 ||
		s.RouterKind != RouterOrdered || s.ClientMaxBodySize != 0 || s.HTTPS {
		t.Fatalf("defaults: %+v", s)
	}
	// Explicit values win over defaults; keepAlive may be switched off.
	spec, _, err = h.decode("kind: HTTPServer\nname: edge\nport: 8080\nkeepAlive: false\nkeepAliveTimeout: 5s\nmaxConnections: 3\n")
	if err != nil {
		t.Fatal(err)
	}
	s = spec.Body.(*Spec)
	if s.KeepAlive || s.KeepAliveTimeout.D() != 5*time.Second || s.MaxConnections != 3 {
		t.Fatalf("explicit: %+v", s)
	}
}

func TestSpecErrorsNameTheField(t *testing.T) {
	pair := testPair(t, "a.test")
	cert := base64.StdEncoding.EncodeToString(pair.certPEM)
	key := base64.StdEncoding.EncodeToString(pair.keyPEM)
	cases := []struct {
		name, fields string
		want         []string
	}{
		{"port required", `rules: []`, []string{"port"}},
		{"port range", `port: 70000`, []string{"port"}},
		{"unknown top-level field", "port: 80\nglobalFilters: auth", []string{"globalFilters"}},
		{"bad global filter name", "port: 80\nglobalFilter: \"a b\"", []string{"globalFilter"}},
		{"unimplemented autoCert", "port: 80\nautoCert: true", []string{"autoCert"}},
		{"unknown path field", "port: 80\nrules: [{paths: [{path: /, backend: p, backends: [p]}]}]", []string{"backends"}},
		{"case matters", "port: 80\nKeepAlive: true", []string{"KeepAlive"}},
		{"radix tree uses path only", "port: 80\nrouterKind: RadixTree\nrules: [{paths: [{pathPrefix: /a, backend: p}]}]", []string{"rules[0].paths[0].pathPrefix: not used with routerKind RadixTree", "rules[0].paths[0].path: required with routerKind RadixTree"}},
		{"router kind enum", "port: 80\nrouterKind: ordered", []string{"routerKind"}},
		{"bad path regexp", `port: 80
rules:
- paths:
  - {path: /a, backend: p}
  - {pathPrefix: /b, backend: p}
  - {pathRegexp: "([a-z]+", backend: p}`, []string{`rules[0].paths[2].pathRegexp: invalid regexp "([a-z]+": missing closing )`}},
		{"path must start with slash", "port: 80\nrules: [{paths: [{path: a, backend: p}]}]", []string{"rules[0].paths[0].path"}},
		{"backend required", "port: 80\nrules: [{paths: [{path: /a}]}]", []string{"backend"}},
		{"backend name", "port: 80\nrules: [{paths: [{path: /a, backend: 'a b'}]}]", []string{"rules[0].paths[0].backend"}},
		{"rewrite needs a matcher", "port: 80\nrules: [{paths: [{rewriteTarget: /x, backend: p}]}]", []string{"rules[0].paths[0].rewriteTarget: needs path, pathPrefix or pathRegexp"}},
		{"method enum", "port: 80\nrules: [{paths: [{methods: [GET, get], backend: p}]}]", []string{"rules[0].paths[0].methods[1]"}},
		{"header needs values or regexp", "port: 80\nrules: [{paths: [{backend: p, headers: [{key: X-A}]}]}]", []string{"rules[0].paths[0].headers[0]: needs values or regexp"}},
		{"query regexp", "port: 80\nrules: [{paths: [{backend: p, queries: [{key: q, regexp: '*'}]}]}]", []string{"rules[0].paths[0].queries[0].regexp: invalid regexp"}},
		{"host wildcard in the middle", "port: 80\nrules: [{host: 'a.*.com', paths: [{backend: p}]}]", []string{"rules[0].host", "start or the end"}},
		{"two wildcards", "port: 80\nrules: [{hosts: [{value: '*.a.*'}], paths: [{backend: p}]}]", []string{"rules[0].hosts[0].value", "only one"}},
		{"host regexp", "port: 80\nrules: [{hostRegexp: '[', paths: [{backend: p}]}]", []string{"rules[0].hostRegexp: invalid regexp"}},
		{"bad CIDR", "port: 80\nrules: [{ipFilter: {allowIPs: [10.0.0.0/8, 10.0.0.300]}, paths: [{backend: p}]}]", []string{`rules[0].ipFilter.allowIPs[1]: "10.0.0.300" is not an IP address or CIDR`}},
		{"server ipFilter", "port: 80\nipFilter: {blockIPs: [nope]}", []string{"ipFilter.blockIPs[0]"}},
		{"path ipFilter", "port: 80\nrules: [{paths: [{backend: p, ipFilter: {blockIPs: [1.2.3.4/40]}}]}]", []string{"rules[0].paths[0].ipFilter.blockIPs[0]"}},
		{"body size", "port: 80\nclientMaxBodySize: -2", []string{"clientMaxBodySize"}},
		{"set header variable", "port: 80\nrules: [{paths: [{backend: p, setHeaders: {X-A: '$nope'}}]}]", []string{"rules[0].paths[0].setHeaders: X-A: unknown variable $nope"}},
		{"set header name", "port: 80\nrules: [{paths: [{backend: p, setHeaders: {'X A': v}}]}]", []string{"rules[0].paths[0].setHeaders", "not a valid header name"}},
		{"https needs a certificate", "port: 443\nhttps: true", []string{"https: needs a certificate"}},
		{"cert without key", "port: 443\nhttps: true\ncertBase64: " + cert, []string{"keyBase64: required with certBase64"}},
		{"pairs must pair", "port: 443\nhttps: true\ncerts: {a: " + cert + "}\nkeys: {b: " + key + "}", []string{`keys: no key for certificate "a"`, `certs: no certificate for key "b"`}},
		{"not PEM", "port: 443\nhttps: true\ncertBase64: bm90IHBlbQ==\nkeyBase64: " + key, []string{"certBase64: base64 value does not decode to PEM"}},
		{"mismatched pair", "port: 443\nhttps: true\ncertBase64: " + cert + "\nkeyBase64: " + base64.StdEncoding.EncodeToString(testPair(t, "b.test").keyPEM), []string{"certBase64: invalid certificate pair"}},
		{"mTLS needs https", "port: 80\ncaCertBase64: " + cert, []string{"caCertBase64: client certificates need https: true"}},
		{"address without port", "port: 80\naddress: '127.0.0.1:80'", []string{"address: give the host only"}},
		{"several errors at once", "port: 80\nrules: [{host: 'a*b*', paths: [{pathRegexp: '(', backend: p}]}]", []string{"rules[0].host", "rules[0].paths[0].pathRegexp"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.build("kind: HTTPServer\nname: edge\n" + c.fields + "\n")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), `HTTPServer "edge": `) {
				t.Errorf("error does not name the object: %q", err)
			}
		})
	}
}

func TestSpecAcceptsTheVocabularyExample(t *testing.T) {
	pair := testPair(t, "shop.example")
	h := newHarness(t)
	doc := `kind: HTTPServer
name: public
port: 8443
https: true
certs: {shop: "` + base64.StdEncoding.EncodeToString(pair.certPEM) + `"}
keys:
  shop: |
` + indent(string(pair.keyPEM), "    ") + `xForwardedFor: true
clientMaxBodySize: -1
ipFilter: {allowIPs: [10.0.0.0/8, "::1"], blockByDefault: true}
rules:
- host: "*.shop.example"
  hosts: [{value: "api.*"}, {value: "^x[0-9]+\\.example$", isRegexp: true}]
  paths:
  - {path: /healthz, backend: health}
  - {pathPrefix: /api/v1/, rewriteTarget: /v1/, methods: [GET, POST], backend: api}
  - pathRegexp: "^/u/([0-9]+)$"
    rewriteTarget: /users/$1
    headers: [{key: X-Tenant, values: [a, b], regexp: "^t-"}]
    queries: [{key: debug, values: ["1"]}]
    matchAllHeader: true
    clientMaxBodySize: 1024
    setHeaders: {X-Host: "${host}", X-User: "${remote_user:anonymous}", X-Drop: ""}
    backend: users
`
	obj, err := h.build(doc)
	if err != nil {
		t.Fatal(err)
	}
	st := obj.Status().(Status)
	if !st.HTTPS || st.Routes != 3 || st.Rules != 1 || len(st.Certificates) != 1 || st.Certificates[0].DNSNames[0] != "shop.example" {
		t.Fatalf("status %+v", st)
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}
