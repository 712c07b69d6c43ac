package ipfilter

import (
	"github.com/gatewright/gatewright/internal/netaddr"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the IPFilter filter's own fields.
type Spec struct {
	// AllowIPs are IPs or CIDRs; when not empty, other addresses are
	// blocked.
	AllowIPs []string `json:"allowIPs,omitempty" jsonschema:"uniqueItems=true,description=IPs or CIDRs allowed; when not empty other addresses are blocked"`
	// BlockIPs are IPs or CIDRs that are blocked.
	BlockIPs []string `json:"blockIPs,omitempty" jsonschema:"uniqueItems=true,description=IPs or CIDRs blocked"`
	// BlockByDefault is the verdict for addresses in neither list or in
	// both.
	BlockByDefault bool `json:"blockByDefault,omitempty" jsonschema:"description=block addresses in neither list or in both"`
	// TrustedProxies are IPs or CIDRs of proxies whose X-Forwarded-For and
	// X-Real-IP headers are believed (gatewright addition).
	TrustedProxies []string `json:"trustedProxies,omitempty" jsonschema:"uniqueItems=true,description=IPs or CIDRs of proxies whose X-Forwarded-For and X-Real-IP are believed"`
}

// compiled is a parsed Spec.
type compiled struct {
	verdict netaddr.Verdict
	trusted netaddr.List
}

// compile parses every list, reporting each bad entry with its path.
func (s *Spec) compile() (compiled, error) {
	var errs registry.FieldErrors
	c := compiled{
		verdict: netaddr.Verdict{
			Allow:          netaddr.ParseList(s.AllowIPs, "allowIPs", &errs),
			Block:          netaddr.ParseList(s.BlockIPs, "blockIPs", &errs),
			BlockByDefault: s.BlockByDefault,
		},
		trusted: netaddr.ParseList(s.TrustedProxies, "trustedProxies", &errs),
	}
	if len(errs) > 0 {
		return compiled{}, errs
	}
	return c, nil
}

// Validate checks that every entry is an IP or a CIDR.
func (s *Spec) Validate() error {
	_, err := s.compile()
	return err
}
