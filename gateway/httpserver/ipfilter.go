package httpserver

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gatewright/gatewright/registry"
)

// ipFilter is a compiled IPFilterSpec. A nil *ipFilter allows everything.
type ipFilter struct {
	allow          []netip.Prefix
	block          []netip.Prefix
	blockByDefault bool
}

// compileIPFilter parses the lists of spec; path names the spec in errors.
func compileIPFilter(spec *IPFilterSpec, path string, errs *registry.FieldErrors) *ipFilter {
	if spec == nil {
		return nil
	}
	f := &ipFilter{blockByDefault: spec.BlockByDefault}
	f.allow = parsePrefixes(spec.AllowIPs, path+".allowIPs", errs)
	f.block = parsePrefixes(spec.BlockIPs, path+".blockIPs", errs)
	return f
}

func parsePrefixes(list []string, path string, errs *registry.FieldErrors) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(list))
	for i, s := range list {
		p, err := parsePrefix(s)
		if err != nil {
			*errs = append(*errs, registry.FieldError{Path: fmt.Sprintf("%s[%d]", path, i), Reason: err.Error()})
			continue
		}
		out = append(out, p)
	}
	return out
}

// parsePrefix accepts an IP address (a single-address prefix) or a CIDR.
// IPv4-mapped IPv6 forms are turned into IPv4 so that they compare with
// the unmapped client addresses.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR", s)
	}
	if a := p.Addr(); a.Is4In6() {
		bits := p.Bits() - 96
		if bits < 0 {
			return netip.Prefix{}, fmt.Errorf("%q: an IPv4-mapped prefix needs at least 96 bits", s)
		}
		p = netip.PrefixFrom(a.Unmap(), bits)
	}
	return p.Masked(), nil
}

// allows reports the verdict for a client address. ok is false when the
// client address could not be parsed; the default verdict applies then.
func (f *ipFilter) allows(ip netip.Addr, ok bool) bool {
	if f == nil {
		return true
	}
	def := !f.blockByDefault
	if !ok {
		return def
	}
	allowed := containsAddr(f.allow, ip)
	if len(f.allow) > 0 && !allowed {
		return false
	}
	blocked := containsAddr(f.block, ip)
	switch {
	case allowed && blocked:
		return def
	case allowed:
		return true
	case blocked:
		return false
	}
	return def
}

func containsAddr(list []netip.Prefix, ip netip.Addr) bool {
	for i := range list {
		if list[i].Contains(ip) {
			return true
		}
	}
	return false
}
