package netaddr

import (
	"net/netip"
	"testing"
)

// FuzzParseIPv4 checks the allocation-free IPv4 parser against netip.
func FuzzParseIPv4(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "255.255.255.255", "01.2.3.4", "1.2.3", "1.2.3.4.", "", "::1", "1.2.3.256"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseIPv4([]byte(s))
		want, err := netip.ParseAddr(s)
		wantOK := err == nil && want.Is4()
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("parseIPv4(%q) = %v %v; netip: %v %v", s, got, ok, want, err)
		}
	})
}
