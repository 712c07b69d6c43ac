package netaddr

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

func TestParseIP(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"1.2.3.4", "1.2.3.4"},
		{" 10.0.0.1 ", "10.0.0.1"},
		{"1.2.3.4:8080", "1.2.3.4"},
		{"::1", "::1"},
		{"[::1]:80", "::1"},
		{"::ffff:1.2.3.4", "1.2.3.4"},
		{"2001:db8::7", "2001:db8::7"},
		{"01.2.3.4", ""},
		{"1.2.3", ""},
		{"1.2.3.256", ""},
		{"unknown", ""},
		{"", ""},
		{"[::1", ""},
	} {
		a, ok := ParseIP([]byte(tc.in))
		got := ""
		if ok {
			got = a.String()
		}
		if got != tc.want {
			t.Errorf("ParseIP(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseIP([]byte("192.168.10.20")) }); n != 0 {
		t.Errorf("IPv4 parsing allocates %v", n)
	}
}

func TestParseList(t *testing.T) {
	var errs registry.FieldErrors
	l := ParseList([]string{"10.0.0.0/8", "192.168.1.1", "::ffff:172.16.0.0/108", "2001:db8::/32", "nope", "1.2.3.4/40", "::ffff:0:0/90"}, "allowIPs", &errs)
	if len(l) != 4 {
		t.Fatalf("parsed %v", l)
	}
	if len(errs) != 3 || errs[0].Path != "allowIPs[4]" || errs[1].Path != "allowIPs[5]" ||
		!strings.Contains(errs[2].Reason, "at least 96 bits") {
		t.Fatalf("errors %v", errs)
	}
	for ip, want := range map[string]bool{"10.9.8.7": true, "192.168.1.1": true, "192.168.1.2": false,
		"172.16.5.5": true, "172.32.0.1": false, "2001:db8::1": true, "2001:db9::1": false} {
		if got := l.Contains(netip.MustParseAddr(ip)); got != want {
			t.Errorf("%s: %v, want %v", ip, got, want)
		}
	}
}

func TestVerdict(t *testing.T) {
	var errs registry.FieldErrors
	v := Verdict{
		Allow: ParseList([]string{"10.0.0.0/8"}, "a", &errs),
		Block: ParseList([]string{"10.1.0.0/16", "192.168.0.0/16"}, "b", &errs),
	}
	check := func(name string, v *Verdict, ip string, ok, want bool) {
		t.Helper()
		a := netip.Addr{}
		if ok {
			a = netip.MustParseAddr(ip)
		}
		if got := v.Allows(a, ok); got != want {
			t.Errorf("%s %s: %v, want %v", name, ip, got, want)
		}
	}
	check("allowed only", &v, "10.2.3.4", true, true)
	check("in both, default allow", &v, "10.1.2.3", true, true)
	check("outside allow list", &v, "11.0.0.1", true, false)
	check("blocked, outside allow", &v, "192.168.1.1", true, false)
	check("unknown address", &v, "", false, true)
	v.BlockByDefault = true
	check("in both, default block", &v, "10.1.2.3", true, false)
	check("allowed only, default block", &v, "10.2.3.4", true, true)
	check("unknown address, default block", &v, "", false, false)

	blockOnly := Verdict{Block: v.Block}
	check("block list only, other", &blockOnly, "8.8.8.8", true, true)
	check("block list only, blocked", &blockOnly, "192.168.7.7", true, false)
	blockOnly.BlockByDefault = true
	check("neither, default block", &blockOnly, "8.8.8.8", true, false)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
}

func TestClientIP(t *testing.T) {
	var errs registry.FieldErrors
	trusted := ParseList([]string{"10.0.0.0/8", "127.0.0.1"}, "t", &errs)
	peerTrusted := netip.MustParseAddr("10.0.0.5")
	peerOther := netip.MustParseAddr("203.0.113.9")
	for _, tc := range []struct {
		name     string
		peer     netip.Addr
		trusted  List
		xff, xri string
		want     string
	}{
		{"no trust: headers ignored", peerTrusted, nil, "1.1.1.1", "2.2.2.2", "10.0.0.5"},
		{"untrusted peer: headers ignored", peerOther, trusted, "1.1.1.1", "2.2.2.2", "203.0.113.9"},
		{"trusted peer: last untrusted entry", peerTrusted, trusted, "6.6.6.6, 1.1.1.1, 10.0.0.7", "", "1.1.1.1"},
		{"spoofed first entry is skipped", peerTrusted, trusted, "6.6.6.6,1.1.1.1", "", "1.1.1.1"},
		{"all trusted: first entry", peerTrusted, trusted, "10.0.0.8, 127.0.0.1", "", "10.0.0.8"},
		{"garbled entry: peer", peerTrusted, trusted, "1.1.1.1, bogus", "", "10.0.0.5"},
		{"empty entries skipped", peerTrusted, trusted, "1.1.1.1, ,", "", "1.1.1.1"},
		{"x-real-ip without xff", peerTrusted, trusted, "", "[2001:db8::1]:443", "2001:db8::1"},
		{"bad x-real-ip: peer", peerTrusted, trusted, "", "nope", "10.0.0.5"},
		{"nothing: peer", peerTrusted, trusted, "", "", "10.0.0.5"},
	} {
		got := ClientIP(tc.peer, tc.trusted, []byte(tc.xff), []byte(tc.xri))
		if got.String() != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	xff := []byte("6.6.6.6, 1.1.1.1, 10.0.0.7")
	if n := testing.AllocsPerRun(100, func() { ClientIP(peerTrusted, trusted, xff, nil) }); n != 0 {
		t.Errorf("ClientIP allocates %v", n)
	}
}
