package websocketproxy

import (
	"bytes"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"

	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// handshakeError is why a client request is not an acceptable WebSocket
// handshake, with the status to answer.
type handshakeError struct {
	status int
	reason string
}

// checkHandshake checks the client's opening handshake (RFC 6455 section
// 4.2.1) and its Origin; it returns nil when the request may be proxied.
func checkHandshake(req *httpprot.Request, p *pool) *handshakeError {
	h := &req.Header
	switch {
	case !h.IsGet():
		return &handshakeError{fasthttp.StatusMethodNotAllowed, "a WebSocket handshake must use GET"}
	case !hasToken(h.Peek("Connection"), "upgrade"):
		return &handshakeError{fasthttp.StatusBadRequest, "not a WebSocket handshake: no 'upgrade' in Connection"}
	case !hasToken(h.Peek("Upgrade"), "websocket"):
		return &handshakeError{fasthttp.StatusBadRequest, "not a WebSocket handshake: no 'websocket' in Upgrade"}
	case !hasToken(h.Peek("Sec-WebSocket-Version"), "13"):
		return &handshakeError{fasthttp.StatusUpgradeRequired, "unsupported WebSocket version: 13 is required"}
	case len(bytes.TrimSpace(h.Peek("Sec-WebSocket-Key"))) == 0:
		return &handshakeError{fasthttp.StatusBadRequest, "not a WebSocket handshake: Sec-WebSocket-Key is missing"}
	}
	if p.spec.InsecureSkipVerify {
		return nil
	}
	origin := h.Peek("Origin")
	if len(origin) == 0 {
		return nil
	}
	u, err := url.Parse(string(origin))
	if err != nil || u.Host == "" {
		return &handshakeError{fasthttp.StatusForbidden, "the Origin header is not a URL with a host"}
	}
	if strings.EqualFold(u.Host, string(h.Host())) {
		return nil
	}
	host := strings.ToLower(u.Host)
	for _, pat := range p.origins {
		if ok, _ := path.Match(strings.ToLower(pat), host); ok {
			return nil
		}
	}
	return &handshakeError{fasthttp.StatusForbidden, "the Origin " + u.Host + " is not allowed"}
}

// hasToken reports whether a comma-separated header value lists token,
// ignoring case.
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		if strings.EqualFold(string(bytes.TrimSpace(item)), token) {
			return true
		}
	}
	return false
}

// upstreamHeader builds the upstream handshake's headers from the client
// request: its end-to-end headers (Sec-WebSocket-Protocol included, so the
// upstream chooses the subprotocol), X-Forwarded-For with the client
// address appended, X-Forwarded-Proto and X-Forwarded-Host, and Host as
// the Proxy sends it.
func upstreamHeader(req *httpprot.Request, srv *server, peer netip.Addr, tls bool) http.Header {
	out := http.Header{}
	connListed := req.Header.Peek("Connection")
	for k, v := range req.Header.All() {
		name := http.CanonicalHeaderKey(string(k))
		if skipHeader(name) || hasToken(connListed, name) {
			continue
		}
		out.Add(name, string(v))
	}
	client := string(req.RealIPBytes())
	if peer.IsValid() {
		client = peer.Unmap().String()
	}
	if client != "" {
		if prev := out.Get("X-Forwarded-For"); prev != "" {
			out.Set("X-Forwarded-For", prev+", "+client)
		} else {
			out.Set("X-Forwarded-For", client)
		}
	}
	if tls {
		out.Set("X-Forwarded-Proto", "https")
	} else {
		out.Set("X-Forwarded-Proto", "http")
	}
	clientHost := string(req.Header.Host())
	if clientHost != "" {
		out.Set("X-Forwarded-Host", clientHost)
	}
	if srv.useClientHost && clientHost != "" {
		out.Set("Host", clientHost)
	} else {
		out.Set("Host", srv.url.host)
	}
	return out
}

// skipHeader reports whether a client header (canonical name) is not
// forwarded to the upstream: hop-by-hop headers, Host (set apart) and the
// handshake headers the dialer writes itself.
func skipHeader(name string) bool {
	switch name {
	case "Connection", "Upgrade", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Host",
		"Sec-Websocket-Key", "Sec-Websocket-Version", "Sec-Websocket-Extensions":
		return true
	}
	return false
}
