package ipfilter

import (
	"fmt"
	"net/netip"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/internal/netaddr"
	"github.com/valyala/fasthttp"
)

// KindName is the IPFilter filter's kind name.
const KindName = "IPFilter"

// ResultForbidden is returned, with a 403 response, for a blocked client.
const ResultForbidden = "forbidden"

// Kind is the IPFilter filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "IPFilter answers 403 to clients whose address the allow and block lists refuse.",
	Results:     []string{ResultForbidden},
	DefaultSpec: func() any { return &Spec{} },
	New:         newIPFilter,
}

func init() { filter.Register(Kind) }

// IPFilter is a running IPFilter filter.
type IPFilter struct {
	filter.Base
	c       compiled
	err     error
	allowed atomic.Uint64
	blocked atomic.Uint64
}

var _ filter.Filter = (*IPFilter)(nil)

// Status is what the admin API shows of an IPFilter.
type Status struct {
	// Allowed counts the requests let through.
	Allowed uint64 `json:"allowed"`
	// Blocked counts the requests answered 403.
	Blocked uint64 `json:"blocked"`
}

func newIPFilter(spec *filter.Spec) filter.Filter {
	f := &IPFilter{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		f.err = fmt.Errorf("ipfilter: spec body is %T, want *ipfilter.Spec", spec.Body)
		return f
	}
	f.c, f.err = s.compile()
	return f
}

// Validate reports a spec the filter could not be built from.
func (f *IPFilter) Validate() error { return f.err }

// Init reports a spec the filter could not be built from.
func (f *IPFilter) Init() error { return f.err }

// Inherit is Init; the counters start again.
func (f *IPFilter) Inherit(filter.Filter) error { return f.Init() }

// Status returns the counters.
func (f *IPFilter) Status() any {
	return Status{Allowed: f.allowed.Load(), Blocked: f.blocked.Load()}
}

// Handle lets an allowed client go on, and answers 403 with
// ResultForbidden to a blocked one.
func (f *IPFilter) Handle(ctx *filter.Context) string {
	ip, ok := f.clientIP(ctx)
	if f.c.verdict.Allows(ip, ok) {
		f.allowed.Add(1)
		return ""
	}
	f.blocked.Add(1)
	ctx.NewResponse().SetStatusCode(fasthttp.StatusForbidden)
	return ResultForbidden
}

// clientIP is the connection's peer, or the client a trusted proxy
// names; for a request without a connection, its recorded real IP.
func (f *IPFilter) clientIP(ctx *filter.Context) (netip.Addr, bool) {
	var peer netip.Addr
	if s := ctx.Server(); s != nil {
		if a, ok := netip.AddrFromSlice(s.RemoteIP()); ok {
			peer = a.Unmap()
		}
	} else if req := ctx.Request(); req.Valid() {
		peer, _ = netaddr.ParseIP(req.RealIPBytes())
	}
	if len(f.c.trusted) > 0 {
		if req := ctx.Request(); req.Valid() {
			h := &req.Header
			peer = netaddr.ClientIP(peer, f.c.trusted, h.Peek(fasthttp.HeaderXForwardedFor), h.Peek("X-Real-Ip"))
		}
	}
	return peer, peer.IsValid()
}
