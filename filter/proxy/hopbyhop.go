package proxy

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// isHopByHop reports whether name (any case) is one of the fixed
// hop-by-hop headers of RFC 9110 section 7.6.1 or a header that names
// others as hop-by-hop (Connection). Headers listed in Connection are found
// through Connection itself.
func isHopByHop(name []byte) bool {
	switch len(name) {
	case 2:
		return asciiEqualFold(name, "te")
	case 7:
		return asciiEqualFold(name, "trailer") || asciiEqualFold(name, "upgrade")
	case 10:
		return asciiEqualFold(name, "connection") || asciiEqualFold(name, "keep-alive")
	case 16:
		return asciiEqualFold(name, "proxy-connection")
	case 17:
		return asciiEqualFold(name, "transfer-encoding")
	case 18:
		return asciiEqualFold(name, "proxy-authenticate")
	case 19:
		return asciiEqualFold(name, "proxy-authorization")
	}
	return false
}

// rawHasHopByHop reports whether raw header lines ("Name: value" lines as
// received, CRLF or LF separated) hold a hop-by-hop header.
func rawHasHopByHop(raw []byte) bool {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if colon := bytes.IndexByte(line, ':'); colon > 0 && isHopByHop(bytes.TrimRight(line[:colon], " \t")) {
			return true
		}
	}
	return false
}

// responseHasHopByHop reports whether a reply header holds a hop-by-hop
// header, including a connection close.
func responseHasHopByHop(h *fasthttp.ResponseHeader) bool {
	if h.ConnectionClose() {
		return true
	}
	for name := range h.All() {
		if isHopByHop(name) {
			return true
		}
	}
	return false
}
