package httpserver

import (
	"bytes"
	"net"
	"net/netip"

	"github.com/valyala/fasthttp"
)

const (
	headerXForwardedFor = "X-Forwarded-For"
	headerXRealIP       = "X-Real-Ip"
)

// peerAddr returns the address of the connection's peer; the zero Addr
// when the connection has none (a test context, say). A gate connection
// has it at hand; others are asked.
func peerAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	if gc := gateConnOf(ctx); gc != nil {
		return gc.peer
	}
	a, ok := netip.AddrFromSlice(ctx.RemoteIP())
	if !ok {
		return netip.Addr{}
	}
	return a.Unmap()
}

// addrOf returns the IP of a TCP address, IPv4-mapped IPv6 unmapped; the
// zero Addr for other kinds of address.
func addrOf(a net.Addr) netip.Addr {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.Addr{}
	}
	ip, ok := netip.AddrFromSlice(ta.IP)
	if !ok {
		return netip.Addr{}
	}
	return ip.Unmap()
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
