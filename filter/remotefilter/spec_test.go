package remotefilter

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"url": "http://127.0.0.1:7400/decide?v=1", "timeout": "300ms"}`).(*Spec)
	if s.URL != "http://127.0.0.1:7400/decide?v=1" || s.timeout() != 300*time.Millisecond {
		t.Fatalf("decoded %+v", s)
	}
	s = filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"url": "https://hooks.example"}`).(*Spec)
	if s.timeout() != DefaultTimeout {
		t.Fatalf("no timeout must mean %v, got %v", DefaultTimeout, s.timeout())
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing url", `{}`, `required field "url" is missing`},
		{"empty url", `{"url": ""}`, `url`},
		{"ftp", `{"url": "ftp://h/x"}`, `url: scheme must be http or https`},
		{"no scheme", `{"url": "127.0.0.1:7400/x"}`, `url`},
		{"no host", `{"url": "http:///decide"}`, `url: host is missing`},
		{"user info", `{"url": "http://u:p@h/x"}`, `url: user info is not allowed`},
		{"fragment", `{"url": "http://h/x#f"}`, `url: fragment is not allowed`},
		{"port", `{"url": "http://h:70000/x"}`, `url: port must be 1-65535`},
		{"negative timeout", `{"url": "http://h/x", "timeout": "-1s"}`, `timeout: must not be negative`},
		{"bare number timeout", `{"url": "http://h/x", "timeout": 5}`, `timeout`},
		{"unknown field", `{"url": "http://h/x", "timeOut": "1s"}`, `unknown field "timeOut"`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil {
		t.Fatal("a foreign spec body must fail Init and Inherit")
	}
}
