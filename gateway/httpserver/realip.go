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

// parseIP parses a client IP written in a header: a bare address, or one
// with a port ("1.2.3.4:80", "[::1]:80"). IPv4 is parsed without
// allocating; IPv6 goes through netip.ParseAddr.
func parseIP(b []byte) (netip.Addr, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return netip.Addr{}, false
	}
	if b[0] == '[' {
		end := bytes.IndexByte(b, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		b = b[1:end]
	} else if i := bytes.IndexByte(b, ':'); i >= 0 && bytes.IndexByte(b[i+1:], ':') < 0 {
		b = b[:i] // host:port with an IPv4 host
	}
	if a, ok := parseIPv4(b); ok {
		return a, true
	}
	if bytes.IndexByte(b, ':') < 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseIPv4 parses dotted-quad IPv4 as netip.ParseAddr does (no leading
// zeros), without allocating.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var out [4]byte
	part, digits, val := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return netip.Addr{}, false
			}
			out[part] = byte(val)
			part++
			digits, val = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' {
			return netip.Addr{}, false
		}
		if digits > 0 && val == 0 {
			return netip.Addr{}, false // leading zero
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return netip.Addr{}, false
		}
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(out), true
}
