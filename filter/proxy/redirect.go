package proxy

import (
	"bytes"
	"slices"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// Following upstream redirects (maxRedirection > 0).
//
// A try whose reply is a 301, 302, 303, 307 or 308 with a Location sends
// the request again where the Location says, up to maxRedirection times,
// when the target is a server of the same pool (redirect_target.go):
// redirects to any other host are returned to the client, since the
// request carries the client's credentials. The hops use a copy of the
// client request, so a retry starts again from the client's URL and the
// cache keys on it. Each hop is an upstream call of its server (counted,
// timed and traced); the pool timeout bounds the whole try.

// isRedirect reports whether an upstream status is a redirect the Proxy
// may follow.
func isRedirect(code int) bool {
	switch code {
	case fasthttp.StatusMovedPermanently, fasthttp.StatusFound, fasthttp.StatusSeeOther,
		fasthttp.StatusTemporaryRedirect, fasthttp.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirectChain is one try following redirects.
type redirectChain struct {
	pool *pool
	// hop is the request of the hops: a copy of the client request,
	// rewritten for each redirect.
	hop *fasthttp.Request
	// cur is the server the last request went to.
	cur *server
	// clientHost is the Host the client sent, for servers that keep it.
	clientHost []byte
	// streamed is set when the client body was streamed: it went with the
	// first request and cannot be sent again.
	streamed bool
	// sent holds method, server and target of every request of the try,
	// to stop at a loop.
	sent []string
}

// followRedirects follows the redirect in resp, the namespace response
// that first sent to req, as long as the pool allows; started is when the
// try began. It returns the response of the last request (a 3xx when the
// chain stopped at one), whether a redirect was followed, and the error of
// a request that got no reply.
func (p *pool) followRedirects(ctx *filter.Context, req *httpprot.Request, resp *httpprot.Response, first *server, started time.Time, streamed bool) (_ *httpprot.Response, followed bool, err error) {
	hop := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(hop)
	req.Request.CopyTo(hop)
	c := &redirectChain{pool: p, hop: hop, cur: first, streamed: streamed, clientHost: clientHost(req, first)}
	c.sent = append(make([]string, 0, p.maxRedirects+1), sentKey(hop.Header.Method(), first, normalizeTarget(string(hop.URI().RequestURI()))))
	for hops := 0; isRedirect(resp.StatusCode()); {
		var srv *server
		if hops < p.maxRedirects {
			srv = c.next(resp.Response)
		}
		if srv == nil {
			p.redirectsReturned.Add(1)
			return resp, followed, nil
		}
		timeout := p.timeout
		if timeout > 0 {
			if timeout -= time.Since(started); timeout <= 0 {
				return resp, followed, fasthttp.ErrTimeout
			}
		}
		hops++
		followed = true
		p.redirects.Add(1)
		resp = ctx.NewResponse()
		if err = srv.doObservedHop(ctx, hop, resp.Response, timeout, hops); err != nil {
			return resp, followed, err
		}
	}
	return resp, followed, nil
}

// clientHost returns a copy of the Host the client sent: still the
// request's Host when the first server kept it, else the X-Forwarded-Host
// prepareRequest set from it.
func clientHost(req *httpprot.Request, first *server) []byte {
	if first.useClientHost {
		return bytes.Clone(req.Header.Host())
	}
	return bytes.Clone(req.Header.Peek(headerXForwardedHost))
}

// next decides whether the redirect in resp is followed and, if so,
// rewrites the hop request for it and returns its server. It is not
// followed (nil) when resp has no Location or sets a cookie (the client
// must get it), when a 307 or 308 would have to resend a streamed body,
// when the Location is not a server of the pool or is one its health check
// marked down, or when the request it asks for was already sent in this
// try (a loop).
func (c *redirectChain) next(resp *fasthttp.Response) *server {
	loc := resp.Header.Peek(fasthttp.HeaderLocation)
	if len(loc) == 0 || setsCookie(&resp.Header) {
		return nil
	}
	code := resp.StatusCode()
	keepBody := code == fasthttp.StatusTemporaryRedirect || code == fasthttp.StatusPermanentRedirect
	if keepBody && c.streamed {
		return nil
	}
	target, ok := resolveLocation(c.cur, c.hop, loc)
	if !ok {
		return nil
	}
	srv := c.pool.serverAt(target, c.cur)
	if srv == nil || !srv.healthy() {
		return nil
	}
	method := string(c.hop.Header.Method())
	if !keepBody && method != fasthttp.MethodGet && method != fasthttp.MethodHead {
		method = fasthttp.MethodGet
	}
	uri := target.RequestURI()
	key := sentKey([]byte(method), srv, uri)
	if slices.Contains(c.sent, key) {
		return nil
	}
	c.sent = append(c.sent, key)
	c.rewrite(srv, method, uri, keepBody)
	return srv
}

// rewrite makes the hop request the one a redirect asks for: method,
// target, body and Host. Only 307 and 308 keep the body; the others drop
// it with the headers describing it (as net/http and the Fetch standard
// do). Host is chosen as for any request to srv; a redirect to the same
// server keeps it.
func (c *redirectChain) rewrite(srv *server, method, uri string, keepBody bool) {
	h := &c.hop.Header
	if string(h.Method()) != method {
		h.SetMethod(method)
	}
	if !keepBody {
		c.hop.ResetBody()
		c.hop.PostArgs().Reset()
		for _, name := range [...]string{fasthttp.HeaderContentType, fasthttp.HeaderContentEncoding,
			fasthttp.HeaderContentLanguage, fasthttp.HeaderContentLocation} {
			h.Del(name)
		}
		h.SetContentLength(0)
	}
	c.hop.SetRequestURI(uri)
	if srv != c.cur {
		if srv.useClientHost && len(c.clientHost) > 0 {
			h.SetHostBytes(c.clientHost)
		} else {
			h.SetHostBytes(srv.hostHeader)
		}
	}
	srv.prepare(c.hop)
	c.cur = srv
}

// setsCookie reports whether a reply sets a cookie.
func setsCookie(h *fasthttp.ResponseHeader) bool {
	for range h.Cookies() {
		return true
	}
	return false
}

// sentKey identifies a request of a chain: method, server and target.
func sentKey(method []byte, srv *server, target string) string {
	return string(method) + " " + srv.spec.URL + target
}
