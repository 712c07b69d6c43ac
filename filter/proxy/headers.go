package proxy

import (
	"bytes"
	"net/netip"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// Header names the Proxy reads or writes.
const (
	headerXForwardedFor   = "X-Forwarded-For"
	headerXForwardedProto = "X-Forwarded-Proto"
	headerXForwardedHost  = "X-Forwarded-Host"
	headerConnection      = "Connection"
)

// headerDeleter is the part of fasthttp's request and response headers
// that hop-by-hop removal needs.
type headerDeleter interface {
	Del(key string)
}

// removeRequestHopByHop removes the hop-by-hop headers of a request; see
// removeHopByHop. Most requests carry none: when the raw headers the client
// sent hold no hop-by-hop name, the request is left as it is, which spares
// nine lookups and deletions. Headers that filters set after parsing are
// the gateway's own and are not hop-by-hop removal's concern.
func removeRequestHopByHop(h *fasthttp.RequestHeader) {
	if raw := h.RawHeaders(); len(raw) > 0 && !rawHasHopByHop(raw) && !h.ConnectionClose() {
		return
	}
	var buf [256]byte
	for names := listedCopy(&buf, h.Peek(headerConnection)); len(names) > 0; {
		var name []byte
		name, names = nextListed(names)
		if name != nil {
			h.DelBytes(name)
		}
	}
	removeHopByHop(h)
}

// removeResponseHopByHop removes the hop-by-hop headers of a reply; see
// removeHopByHop. One pass over the headers finds what there is to
// remove: most replies have nothing but "Connection: keep-alive", and
// deleting that one header spares eight more lookups.
func removeResponseHopByHop(h *fasthttp.ResponseHeader) {
	switch classifyReplyHopByHop(h) {
	case replyHopByHopNone:
		return
	case replyHopByHopConnectionOptions:
		h.Del(headerConnection)
		return
	}
	var buf [256]byte
	for names := listedCopy(&buf, h.Peek(headerConnection)); len(names) > 0; {
		var name []byte
		name, names = nextListed(names)
		if name != nil {
			h.DelBytes(name)
		}
	}
	removeHopByHop(h)
}

// removeHopByHop deletes the fixed hop-by-hop headers of RFC 9110 section
// 7.6.1: Connection, Keep-Alive, Proxy-Connection, Proxy-Authenticate,
// Proxy-Authorization, TE, Trailer, Transfer-Encoding and Upgrade. The
// headers Connection lists are deleted before, by the typed callers (a
// call through this interface would make their stack buffer escape).
func removeHopByHop(h headerDeleter) {
	h.Del(headerConnection)
	h.Del("Keep-Alive")
	h.Del("Proxy-Connection")
	h.Del("Proxy-Authenticate")
	h.Del("Proxy-Authorization")
	h.Del("Te")
	h.Del("Trailer")
	h.Del("Transfer-Encoding")
	h.Del("Upgrade")
}

// listedCopy copies a Connection value to buf: the value lives in the
// header's own storage, which deleting headers may change. A value longer
// than the buffer (256 bytes, far beyond real use) is cut there.
func listedCopy(buf *[256]byte, listed []byte) []byte {
	return buf[:copy(buf[:], listed)]
}

// nextListed splits the first name off a Connection value. It returns a
// nil name for entries that must not be deleted: empty ones, the
// connection options close and keep-alive, and the framing and routing
// headers Content-Length and Host, which are not a client's to remove.
func nextListed(names []byte) (name, rest []byte) {
	if i := bytes.IndexByte(names, ','); i >= 0 {
		name, rest = names[:i], names[i+1:]
	} else {
		name = names
	}
	name = bytes.TrimSpace(name)
	if len(name) == 0 || asciiEqualFold(name, "close") || asciiEqualFold(name, "keep-alive") ||
		asciiEqualFold(name, "content-length") || asciiEqualFold(name, "host") {
		return nil, rest
	}
	return name, rest
}

// asciiEqualFold compares b with the lower-case ASCII s, ignoring case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// prepareRequest turns the client request into the upstream request, in
// place: hop-by-hop headers removed, HTTP/1.1 towards the upstream, and
// X-Forwarded-For (the client address appended), X-Forwarded-Proto and
// X-Forwarded-Host (the scheme and Host the client used) set.
func prepareRequest(ctx *filter.Context, req *httpprot.Request) {
	h := &req.Header
	removeRequestHopByHop(h)
	if !h.IsHTTP11() {
		h.SetProtocol("HTTP/1.1")
	}
	appendForwardedFor(ctx, req)
	proto := "http"
	if server := ctx.Server(); (server != nil && server.IsTLS()) || (server == nil && string(req.URI().Scheme()) == "https") {
		proto = "https"
	}
	h.SetCanonical([]byte(headerXForwardedProto), []byte(proto))
	if host := h.Host(); len(host) > 0 {
		h.SetCanonical([]byte(headerXForwardedHost), host)
	}
}

// appendForwardedFor appends the address of the client connection (the
// real IP for a request that did not come from a server) to
// X-Forwarded-For, unless it is already the last entry (the HTTPServer's
// xForwardedFor option may have added it).
func appendForwardedFor(ctx *filter.Context, req *httpprot.Request) {
	var ipBuf [64]byte
	ip := ipBuf[:0]
	if server := ctx.Server(); server != nil {
		if addr, ok := netip.AddrFromSlice(server.RemoteIP()); ok {
			ip = addr.Unmap().AppendTo(ip)
		}
	}
	if len(ip) == 0 {
		ip = append(ip, req.RealIPBytes()...)
	}
	if len(ip) == 0 {
		return
	}
	h := &req.Header
	prev := h.Peek(headerXForwardedFor)
	if len(prev) == 0 {
		h.SetCanonical([]byte(headerXForwardedFor), ip)
		return
	}
	if lastListEntryIs(prev, ip) {
		return
	}
	var buf [256]byte
	v := append(buf[:0], prev...)
	v = append(v, ", "...)
	v = append(v, ip...)
	h.SetCanonical([]byte(headerXForwardedFor), v)
}

// lastListEntryIs reports whether the last comma-separated entry of list
// is v.
func lastListEntryIs(list, v []byte) bool {
	if i := bytes.LastIndexByte(list, ','); i >= 0 {
		list = list[i+1:]
	}
	return bytes.Equal(bytes.TrimSpace(list), v)
}

// cleanResponse removes the hop-by-hop headers of an upstream reply and
// the upstream's wish to close the connection, which concerns the upstream
// connection only.
func cleanResponse(resp *fasthttp.Response) {
	removeResponseHopByHop(&resp.Header)
	resp.Header.ResetConnectionClose()
}
