package headertojson

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"headerMap": [{"header": "X-User-Id", "json": "userId"}, {"header": "X-Tenant", "json": "tenant"}]}`).(*Spec)
	if len(s.HeaderMap) != 2 || s.HeaderMap[0] != (HeaderMap{Header: "X-User-Id", JSON: "userId"}) {
		t.Fatalf("decoded %+v", s)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing map", `{}`, `required field "headerMap" is missing`},
		{"empty map", `{"headerMap": []}`, `headerMap`},
		{"missing json", `{"headerMap": [{"header": "X-A"}]}`, `headerMap[0]: required field "json" is missing`},
		{"missing header", `{"headerMap": [{"json": "a"}]}`, `headerMap[0]: required field "header" is missing`},
		{"bad header", `{"headerMap": [{"header": "X-A", "json": "a"}, {"header": "X A", "json": "b"}]}`, `headerMap[1].header: "X A" is not a valid header name`},
		{"field twice", `{"headerMap": [{"header": "X-A", "json": "a"}, {"header": "X-B", "json": "a"}]}`, `headerMap[1].json: "a" is already written by headerMap[0]`},
		{"unknown field", `{"headerMap": [{"header": "X-A", "json": "a", "type": "int"}]}`, `headerMap[0]: unknown field "type"`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*HeaderToJSON).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
