package redirector

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"match": "^/item/([0-9]+)$", "matchPart": "path", "replacement": "/items/$1", "statusCode": 308}`).(*Spec)
	if s.Match != "^/item/([0-9]+)$" || s.MatchPart != PartPath || s.Replacement != "/items/$1" || s.StatusCode != 308 {
		t.Fatalf("decoded %+v", s)
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
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing match", `{"replacement": "/b"}`, `required field "match" is missing`},
		{"missing replacement", `{"match": "^/a"}`, `required field "replacement" is missing`},
		{"empty match", `{"match": "", "replacement": "/b"}`, `match`},
		{"bad regexp", `{"match": "(", "replacement": "/b"}`, `match: invalid regular expression`},
		{"bad part", `{"match": "a", "replacement": "b", "matchPart": "query"}`, `matchPart`},
		{"bad status", `{"match": "a", "replacement": "b", "statusCode": 300}`, `statusCode`},
		{"status type", `{"match": "a", "replacement": "b", "statusCode": "301"}`, `statusCode`},
		{"header injection", `{"match": "a", "replacement": "b\r\nSet-Cookie: x=1"}`, `replacement: must not contain CR, LF or NUL`},
		{"unknown field", `{"match": "a", "replacement": "b", "code": 301}`, `unknown field "code"`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*Redirector).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
