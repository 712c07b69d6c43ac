package httpserver

import (
	"bytes"
	"net/netip"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/gateway/globalfilter"
	"github.com/gatewright/gatewright/internal/netaddr"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// maxKeptBuffer is the largest scratch buffer a pooled request state keeps;
// larger ones (big bodies) are dropped so that the pool does not pin them.
const maxKeptBuffer = 64 << 10

// acquireAttempts bounds how often a request retries a backend (a
// pipeline or an inline pool) whose generation is closing before it
// answers 503.
const acquireAttempts = 8

// requestState is the pooled per-request state: the filter context and
// scratch buffers. Everything in it is reset between requests.
type requestState struct {
	fctx     *filter.Context
	ip       []byte
	buf      []byte
	body     []byte
	caps     []paramSpan        // values captured by a RadixTree pattern
	pipeline *pipeline.Pipeline // acquired backend, released after the request
	ops      requestOps         // metrics, tracing, access log (ops.go)
	// global is the acquired GlobalFilter, released after the request.
	global *globalfilter.GlobalFilter
}

func newRequestState() *requestState {
	return &requestState{
		fctx: filter.NewContext(),
		ip:   make([]byte, 0, 64),
		buf:  make([]byte, 0, 256),
		caps: make([]paramSpan, 0, 8),
	}
}

// clear prepares the state for the pool.
func (st *requestState) clear() {
	st.ip = st.ip[:0]
	if cap(st.buf) > maxKeptBuffer {
		st.buf = nil
	}
	st.buf = st.buf[:0]
	if cap(st.body) > maxKeptBuffer {
		st.body = nil
	}
	st.body = st.body[:0]
	st.caps = st.caps[:0]
	st.pipeline = nil
	st.global = nil
}

// handle is the fasthttp request handler.
func (rt *listenerRuntime) handle(ctx *fasthttp.RequestCtx) {
	st := rt.states.Get().(*requestState)
	defer rt.recoverPanic(ctx, st)
	snap := rt.snap.Load()
	slid := slideBodyDeadline(ctx, snap.bodyTimeout)
	rt.begin(snap, st, ctx)
	for attempt := 1; !serve(snap, st, ctx); attempt++ {
		// The route's inline pool belongs to a generation being closed:
		// its successor's snapshot is already installed.
		if attempt == acquireAttempts {
			reply(ctx, fasthttp.StatusServiceUnavailable)
			break
		}
		snap = rt.snap.Load()
	}
	if !snap.keepAlive {
		ctx.Response.SetConnectionClose()
	}
	lingerOnClose(ctx)
	endBodyDeadline(slid)
	if ctx.Hijacked() {
		if gc := gateConnOf(ctx); gc != nil {
			gc.goPlain()
		}
	}
	holdReply(ctx)
	rt.end(st, ctx)
	st.clear()
	rt.states.Put(st)
}

// recoverPanic turns a panic in a filter into a 500 and closes the
// connection; the request state is not reused.
func (rt *listenerRuntime) recoverPanic(ctx *fasthttp.RequestCtx, st *requestState) {
	v := recover()
	if v == nil {
		return
	}
	if st.pipeline != nil {
		st.pipeline.Release()
		st.pipeline = nil
	}
	if st.global != nil {
		st.global.Release()
		st.global = nil
	}
	rt.log.Error("panic while handling a request", "panic", v, "method", string(ctx.Method()), "uri", string(ctx.RequestURI()))
	ctx.Response.Reset()
	ctx.SetStatusCode(fasthttp.StatusInternalServerError)
	ctx.Response.SetConnectionClose()
	rt.end(st, ctx)
}

// serve routes one request and runs its pipeline (routing semantics 2-8
// of the vocabulary): the backend's current pipeline, or the route's
// inline pool. It returns false, having changed nothing, when the inline
// pool's generation is being closed: the caller serves the request again
// with the current snapshot.
func serve(snap *snapshot, st *requestState, ctx *fasthttp.RequestCtx) bool {
	if ctx.IsTLS() != snap.https {
		// The https setting changed while this connection was open.
		reply(ctx, fasthttp.StatusMisdirectedRequest)
		ctx.Response.SetConnectionClose()
		return true
	}
	r, status := routeRequest(snap, st, ctx)
	if r == nil {
		reply(ctx, status)
		return true
	}
	var p *pipeline.Pipeline
	if r.inline != nil {
		if !r.inline.Acquire() {
			return false
		}
		p = r.inline
	} else if p = acquirePipeline(r.backend); p == nil {
		reply(ctx, fasthttp.StatusServiceUnavailable)
		return true
	}
	st.pipeline = p
	st.buf = applySetHeaders(r.setHeaders, ctx, st.buf)
	st.buf = r.rewrite(ctx.URI(), st.buf, st.caps)
	if snap.xForwardedFor {
		st.buf = appendForwardedFor(ctx, st.buf)
	}
	if status := st.limitBody(&ctx.Request, r.bodyLimit); status != 0 {
		st.pipeline = nil
		p.Release()
		reply(ctx, status)
		ctx.Response.SetConnectionClose()
		return true
	}
	fctx := st.fctx
	fctx.Reset(ctx, st.ip, ctx.Time())
	st.ops.attach(fctx)
	if gf := acquireGlobalFilter(snap.globalFilter); gf != nil {
		st.global = gf
		gf.Handle(fctx, p)
		st.global = nil
		gf.Release()
	} else {
		p.Handle(fctx)
	}
	if fctx.Response() == nil {
		ctx.Response.Reset()
		ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
	}
	fctx.Finish()
	st.pipeline = nil
	p.Release()
	return true
}

// routeRequest works out the client IP, applies the server IP filter and
// searches the rules, or replays a cached decision (routecache.go). It
// returns the winning route, with its captured values in st.caps, or nil
// and the status to answer with.
func routeRequest(snap *snapshot, st *requestState, ctx *fasthttp.RequestCtx) (*route, int) {
	ip, ipOK := clientIP(snap, st, ctx)
	if !snap.ipFilter.allows(ip, ipOK) {
		return nil, statusForbidden
	}
	in := routeInput{
		ctx:    ctx,
		host:   stripPort(ctx.Host()),
		path:   ctx.Path(),
		method: methodBit(ctx.Method()),
		ip:     ip,
		ipOK:   ipOK,
	}
	cache := snap.cache
	if cache != nil {
		if e := cache.get(in.host, in.path, in.method); e != nil {
			st.caps = append(st.caps[:0], e.caps...)
			return e.route, e.status
		}
	}
	if cap(st.caps) < snap.maxCaps {
		st.caps = make([]paramSpan, 0, snap.maxCaps)
	}
	in.caps = st.caps[:snap.maxCaps]
	r, status := snap.router.search(&in)
	st.caps = st.caps[:min(in.ncaps, snap.maxCaps)]
	if cache != nil && !in.dependent {
		cache.put(in.host, in.path, in.method, r, status, st.caps)
	}
	return r, status
}

// clientIP fills st.ip with the real IP and, when some IP filter needs it,
// returns it parsed. Forwarding headers are believed from trusted proxies
// only, or from everyone when none are configured.
func clientIP(snap *snapshot, st *requestState, ctx *fasthttp.RequestCtx) (netip.Addr, bool) {
	h := &ctx.Request.Header
	if len(snap.trusted) > 0 {
		ip := netaddr.ClientIP(peerAddr(ctx), snap.trusted, h.Peek(headerXForwardedFor), bytes.TrimSpace(h.Peek(headerXRealIP)))
		st.ip = ip.AppendTo(st.ip[:0])
		return ip, ip.IsValid()
	}
	if v := firstListEntry(h.Peek(headerXForwardedFor)); len(v) > 0 {
		st.ip = append(st.ip[:0], v...)
	} else if v := bytes.TrimSpace(h.Peek(headerXRealIP)); len(v) > 0 {
		st.ip = append(st.ip[:0], v...)
	} else {
		peer := peerAddr(ctx)
		st.ip = peer.AppendTo(st.ip[:0])
		return peer, peer.IsValid()
	}
	if !snap.needIP {
		return netip.Addr{}, false
	}
	return netaddr.ParseIP(st.ip)
}

// acquirePipeline loads the backend's current pipeline and marks a request
// in flight on it. It returns nil when there is no pipeline of that name.
func acquirePipeline(ref *supervisor.Ref) *pipeline.Pipeline {
	if ref == nil {
		return nil
	}
	for range acquireAttempts {
		p, ok := ref.Load().(*pipeline.Pipeline)
		if !ok || p == nil {
			return nil
		}
		if p.Acquire() {
			return p
		}
		// That generation is closing; its successor is being swapped in.
	}
	return nil
}

// acquireGlobalFilter loads the current GlobalFilter of ref and marks a
// request in flight on it. It returns nil when none is named or none of
// that name exists (the pipeline then runs alone).
func acquireGlobalFilter(ref *supervisor.Ref) *globalfilter.GlobalFilter {
	if ref == nil {
		return nil
	}
	for range acquireAttempts {
		g, ok := ref.Load().(*globalfilter.GlobalFilter)
		if !ok || g == nil {
			return nil
		}
		if g.Acquire() {
			return g
		}
	}
	return nil
}

// reply answers with an empty body and a status code.
func reply(ctx *fasthttp.RequestCtx, status int) {
	ctx.Response.ResetBody()
	ctx.SetStatusCode(status)
}
