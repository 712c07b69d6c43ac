package corsadaptor

import (
	"fmt"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// KindName is the CORSAdaptor filter's kind name.
const KindName = "CORSAdaptor"

// Results of the CORSAdaptor filter.
const (
	// ResultPreflighted: a preflight was answered (204).
	ResultPreflighted = "preflighted"
	// ResultRejected: the origin, method or a header is not allowed (403).
	ResultRejected = "rejected"
)

// Kind is the CORSAdaptor filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "CORSAdaptor answers CORS preflights and checks cross-origin requests.",
	Results:     []string{ResultPreflighted, ResultRejected},
	DefaultSpec: func() any { return &Spec{} },
	New:         newCORS,
}

func init() { filter.Register(Kind) }

// Vary values of the replies.
const (
	varyOrigin    = "Origin"
	varyPreflight = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
)

// CORSAdaptor is a running CORSAdaptor filter.
type CORSAdaptor struct {
	filter.Base
	p   policy
	err error

	preflighted atomic.Uint64
	rejected    atomic.Uint64
	allowed     atomic.Uint64
}

var (
	_ filter.Filter   = (*CORSAdaptor)(nil)
	_ filter.Finisher = (*CORSAdaptor)(nil)
)

// Status is what the admin API shows of a CORSAdaptor.
type Status struct {
	// Preflighted counts the preflights answered.
	Preflighted uint64 `json:"preflighted"`
	// Rejected counts the preflights and requests refused.
	Rejected uint64 `json:"rejected"`
	// Allowed counts the cross-origin requests let through.
	Allowed uint64 `json:"allowed"`
}

func newCORS(spec *filter.Spec) filter.Filter {
	c := &CORSAdaptor{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		c.err = fmt.Errorf("corsadaptor: spec body is %T, want *corsadaptor.Spec", spec.Body)
		return c
	}
	if c.err = s.Validate(); c.err == nil {
		c.p = compile(s)
	}
	return c
}

// Validate reports a spec the filter could not be built from.
func (c *CORSAdaptor) Validate() error { return c.err }

// Init reports a spec the filter could not be built from.
func (c *CORSAdaptor) Init() error { return c.err }

// Inherit is Init; the counters start again.
func (c *CORSAdaptor) Inherit(filter.Filter) error { return c.Init() }

// Status returns the counters.
func (c *CORSAdaptor) Status() any {
	return Status{Preflighted: c.preflighted.Load(), Rejected: c.rejected.Load(), Allowed: c.allowed.Load()}
}

// Handle answers preflights, refuses origins that are not allowed and
// lets other requests go on.
func (c *CORSAdaptor) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		return ""
	}
	h := &req.Header
	origin := h.Peek(fasthttp.HeaderOrigin)
	if len(origin) == 0 || sameHost(origin, h.Host()) {
		return ""
	}
	if h.IsOptions() {
		if method := h.Peek(fasthttp.HeaderAccessControlRequestMethod); len(method) > 0 {
			return c.preflight(ctx, origin, method, h.Peek(fasthttp.HeaderAccessControlRequestHeaders))
		}
	}
	if !c.p.originAllowed(origin) {
		return c.reject(ctx.NewResponse(), varyOrigin)
	}
	c.allowed.Add(1)
	ctx.OnFinish(c)
	return ""
}

// preflight answers a preflight request.
func (c *CORSAdaptor) preflight(ctx *filter.Context, origin, method, reqHeaders []byte) string {
	resp := ctx.NewResponse()
	if !c.p.originAllowed(origin) || !c.p.methodAllowed(method) || !c.p.headersAllowed(reqHeaders) {
		return c.reject(resp, varyPreflight)
	}
	c.preflighted.Add(1)
	resp.SetStatusCode(fasthttp.StatusNoContent)
	rh := &resp.Header
	rh.Add(fasthttp.HeaderVary, varyPreflight)
	c.setAllowOrigin(rh, origin)
	rh.SetBytesV(fasthttp.HeaderAccessControlAllowMethods, method)
	if len(reqHeaders) > 0 {
		rh.SetBytesV(fasthttp.HeaderAccessControlAllowHeaders, reqHeaders)
	}
	if c.p.maxAge != nil {
		rh.SetBytesV(fasthttp.HeaderAccessControlMaxAge, c.p.maxAge)
	}
	return ResultPreflighted
}

// reject answers 403 with no CORS headers.
func (c *CORSAdaptor) reject(resp *httpprot.Response, vary string) string {
	c.rejected.Add(1)
	resp.SetStatusCode(fasthttp.StatusForbidden)
	resp.Header.Add(fasthttp.HeaderVary, vary)
	return ResultRejected
}

// setAllowOrigin names the allowed origin: "*" when every origin is
// allowed without credentials, the request's origin otherwise.
func (c *CORSAdaptor) setAllowOrigin(rh *fasthttp.ResponseHeader, origin []byte) {
	if c.p.anyOrigin && !c.p.credentials {
		rh.Set(fasthttp.HeaderAccessControlAllowOrigin, "*")
	} else {
		rh.SetBytesV(fasthttp.HeaderAccessControlAllowOrigin, origin)
	}
	if c.p.credentials {
		rh.Set(fasthttp.HeaderAccessControlAllowCredentials, "true")
	} else {
		rh.Del(fasthttp.HeaderAccessControlAllowCredentials)
	}
}

// Finish adds the CORS headers to the reply of an allowed cross-origin
// request: the response of the DEFAULT namespace, for the Origin of its
// request.
func (c *CORSAdaptor) Finish(ctx *filter.Context) {
	ns := ctx.Namespace()
	ctx.UseNamespace(filter.DefaultNamespace)
	req, resp := ctx.Request(), ctx.Response()
	ctx.UseNamespace(ns)
	if resp == nil || !req.Valid() {
		return
	}
	origin := req.Header.Peek(fasthttp.HeaderOrigin)
	if len(origin) == 0 {
		return
	}
	rh := &resp.Header
	c.setAllowOrigin(rh, origin)
	if c.p.exposed != nil {
		rh.SetBytesV(fasthttp.HeaderAccessControlExposeHeaders, c.p.exposed)
	}
	if !hasToken(rh.Peek(fasthttp.HeaderVary), "origin") {
		rh.Add(fasthttp.HeaderVary, varyOrigin)
	}
}
