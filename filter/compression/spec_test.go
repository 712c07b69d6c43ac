package compression

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	body, err := filtertest.Decode(Kind, `{"minLength": 0, "contentTypes": ["text/*", "application/json"], "encodings": ["gzip", "br"], "gzipLevel": 9, "brotliLevel": 0}`)
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	if s.MinLength != 0 || len(s.ContentTypes) != 2 || s.Encodings[0] != "gzip" || s.GzipLevel != 9 || s.BrotliLevel != 0 {
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
	def, err := filtertest.Decode(Kind, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	if d := def.(*Spec); d.MinLength != DefaultMinLength || d.GzipLevel != DefaultGzipLevel || d.BrotliLevel != DefaultBrotliLevel {
		t.Fatalf("defaults %+v", d)
	}
}

func TestSpecInvalid(t *testing.T) {
	for _, tc := range []struct{ name, spec, want string }{
		{"unknown encoding", `{"encodings": ["br", "deflate"]}`, `encodings[1]: "deflate" is not a supported encoding`},
		{"encoding twice", `{"encodings": ["br", "br"]}`, `encodings`},
		{"two stars", `{"contentTypes": ["text/*", "*/*+*"]}`, `contentTypes[1]: "*/*+*": at most one '*' is allowed`},
		{"gzip level", `{"gzipLevel": 0}`, `gzipLevel`},
		{"brotli level", `{"brotliLevel": 11}`, `brotliLevel`},
		{"negative length", `{"minLength": -5}`, `minLength`},
		{"length type", `{"minLength": "1k"}`, `minLength`},
		{"unknown field", `{"level": 5}`, `unknown field "level"`},
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
	if f.Init() == nil || f.Inherit(f) == nil || f.(*Filter).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
	if st, ok := f.Status().(Stats); !ok || st != (Stats{}) {
		t.Fatalf("status %#v", f.Status())
	}
}
