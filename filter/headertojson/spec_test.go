package headertojson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	body, err := filtertest.Decode(Kind, `{"headerMap": [{"header": "X-User-Id", "json": "userId"}, {"header": "X-Tenant", "json": "tenant"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	if len(s.HeaderMap) != 2 || s.HeaderMap[0] != (HeaderMap{Header: "X-User-Id", JSON: "userId"}) {
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
		{"missing map", `{}`, `required field "headerMap" is missing`},
		{"empty map", `{"headerMap": []}`, `headerMap`},
		{"missing json", `{"headerMap": [{"header": "X-A"}]}`, `headerMap[0]: required field "json" is missing`},
		{"missing header", `{"headerMap": [{"json": "a"}]}`, `headerMap[0]: required field "header" is missing`},
		{"bad header", `{"headerMap": [{"header": "X-A", "json": "a"}, {"header": "X A", "json": "b"}]}`, `headerMap[1].header: "X A" is not a valid header name`},
		{"field twice", `{"headerMap": [{"header": "X-A", "json": "a"}, {"header": "X-B", "json": "a"}]}`, `headerMap[1].json: "a" is already written by headerMap[0]`},
		{"unknown field", `{"headerMap": [{"header": "X-A", "json": "a", "type": "int"}]}`, `headerMap[0]: unknown field "type"`},
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
	if f.Init() == nil || f.Inherit(f) == nil || f.(*HeaderToJSON).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
