package redirector

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	body, err := filtertest.Decode(Kind, `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1", "statusCode": 308}`)
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	if s.Match != "^/item/([0-9]+)$" || s.MatchPart != PartPath || s.Replacement != "/items/$1" || s.StatusCode != 308 {
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
	def, err := filtertest.Decode(Kind, `{"match": "^/a$", "replacement": "/b"}`)
	if err != nil {
		t.Fatal(err)
	}
	if d := def.(*Spec); d.MatchPart != PartURI || d.StatusCode != 301 {
		t.Fatalf("defaults %+v", d)
	}
}

func TestSpecInvalid(t *testing.T) {
	for _, tc := range []struct{ name, spec, want string }{
		{"missing match", `{"replacement": "/b"}`, `required field "match" is missing`},
		{"missing replacement", `{"match": "^/a"}`, `required field "replacement" is missing`},
		{"empty match", `{"match": "", "replacement": "/b"}`, `match`},
		{"bad regexp", `{"match": "(", "replacement": "/b"}`, `match: invalid regular expression`},
		{"bad part", `{"match": "a", "replacement": "b", "matchPart": "query"}`, `matchPart`},
		{"bad status", `{"match": "a", "replacement": "b", "statusCode": 300}`, `statusCode`},
		{"status type", `{"match": "a", "replacement": "b", "statusCode": "301"}`, `statusCode`},
		{"header injection", `{"match": "a", "replacement": "b\r\nSet-Cookie: x=1"}`, `replacement: must not contain CR, LF or NUL`},
		{"unknown field", `{"match": "a", "replacement": "b", "code": 301}`, `unknown field "code"`},
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
	if f.Init() == nil || f.Inherit(f) == nil || f.(*Redirector).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
