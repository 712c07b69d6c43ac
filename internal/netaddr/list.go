package netaddr

import (
	"net/netip"
	"strconv"

	"github.com/gatewright/gatewright/registry"
)

// List is a set of prefixes.
type List []netip.Prefix

// ParseList parses IPs and CIDRs; each bad entry is reported in errs as
// path[i].
func ParseList(entries []string, path string, errs *registry.FieldErrors) List {
	out := make(List, 0, len(entries))
	for i, s := range entries {
		p, err := ParsePrefix(s)
		if err != nil {
			*errs = append(*errs, registry.FieldError{Path: path + "[" + strconv.Itoa(i) + "]", Reason: err.Error()})
			continue
		}
		out = append(out, p)
	}
	return out
}

// Contains reports whether any prefix holds ip.
func (l List) Contains(ip netip.Addr) bool {
	for i := range l {
		if l[i].Contains(ip) {
			return true
		}
	}
	return false
}

// Verdict is an allow list, a block list and a default, as Easegress's
// IPFilter: with a non-empty allow list, addresses outside it are
// blocked; an address in the allow list only is allowed, in the block list
// only is blocked, and in both or neither gets the default (allowed
// unless BlockByDefault).
type Verdict struct {
	Allow          List
	Block          List
	BlockByDefault bool
}

// Allows returns the verdict for ip; when ok is false (no usable address)
// the default applies.
func (v *Verdict) Allows(ip netip.Addr, ok bool) bool {
	def := !v.BlockByDefault
	if !ok {
		return def
	}
	allowed := v.Allow.Contains(ip)
	if len(v.Allow) > 0 && !allowed {
		return false
	}
	blocked := v.Block.Contains(ip)
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
