package netaddr

import (
	"bytes"
	"net/netip"
)

// ClientIP returns the address of the client that sent a request which
// reached us from peer. Proxy headers are believed only from trusted
// peers: when peer is in trusted, X-Forwarded-For is walked from its last
// entry backwards, skipping trusted proxies, and the first other address
// is the client; a list made only of trusted proxies gives its first
// entry. Without X-Forwarded-For, X-Real-IP names the client. Otherwise,
// and whenever a header entry does not parse, the client is peer (a
// forged or garbled header never wins over the connection).
func ClientIP(peer netip.Addr, trusted List, xForwardedFor, xRealIP []byte) netip.Addr {
	if len(trusted) == 0 || !peer.IsValid() || !trusted.Contains(peer) {
		return peer
	}
	if len(bytes.TrimSpace(xForwardedFor)) > 0 {
		return walkForwardedFor(peer, trusted, xForwardedFor)
	}
	if a, ok := ParseIP(xRealIP); ok {
		return a
	}
	return peer
}

// walkForwardedFor scans the list right to left.
func walkForwardedFor(peer netip.Addr, trusted List, v []byte) netip.Addr {
	var last netip.Addr
	for len(v) > 0 {
		var item []byte
		if i := bytes.LastIndexByte(v, ','); i >= 0 {
			item, v = v[i+1:], v[:i]
		} else {
			item, v = v, nil
		}
		if len(bytes.TrimSpace(item)) == 0 {
			continue
		}
		a, ok := ParseIP(item)
		if !ok {
			return peer
		}
		if !trusted.Contains(a) {
			return a
		}
		last = a
	}
	if last.IsValid() {
		return last
	}
	return peer
}
