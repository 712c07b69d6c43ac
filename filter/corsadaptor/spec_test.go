package corsadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"allowedOrigins": ["https://*.shop.example", "https://admin.example"],
		"allowedMethods": ["GET", "PUT"], "allowedHeaders": ["Authorization", "*"], "allowCredentials": true,
		"exposedHeaders": ["X-Request-Id"], "maxAge": 600}`).(*Spec)
	if len(s.AllowedOrigins) != 2 || s.AllowedMethods[1] != "PUT" || s.AllowedHeaders[1] != "*" || !s.AllowCredentials ||
		s.ExposedHeaders[0] != "X-Request-Id" || s.MaxAge != 600 {
		t.Fatalf("decoded %+v", s)
	}
	if _, err := filtertest.Decode(Kind, `{}`); err != nil {
		t.Fatalf("every field is optional: %v", err)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"two wildcards", `{"allowedOrigins": ["https://a.example", "https://*.*.example"]}`, `allowedOrigins[1]: "https://*.*.example": at most one '*' is allowed`},
		{"bad method", `{"allowedMethods": ["GET", "PO ST"]}`, `allowedMethods[1]: "PO ST" is not a method name`},
		{"bad header", `{"allowedHeaders": ["X-Ok", "bad:name"]}`, `allowedHeaders[1]: "bad:name" is not a header name`},
		{"bad exposed", `{"exposedHeaders": ["X-A", "x y"]}`, `exposedHeaders[1]: "x y" is not a header name`},
		{"negative max age", `{"maxAge": -1}`, `maxAge`},
		{"max age type", `{"maxAge": "10m"}`, `maxAge`},
		{"unknown field", `{"allowOrigins": ["*"]}`, `unknown field "allowOrigins"`},
		{"every error", `{"allowedMethods": ["a b"], "allowedHeaders": ["c d"]}`, `allowedMethods[0]: "a b" is not a method name; allowedHeaders[0]`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*CORSAdaptor).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
