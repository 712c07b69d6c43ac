package mock

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{"rules": [
	{"match": {"path": "/exact", "pathPrefix": "/v1/", "matchAllHeaders": true,
	           "headers": {"X-Env": {"exact": "prod", "prefix": "pr", "regex": "^p"}, "X-Debug": {"empty": true}}},
	 "code": 201, "headers": {"Content-Type": "text/plain", "X-Mock": "1"}, "body": "pong", "delay": "20ms"},
	{"code": 404}
]}`

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), fullSpec).(*Spec)
	if len(s.Rules) != 2 || s.Rules[0].Delay.D() != 20*time.Millisecond || s.Rules[0].Match.Headers["X-Debug"].Empty != true ||
		s.Rules[1].Code != 404 || s.Rules[0].Match.PathPrefix != "/v1/" {
		t.Fatalf("decoded %+v", s)
	}
	// rules: [] is allowed and survives the round trip.
	empty, err := filtertest.Decode(Kind, `{"rules": []}`)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(empty)
	if _, err := filtertest.Decode(Kind, string(js)); err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing rules", `{}`, `required field "rules" is missing`},
		{"missing code", `{"rules": [{"body": "x"}]}`, `rules[0]: required field "code" is missing`},
		{"unknown field", `{"rules": [{"code": 200, "status": 1}]}`, `rules[0]: unknown field "status"`},
		{"unknown match field", `{"rules": [{"code": 200, "match": {"method": "GET"}}]}`, `rules[0].match: unknown field "method"`},
		{"unknown top-level field", `{"rules": [], "rule": []}`, `unknown field "rule"`},
		{"wrong type code", `{"rules": [{"code": "200"}]}`, `rules[0].code`},
		{"wrong type rules", `{"rules": {}}`, `rules`},
		{"code out of range", `{"rules": [{"code": 99}]}`, `rules[0].code`},
		{"bad delay", `{"rules": [{"code": 200, "delay": "5"}]}`, `rules[0].delay: must be a duration`},
		{"negative delay", `{"rules": [{"code": 200, "delay": "-1s"}]}`, `rules[0].delay: must not be negative`},
		{"delay too long", `{"rules": [{"code": 200, "delay": "1h"}]}`, `rules[0].delay: must be at most 5m0s`},
		{"path pattern", `{"rules": [{"code": 200, "match": {"path": "x"}}]}`, `rules[0].match.path`},
		{"prefix pattern", `{"rules": [{"code": 200, "match": {"pathPrefix": "x"}}]}`, `rules[0].match.pathPrefix`},
		{"empty matcher", `{"rules": [{"code": 200}, {"code": 200, "match": {"headers": {"X-A": {}}}}]}`, `rules[1].match.headers.X-A: set at least one`},
		{"empty with exact", `{"rules": [{"code": 200, "match": {"headers": {"X-A": {"empty": true, "exact": "a"}}}}]}`, `rules[0].match.headers.X-A: empty cannot be combined`},
		{"bad regex", `{"rules": [{"code": 200, "match": {"headers": {"X-A": {"regex": "("}}}}]}`, `rules[0].match.headers.X-A.regex: invalid regular expression`},
		{"bad reply header name", `{"rules": [{"code": 200, "headers": {"Bad Name": "1"}}]}`, `rules[0].headers: "Bad Name" is not a valid header name`},
		{"bad reply header value", `{"rules": [{"code": 200, "headers": {"X-A": "a\r\nb"}}]}`, `rules[0].headers.X-A: header value`},
	})
}
