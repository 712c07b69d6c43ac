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

// warnForgeableClientIP warns, when the server starts, that its IP filters
// decide on an address any client can choose: without trustedProxies the
// client address comes from X-Forwarded-For or X-Real-IP whoever sent
// them, as in Easegress.
// An update that keeps the condition does not warn again (see Inherit).
func (s *Server) warnForgeableClientIP() {
	if s.snap.forgeableClientIP() {
		s.log.Warn("ipFilter trusts X-Forwarded-For and X-Real-IP from every client, so clients can pick the address it checks; list the proxies in front of this server in trustedProxies")
	}
}

// forgeableClientIP reports whether some IP filter decides on forwarding
// headers that any client may send (no trustedProxies).
func (snap *snapshot) forgeableClientIP() bool {
	return snap.needIP && len(snap.trusted) == 0
}
