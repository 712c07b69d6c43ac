package ratelimiter

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{
	"policies": [
		{"name": "tight", "limitForPeriod": 5, "limitRefreshPeriod": "1s", "timeoutDuration": "50ms"},
		{"name": "loose"},
		{"name": "nowait", "timeoutDuration": "0s"}
	],
	"defaultPolicyRef": "loose",
	"urls": [
		{"methods": ["POST", "PUT"], "url": {"regex": "^/orders/[0-9]+$"}, "policyRef": "tight"},
		{"url": {"prefix": "/api/"}, "perKey": {"header": "X-Api-Key", "maxKeys": 500}},
		{"url": {"exact": "/login"}, "policyRef": "nowait", "perKey": {"clientIP": true}}
	]
}`

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), fullSpec).(*Spec)
	tight, loose, nowait := &s.Policies[0], &s.Policies[1], &s.Policies[2]
	if tight.timeout() != 50*time.Millisecond || tight.refreshPeriod() != time.Second || tight.limitForPeriod() != 5 {
		t.Errorf("tight = %v %v %v", tight.timeout(), tight.refreshPeriod(), tight.limitForPeriod())
	}
	if loose.timeout() != DefaultTimeout || loose.refreshPeriod() != DefaultRefreshPeriod || loose.limitForPeriod() != DefaultLimitForPeriod {
		t.Errorf("defaults = %v %v %v, want 100ms 10ms 50", loose.timeout(), loose.refreshPeriod(), loose.limitForPeriod())
	}
	if nowait.timeout() != 0 {
		t.Errorf("an explicit timeoutDuration of 0s became %v", nowait.timeout())
	}
	if k := s.URLs[1].PerKey; k == nil || k.Header != "X-Api-Key" || k.maxKeys() != 500 {
		t.Errorf("perKey %+v", k)
	}
	if k := s.URLs[2].PerKey; k == nil || !k.ClientIP || k.maxKeys() != DefaultMaxKeys {
		t.Errorf("perKey %+v", k)
	}
}

func TestSpecEasegressExample(t *testing.T) {
	// The example of the Easegress reference, as YAML users write it.
	_, err := filtertest.Decode(Kind, `{"policies": [{"name": "policy-example", "timeoutDuration": "100ms",
		"limitRefreshPeriod": "10ms", "limitForPeriod": 50}], "defaultPolicyRef": "policy-example",
		"urls": [{"methods": ["GET"], "url": {"exact": "/pipeline/activity/1", "prefix": "/pipeline/activity/", "regex": "^/pipeline/activity/\\d+$"}, "policyRef": "policy-example"}]}`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing policies", `{"urls": []}`, `required field "policies" is missing`},
		{"missing urls", `{"policies": []}`, `required field "urls" is missing`},
		{"unknown field", `{"policies": [], "urls": [], "rules": []}`, `unknown field "rules"`},
		{"unknown policy field", `{"policies": [{"name": "p", "burst": 3}], "urls": []}`, `policies[0]: unknown field "burst"`},
		{"policy without name", `{"policies": [{"limitForPeriod": 3}], "urls": []}`, `policies[0]: required field "name" is missing`},
		{"zero limit", `{"policies": [{"name": "p", "limitForPeriod": 0}], "urls": []}`, `policies[0].limitForPeriod`},
		{"huge limit", `{"policies": [{"name": "p", "limitForPeriod": 2000000}], "urls": []}`, `policies[0].limitForPeriod`},
		{"bare number duration", `{"policies": [{"name": "p", "limitRefreshPeriod": 10}], "urls": []}`, `policies[0].limitRefreshPeriod`},
		{"bad duration", `{"policies": [{"name": "p", "timeoutDuration": "soon"}], "urls": []}`, `policies[0].timeoutDuration: must be a duration`},
		{"tiny period", `{"policies": [{"name": "p", "limitRefreshPeriod": "10us"}], "urls": []}`, `policies[0].limitRefreshPeriod: must be at least 1ms`},
		{"zero period", `{"policies": [{"name": "p", "limitRefreshPeriod": "0s"}], "urls": []}`, `policies[0].limitRefreshPeriod: must be at least 1ms`},
		{"negative timeout", `{"policies": [{"name": "p", "timeoutDuration": "-1s"}], "urls": []}`, `policies[0].timeoutDuration: must be between 0s and 1m0s`},
		{"duplicate policy", `{"policies": [{"name": "p"}, {"name": "p"}], "urls": []}`, `policies[1].name: policy "p" is defined twice`},
		{"undefined default", `{"policies": [{"name": "p"}], "defaultPolicyRef": "q", "urls": []}`, `defaultPolicyRef: policy "q" is not defined`},
		{"undefined ref", `{"policies": [{"name": "p"}], "urls": [{"url": {"prefix": "/"}, "policyRef": "p"}, {"url": {"prefix": "/"}, "policyRef": "x"}]}`, `urls[1].policyRef: policy "x" is not defined`},
		{"no ref at all", `{"policies": [{"name": "p"}], "urls": [{"url": {"prefix": "/"}}]}`, `urls[0].policyRef: is required when there is no defaultPolicyRef`},
		{"missing url", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"methods": ["GET"]}]}`, `urls[0]: required field "url" is missing`},
		{"empty url matcher", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {}}]}`, `urls[0].url: set at least one`},
		{"bad regex", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {"regex": "("}}]}`, `urls[0].url.regex: invalid regular expression`},
		{"lower-case method", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"methods": ["get"], "url": {"prefix": "/"}}]}`, `urls[0].methods[0]: "get" is not a standard upper-case method`},
		{"empty perKey", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {}}]}`, `urls[0].perKey: set header or clientIP`},
		{"both keys", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {"header": "X-K", "clientIP": true}}]}`, `urls[0].perKey: header and clientIP cannot both be set`},
		{"bad key header", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {"header": "X K"}}]}`, `urls[0].perKey.header: "X K" is not a valid header name`},
		{"zero maxKeys", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {"clientIP": true, "maxKeys": 0}}]}`, `urls[0].perKey.maxKeys`},
		{"unknown perKey field", `{"policies": [{"name": "p"}], "defaultPolicyRef": "p", "urls": [{"url": {"prefix": "/"}, "perKey": {"cookie": "sid"}}]}`, `urls[0].perKey: unknown field "cookie"`},
	})
}
