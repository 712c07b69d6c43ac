package certextractor

import (
	"encoding/json"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"certIndex": -1, "target": "issuer", "field": "OrganizationalUnit", "headerKey": "X-Issuer-OU"}`).(*Spec)
	if s.CertIndex != -1 || s.Target != TargetIssuer || s.Field != "OrganizationalUnit" || s.HeaderKey != "X-Issuer-OU" {
		t.Fatalf("decoded %+v", s)
	}
	// certIndex 0 survives the round trip: it is required.
	zero, err := filtertest.Decode(Kind, `{"certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X-CN"}`)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(zero)
	if _, err := filtertest.Decode(Kind, string(js)); err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
}

func TestSpecInvalid(t *testing.T) {
	const ok = `"certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X-CN"`
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing index", `{"target": "subject", "field": "CommonName", "headerKey": "X-CN"}`, `required field "certIndex" is missing`},
		{"missing target", `{"certIndex": 0, "field": "CommonName", "headerKey": "X-CN"}`, `required field "target" is missing`},
		{"missing field", `{"certIndex": 0, "target": "subject", "headerKey": "X-CN"}`, `required field "field" is missing`},
		{"missing header", `{"certIndex": 0, "target": "subject", "field": "CommonName"}`, `required field "headerKey" is missing`},
		{"bad target", `{"certIndex": 0, "target": "Subject", "field": "CommonName", "headerKey": "X-CN"}`, `target`},
		{"bad field", `{"certIndex": 0, "target": "subject", "field": "commonName", "headerKey": "X-CN"}`, `field`},
		{"index too large", `{"certIndex": 40000, "target": "subject", "field": "CommonName", "headerKey": "X-CN"}`, `certIndex`},
		{"bad header", `{"certIndex": 0, "target": "subject", "field": "CommonName", "headerKey": "X CN"}`, `headerKey: "X CN" is not a valid header name`},
		{"unknown field", `{` + ok + `, "headerValue": "x"}`, `unknown field "headerValue"`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*CertExtractor).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
