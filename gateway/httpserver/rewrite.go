package httpserver

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// rewrite applies the route's rewriteTarget to the request path; the query
// string is kept. An exact path is replaced, a prefix is swapped for the
// target, an expression is replaced (all matches, $1 expanded), and a
// RadixTree template is filled with the values caps locates in the path.
// buf is scratch space, returned for reuse. Only the expression form
// allocates.
func (p *route) rewrite(uri *fasthttp.URI, buf []byte, caps []paramSpan) []byte {
	if p.rewriteTarget == nil {
		return buf
	}
	path := uri.Path()
	switch {
	case p.template != nil:
		buf = fillTemplate(buf[:0], p.template, path, caps)
	case p.path != nil && bytes.Equal(path, p.path):
		buf = append(buf[:0], p.rewriteTarget...)
	case p.prefix != nil && bytes.HasPrefix(path, p.prefix):
		buf = append(append(buf[:0], p.rewriteTarget...), path[len(p.prefix):]...)
	case p.re != nil:
		buf = append(buf[:0], p.re.ReplaceAll(path, p.rewriteTarget)...)
	default:
		return buf
	}
	uri.SetPathBytes(buf)
	return buf
}

// fillTemplate appends a RadixTree rewriteTarget to buf: its literals and
// the captured values of path.
func fillTemplate(buf []byte, tpl []rewritePart, path []byte, caps []paramSpan) []byte {
	for _, part := range tpl {
		if part.capture < 0 {
			buf = append(buf, part.lit...)
			continue
		}
		if part.capture < len(caps) {
			if c := caps[part.capture]; 0 <= c.start && c.start <= c.end && c.end <= len(path) {
				buf = append(buf, path[c.start:c.end]...)
			}
		}
	}
	return buf
}

// appendForwardedFor adds the peer address to X-Forwarded-For unless the
// header already lists it. buf is scratch space, returned for reuse.
func appendForwardedFor(ctx *fasthttp.RequestCtx, buf []byte) []byte {
	peer := peerAddr(ctx)
	if !peer.IsValid() {
		return buf
	}
	// The peer address goes at the end of buf; the new header value is
	// built in front of it.
	buf = peer.AppendTo(buf[:0])
	ip := len(buf)
	h := &ctx.Request.Header
	cur := h.Peek(headerXForwardedFor)
	if listHasEntry(cur, buf[:ip]) {
		return buf
	}
	if len(cur) > 0 {
		buf = append(buf, cur...)
		buf = append(buf, ", "...)
	}
	buf = append(buf, buf[:ip]...)
	h.SetBytesV(headerXForwardedFor, buf[ip:])
	return buf
}
