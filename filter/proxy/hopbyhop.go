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

// replyHopByHop says which hop-by-hop headers a reply holds.
type replyHopByHop uint8

const (
	// replyHopByHopNone: none at all.
	replyHopByHopNone replyHopByHop = iota
	// replyHopByHopConnectionOptions: only a Connection header listing
	// the options keep-alive or close, which keep-alive upstreams send
	// with every reply; deleting Connection is all the work there is.
	replyHopByHopConnectionOptions
	// replyHopByHopOther: anything else; the full removal is needed.
	replyHopByHopOther
)

// classifyReplyHopByHop finds, in one pass over a reply header, which
// hop-by-hop headers it holds (a connection close included).
func classifyReplyHopByHop(h *fasthttp.ResponseHeader) replyHopByHop {
	found := replyHopByHopNone
	if h.ConnectionClose() {
		found = replyHopByHopConnectionOptions
	}
	for name, value := range h.All() {
		if !isHopByHop(name) {
			continue
		}
		if !asciiEqualFold(name, "connection") || !onlyConnectionOptions(value) {
			return replyHopByHopOther
		}
		found = replyHopByHopConnectionOptions
	}
	return found
}

// onlyConnectionOptions reports whether a Connection value lists nothing
// but the options close and keep-alive (empty entries allowed), so that
// it names no other header as hop-by-hop.
func onlyConnectionOptions(value []byte) bool {
	for len(value) > 0 {
		var entry []byte
		if i := bytes.IndexByte(value, ','); i >= 0 {
			entry, value = value[:i], value[i+1:]
		} else {
			entry, value = value, nil
		}
		entry = bytes.TrimSpace(entry)
		if len(entry) > 0 && !asciiEqualFold(entry, "keep-alive") && !asciiEqualFold(entry, "close") {
			return false
		}
	}
	return true
}
