package httpserver

import (
	"net/netip"

	"github.com/gatewright/gatewright/internal/netaddr"
	"github.com/gatewright/gatewright/registry"
)

// ipFilter is a compiled IPFilterSpec. A nil *ipFilter allows everything.
type ipFilter struct {
	verdict netaddr.Verdict
}

// compileIPFilter parses the lists of spec; path names the spec in errors.
func compileIPFilter(spec *IPFilterSpec, path string, errs *registry.FieldErrors) *ipFilter {
	if spec == nil {
		return nil
	}
	return &ipFilter{verdict: netaddr.Verdict{
		Allow:          netaddr.ParseList(spec.AllowIPs, path+".allowIPs", errs),
		Block:          netaddr.ParseList(spec.BlockIPs, path+".blockIPs", errs),
		BlockByDefault: spec.BlockByDefault,
	}}
}

// allows reports the verdict for a client address. ok is false when the
// client address could not be parsed; the default verdict applies then.
func (f *ipFilter) allows(ip netip.Addr, ok bool) bool {
	if f == nil {
		return true
	}
	return f.verdict.Allows(ip, ok)
}
