package ipfilter

import (
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"allowIPs": ["10.0.0.0/8", "192.168.1.7"], "blockIPs": ["10.66.0.0/16"],
		"blockByDefault": true, "trustedProxies": ["127.0.0.1", "::1"]}`).(*Spec)
	if len(s.AllowIPs) != 2 || s.BlockIPs[0] != "10.66.0.0/16" || !s.BlockByDefault || len(s.TrustedProxies) != 2 {
		t.Fatalf("decoded %+v", s)
	}
	if _, err := filtertest.Decode(Kind, `{}`); err != nil {
		t.Fatalf("an empty spec allows everything and is valid: %v", err)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"bad allow entry", `{"allowIPs": ["10.0.0.1", "ten"]}`, `allowIPs[1]: "ten" is not an IP address or CIDR`},
		{"bad block cidr", `{"blockIPs": ["10.0.0.0/33"]}`, `blockIPs[0]: "10.0.0.0/33" is not an IP address or CIDR`},
		{"bad proxy", `{"trustedProxies": ["lb"]}`, `trustedProxies[0]`},
		{"every error", `{"allowIPs": ["x"], "blockIPs": ["y"]}`, `allowIPs[0]: "x" is not an IP address or CIDR; blockIPs[0]`},
		{"duplicate", `{"allowIPs": ["1.1.1.1", "1.1.1.1"]}`, `allowIPs`},
		{"unknown field", `{"allowIps": ["1.1.1.1"]}`, `unknown field "allowIps"`},
		{"wrong type", `{"blockByDefault": "yes"}`, `blockByDefault`},
	})
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*IPFilter).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
}
