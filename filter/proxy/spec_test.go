package proxy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
)

const fullSpec = `{
  "pools": [
    {"filter": {"policy": "ipHash", "permil": 50},
     "servers": [{"url": "http://10.2.0.20:8080"}]},
    {"filter": {"headers": {"X-Canary": {"exact": "1"}}, "matchAllHeaders": true,
                "urls": [{"methods": ["GET"], "url": {"prefix": "/api"}}]},
     "servers": [{"url": "https://canary.internal", "tags": ["v2"]}],
     "serverTags": ["v2"], "setUpstreamHost": true,
     "loadBalance": {"policy": "cookieHash", "stickySession": {"mode": "ApplicationBased", "appCookieName": "JSESSIONID", "lbCookieName": "LB", "lbCookieExpire": "1h"}},
     "memoryCache": {"expiration": "10s", "maxEntryBytes": 4096, "maxTotalBytes": 1048576, "codes": [200, 404], "methods": ["GET", "HEAD"]}},
    {"servers": [{"url": "http://10.2.0.10:8080", "weight": 3}, {"url": "http://10.2.0.11:8080", "weight": 1, "keepHost": true}],
     "loadBalance": {"policy": "weightedRandom"},
     "timeout": "2s", "retryPolicy": "", "failureCodes": [502, 503],
     "healthCheck": {"interval": "10s", "uri": "/ready", "fails": 2, "passes": 1, "method": "HEAD",
                     "headers": {"Host": "ready.internal"}, "username": "u", "password": "p",
                     "match": {"statusCodes": [[200, 299]], "headers": [{"name": "X-Ok", "value": "^y", "type": "regexp"}],
                               "body": {"value": "ok"}}},
     "serverMaxBodySize": -1}
  ],
  "mirrorPool": {"filter": {"policy": "random", "permil": 10}, "servers": [{"url": "http://10.9.0.1"}]},
  "maxIdleConns": 100,
  "maxIdleConnsPerHost": 10,
  "serverMaxBodySize": 1048576,
  "compression": {"minLength": 512}
}`

func TestSpecDecodesEasegressVocabulary(t *testing.T) {
	s, err := decodeSpec(fullSpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pools) != 3 || s.Pools[2].Timeout.D() != 2*time.Second || s.Pools[2].LoadBalance.Policy != PolicyWeightedRandom {
		t.Fatalf("decoded %+v", s)
	}
	hc := s.Pools[2].HealthCheck
	if hc.Interval.D() != 10*time.Second || hc.Fails != 2 || hc.Match.StatusCodes[0] != [2]int{200, 299} {
		t.Fatalf("health check %+v", hc)
	}
	if st := s.Pools[1].LoadBalance.StickySession; st == nil || st.Mode != StickyApplicationBased || st.LBCookieExpire.D() != time.Hour {
		t.Fatalf("sticky session %+v", st)
	}
	if mc := s.Pools[1].MemoryCache; mc == nil || mc.MaxEntryBytes != 4096 || mc.Expiration.D() != 10*time.Second || len(mc.Codes) != 2 {
		t.Fatalf("memory cache %+v", mc)
	}
	if s.MirrorPool.Filter.Permil != 10 || s.MaxIdleConnsPerHost != 10 || s.ServerMaxBodySize != 1<<20 {
		t.Fatalf("decoded %+v", s)
	}
	// Round trip: the marshalled spec decodes to the same value.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := decodeSpec(string(b))
	if err != nil {
		t.Fatalf("round trip of %s: %v", b, err)
	}
	b2, _ := json.Marshal(again)
	if string(b) != string(b2) {
		t.Fatalf("round trip changed the spec:\n%s\n%s", b, b2)
	}
}

func TestSpecDefaults(t *testing.T) {
	s, err := decodeSpec(`{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxIdleConns != DefaultMaxIdleConns || s.MaxIdleConnsPerHost != DefaultMaxIdleConnsPerHost {
		t.Fatalf("defaults %+v", s)
	}
}

func TestInvalidSpecs(t *testing.T) {
	main := `{"servers":[{"url":"http://127.0.0.1:1"}]}`
	cases := []struct{ name, doc, want string }{
		{"no pools", `{}`, "pools"},
		{"unknown field", `{"pools":[` + main + `],"compress":{"minLength":1}}`, `unknown field "compress"`},
		{"unknown compression field", `{"pools":[` + main + `],"compression":{"level":1}}`, `compression: unknown field "level"`},
		{"unknown pool field", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"cache":{}}]}`, `unknown field "cache"`},
		{"memory cache fields", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"memoryCache":{}}]}`, `pools[0].memoryCache: required fields missing: "expiration", "maxEntryBytes", "codes", "methods"`},
		{"memory cache expiration", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"memoryCache":{"expiration":"0s","maxEntryBytes":10,"codes":[200],"methods":["GET"]}}]}`, `pools[0].memoryCache.expiration: must be a positive duration`},
		{"memory cache entry size", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"memoryCache":{"expiration":"1s","maxEntryBytes":0,"codes":[200],"methods":["GET"]}}]}`, `pools[0].memoryCache.maxEntryBytes`},
		{"memory cache total", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"memoryCache":{"expiration":"1s","maxEntryBytes":100,"maxTotalBytes":10,"codes":[200],"methods":["GET"]}}]}`, `pools[0].memoryCache.maxTotalBytes: 10 is less than maxEntryBytes 100`},
		{"memory cache code", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"memoryCache":{"expiration":"1s","maxEntryBytes":10,"codes":[200,700],"methods":["GET"]}}]}`, `pools[0].memoryCache.codes[1]: 700 is not an HTTP status`},
		{"memory cache method", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"memoryCache":{"expiration":"1s","maxEntryBytes":10,"codes":[200],"methods":["get"]}}]}`, `pools[0].memoryCache.methods[0]`},
		{"mirror cache", `{"pools":[` + main + `],"mirrorPool":{"filter":{"policy":"random","permil":5},"servers":[{"url":"http://127.0.0.1:2"}],"memoryCache":{"expiration":"1s","maxEntryBytes":10,"codes":[200],"methods":["GET"]}}}`, `mirrorPool.memoryCache`},
		{"sticky mode", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"loadBalance":{"stickySession":{"mode":"Forever"}}}]}`, "pools[0].loadBalance.stickySession.mode"},
		{"sticky without mode", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"loadBalance":{"stickySession":{}}}]}`, `pools[0].loadBalance.stickySession: required field "mode" is missing`},
		{"sticky app cookie", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"loadBalance":{"stickySession":{"mode":"CookieConsistentHash"}}}]}`, "pools[0].loadBalance.stickySession.appCookieName: required by mode CookieConsistentHash"},
		{"sticky cookie name", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"loadBalance":{"stickySession":{"mode":"DurationBased","lbCookieName":"a b"}}}]}`, "pools[0].loadBalance.stickySession.lbCookieName"},
		{"sticky expire", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"loadBalance":{"stickySession":{"mode":"DurationBased","lbCookieExpire":"-1h"}}}]}`, "pools[0].loadBalance.stickySession.lbCookieExpire: must not be negative"},
		{"unknown lb policy", `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"loadBalance":{"policy":"leastConn"}}]}`, "loadBalance.policy"},
		{"service name", `{"pools":[{"serviceName":"x","servers":[{"url":"http://127.0.0.1:1"}]}]}`, `unknown field "serviceName"`},
		{"two main pools", `{"pools":[` + main + `,` + main + `]}`, "exactly one pool without filter (the main pool) is required, found 2"},
		{"no main pool", `{"pools":[{"filter":{"policy":"random","permil":5},"servers":[{"url":"http://127.0.0.1:1"}]}]}`, "found 0"},
		{"no servers", `{"pools":[{"servers":[]}]}`, "pools[0].servers: at least one server is required"},
		{"bad scheme", `{"pools":[{"servers":[{"url":"ftp://10.0.0.1"}]}]}`, "pools[0].servers[0].url"},
		{"url with path", `{"pools":[{"servers":[{"url":"http://10.0.0.1/api"}]}]}`, "without path"},
		{"url without host", `{"pools":[{"servers":[{"url":"http://"}]}]}`, "host is missing"},
		{"url with user", `{"pools":[{"servers":[{"url":"http://a:b@10.0.0.1"}]}]}`, "user info"},
		{"bad port", `{"pools":[{"servers":[{"url":"http://10.0.0.1:99999"}]}]}`, "port"},
		{"missing url", `{"pools":[{"servers":[{"weight":1}]}]}`, "url"},
		{"weights mixed", `{"pools":[{"servers":[{"url":"http://10.0.0.1","weight":2},{"url":"http://10.0.0.2"}]}]}`, "weights must be given to all servers or to none"},
		{"weight too big", `{"pools":[{"servers":[{"url":"http://10.0.0.1","weight":101}]}]}`, "weight"},
		{"header hash without key", `{"pools":[{"servers":[{"url":"http://10.0.0.1"}],"loadBalance":{"policy":"headerHash"}}]}`, "loadBalance.headerHashKey: required"},
		{"mirror without filter", `{"pools":[` + main + `],"mirrorPool":` + main + `}`, "mirrorPool.filter: required"},
		{"general without headers", `{"pools":[` + main + `,{"filter":{"policy":"general"},"servers":[{"url":"http://10.0.0.1"}]}]}`, "pools[1].filter.headers: required"},
		{"bad header matcher", `{"pools":[` + main + `,{"filter":{"headers":{"X-A":{}}},"servers":[{"url":"http://10.0.0.1"}]}]}`, "pools[1].filter.headers.X-A"},
		{"permil missing", `{"pools":[` + main + `,{"filter":{"policy":"ipHash"},"servers":[{"url":"http://10.0.0.1"}]}]}`, "pools[1].filter.permil"},
		{"permil too big", `{"pools":[` + main + `,{"filter":{"policy":"random","permil":1001},"servers":[{"url":"http://10.0.0.1"}]}]}`, "permil"},
		{"lower-case method", `{"pools":[` + main + `,{"filter":{"headers":{"X-A":{"exact":"1"}},"urls":[{"methods":["get"],"url":{"prefix":"/"}}]},"servers":[{"url":"http://10.0.0.1"}]}]}`, "methods[0]"},
		{"bad duration", `{"pools":[{"servers":[{"url":"http://10.0.0.1"}],"timeout":"5"}]}`, "timeout"},
		{"failure code", `{"pools":[{"servers":[{"url":"http://10.0.0.1"}],"failureCodes":[99]}]}`, "failureCodes[0]"},
		{"server tags match nothing", `{"pools":[{"servers":[{"url":"http://10.0.0.1","tags":["a"]}],"serverTags":["b"]}]}`, "serverTags"},
		{"health user without password", `{"pools":[{"servers":[{"url":"http://10.0.0.1"}],"healthCheck":{"username":"u"}}]}`, "healthCheck.username"},
		{"health status range", `{"pools":[{"servers":[{"url":"http://10.0.0.1"}],"healthCheck":{"match":{"statusCodes":[[399,200]]}}}]}`, "healthCheck.match.statusCodes[0]"},
		{"health uri", `{"pools":[{"servers":[{"url":"http://10.0.0.1"}],"healthCheck":{"uri":"ready"}}]}`, "healthCheck.uri"},
		{"negative max redirection", `{"pools":[` + main + `],"maxRedirection":-1}`, "maxRedirection: must be >= 0"},
		{"max redirection too big", `{"pools":[` + main + `],"maxRedirection":21}`, "maxRedirection: must be <= 20"},
		{"body size", `{"pools":[` + main + `],"serverMaxBodySize":-2}`, "serverMaxBodySize"},
		{"mtls without root", `{"pools":[` + main + `],"mtls":{"certBase64":"x"}}`, "rootCertBase64"},
		{"mtls bad root", `{"pools":[` + main + `],"mtls":{"rootCertBase64":"bm9wZQ=="}}`, "mtls.rootCertBase64: no PEM certificate found"},
	}
	decode := specDecoder()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decode(c.doc)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestPolicyReferencesAreCheckedAtInit(t *testing.T) {
	doc := `{"pools":[{"servers":[{"url":"http://127.0.0.1:1"}],"retryPolicy":"again","circuitBreakerPolicy":"guard"}]}`
	cases := []struct {
		name     string
		policies filter.PolicyLookup
		want     string
	}{
		{"no policies", nil, `pools[0].retryPolicy: policy "again": the pipeline declares no resilience policies`},
		{"missing", realPolicies(t, `{"name": "again", "kind": "Retry"}`), `pools[0].circuitBreakerPolicy: policy "guard" is not declared`},
		{"wrong kind", realPolicies(t, `{"name": "again", "kind": "CircuitBreaker"}`, `{"name": "guard", "kind": "CircuitBreaker"}`), `policy "again" is a CircuitBreaker, not a Retry`},
		{"foreign policy type", fakePolicies{"again": "Retry", "guard": "CircuitBreaker"}, `pools[0].retryPolicy: policy "again" (proxy.fakePolicy) cannot drive a Proxy pool's retries`},
		{"ok", realPolicies(t, `{"name": "again", "kind": "Retry"}`, `{"name": "guard", "kind": "CircuitBreaker"}`), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newFilter(t, doc, c.policies)
			err := p.Init()
			defer p.Close()
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestKindDeclaresResults(t *testing.T) {
	for _, r := range []string{"internalError", "clientError", "serverError", "failureCode", "timeout", "shortCircuited"} {
		if !Kind.HasResult(r) {
			t.Errorf("result %q not declared", r)
		}
	}
}
