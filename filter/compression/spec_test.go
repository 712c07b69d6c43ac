package compression

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"minLength": 0, "contentTypes": ["text/*", "application/json"], "encodings": ["gzip", "br"], "gzipLevel": 9, "brotliLevel": 0}`).(*Spec)
	if s.MinLength != 0 || len(s.ContentTypes) != 2 || s.Encodings[0] != "gzip" || s.GzipLevel != 9 || s.BrotliLevel != 0 {
		t.Fatalf("decoded %+v", s)
	}
	def, err := filtertest.Decode(Kind, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	if d := def.(*Spec); d.MinLength != DefaultMinLength || d.GzipLevel != DefaultGzipLevel || d.BrotliLevel != DefaultBrotliLevel {
		t.Fatalf("defaults %+v", d)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"unknown encoding", `{"encodings": ["br", "deflate"]}`, `encodings[1]: "deflate" is not a supported encoding`},
		{"encoding twice", `{"encodings": ["br", "br"]}`, `encodings`},
		{"two stars", `{"contentTypes": ["text/*", "*/*+*"]}`, `contentTypes[1]: "*/*+*": at most one '*' is allowed`},
		{"gzip level", `{"gzipLevel": 0}`, `gzipLevel`},
		{"brotli level", `{"brotliLevel": 11}`, `brotliLevel`},
		{"negative length", `{"minLength": -5}`, `minLength`},
		{"length type", `{"minLength": "1k"}`, `minLength`},
		{"unknown field", `{"level": 5}`, `unknown field "level"`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*Filter).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
	if st, ok := f.Status().(Stats); !ok || st != (Stats{}) {
		t.Fatalf("status %#v", f.Status())
	}
}
