package httpserver

import (
	"bytes"
	"net/netip"

	"github.com/valyala/fasthttp"
)

const (
	headerXForwardedFor = "X-Forwarded-For"
	headerXRealIP       = "X-Real-Ip"
)

// peerAddr returns the address of the connection's peer; the zero Addr
// when the connection has none (a test context, say).
func peerAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	a, ok := netip.AddrFromSlice(ctx.RemoteIP())
	if !ok {
		return netip.Addr{}
	}
	return a.Unmap()
}

// firstListEntry returns the first comma-separated entry of v, trimmed.
func firstListEntry(v []byte) []byte {
	if i := bytes.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return bytes.TrimSpace(v)
}

// listHasEntry reports whether the comma-separated list v holds entry.
func listHasEntry(v, entry []byte) bool {
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		if bytes.Equal(bytes.TrimSpace(item), entry) {
			return true
		}
	}
	return false
}
