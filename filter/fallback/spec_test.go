package fallback

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	body, err := filtertest.Decode(Kind, `{"mockCode": 503, "mockHeaders": {"Retry-After": "30", "Content-Type": "application/json"}, "mockBody": "{\"error\":\"unavailable\"}"}`)
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	if s.MockCode != 503 || s.MockHeaders["Retry-After"] != "30" || s.MockBody != `{"error":"unavailable"}` {
		t.Fatalf("decoded %+v", s)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := filtertest.Decode(Kind, string(js))
	if err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("round trip changed the spec:\n%+v\n%+v", s, again)
	}
}

func TestSpecInvalid(t *testing.T) {
	for _, tc := range []struct{ name, spec, want string }{
		{"missing code", `{"mockBody": "x"}`, `required field "mockCode" is missing`},
		{"code too small", `{"mockCode": 99}`, `mockCode`},
		{"code too large", `{"mockCode": 600}`, `mockCode`},
		{"code type", `{"mockCode": "503"}`, `mockCode`},
		{"bad header name", `{"mockCode": 503, "mockHeaders": {"Bad Name": "1"}}`, `mockHeaders: "Bad Name" is not a valid header name`},
		{"bad header value", `{"mockCode": 503, "mockHeaders": {"X-A": "a\r\nb"}}`, `mockHeaders.X-A: header value must not contain CR, LF or NUL`},
		{"unknown field", `{"mockCode": 503, "mockStatus": 1}`, `unknown field "mockStatus"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := filtertest.Decode(Kind, tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*Fallback).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
