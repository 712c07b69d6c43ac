package fallback

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"mockCode": 503, "mockHeaders": {"Retry-After": "30", "Content-Type": "application/json"}, "mockBody": "{\"error\":\"unavailable\"}"}`).(*Spec)
	if s.MockCode != 503 || s.MockHeaders["Retry-After"] != "30" || s.MockBody != `{"error":"unavailable"}` {
		t.Fatalf("decoded %+v", s)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing code", `{"mockBody": "x"}`, `required field "mockCode" is missing`},
		{"code too small", `{"mockCode": 99}`, `mockCode`},
		{"code too large", `{"mockCode": 600}`, `mockCode`},
		{"code type", `{"mockCode": "503"}`, `mockCode`},
		{"bad header name", `{"mockCode": 503, "mockHeaders": {"Bad Name": "1"}}`, `mockHeaders: "Bad Name" is not a valid header name`},
		{"bad header value", `{"mockCode": 503, "mockHeaders": {"X-A": "a\r\nb"}}`, `mockHeaders.X-A: header value must not contain CR, LF or NUL`},
		{"unknown field", `{"mockCode": 503, "mockStatus": 1}`, `unknown field "mockStatus"`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*Fallback).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
