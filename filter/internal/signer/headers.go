package signer

import (
	"bytes"
	"slices"
	"strings"

	"github.com/valyala/fasthttp"
)

// hostName is the signed name of the Host header.
const hostName = "host"

// unsigned reports whether a header (its name in lower case) is never
// signed: Authorization carries the signature and User-Agent is left out
// as Easegress does; the others change on the way to the upstream, so a
// signature over them could not be verified there. Host is signed apart
// (see appendCanonicalHost).
func unsigned(name []byte) bool {
	switch string(name) {
	case "authorization", "user-agent", hostName,
		// hop-by-hop headers (RFC 9110 section 7.6.1), removed by a proxy
		"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
		"te", "trailer", "transfer-encoding", "upgrade",
		// framing, and the headers the Proxy sets or extends
		"content-length", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "traceparent":
		return true
	}
	return false
}

// contains reports whether list holds b.
func contains(list []string, b []byte) bool {
	for _, s := range list {
		if string(b) == s {
			return true
		}
	}
	return false
}

// appendCanonicalValue appends a header value without leading and
// trailing spaces and with each run of spaces made one.
func appendCanonicalValue(dst, v []byte) []byte {
	v = bytes.Trim(v, " ")
	space := false
	for _, ch := range v {
		if ch == ' ' {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, ch)
	}
	return dst
}

// appendCanonicalHost appends the request's host (the Host header, else
// the URI's) without the scheme's default port.
func appendCanonicalHost(dst []byte, req *fasthttp.Request) []byte {
	host := req.Header.Host()
	if len(host) == 0 {
		host = req.URI().Host()
	}
	colon, bracket := bytes.LastIndexByte(host, ':'), bytes.LastIndexByte(host, ']')
	if colon > bracket {
		port := string(host[colon+1:])
		scheme := string(req.URI().Scheme())
		if port == "" || (port == "80" && scheme == "http") || (port == "443" && scheme == "https") {
			host = host[:colon]
		}
	}
	return append(dst, host...)
}

// appendLower appends name in lower case.
func appendLower(dst, name []byte) []byte {
	for _, ch := range name {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst = append(dst, ch)
	}
	return dst
}

// lowerNames returns names in lower case.
func lowerNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToLower(n)
	}
	return out
}

// collectHeaders copies into sc the headers a signer signs, as params
// with lower-case names: host, and every header of req but the unsigned
// ones and those of ignored (lower case). They are sorted by name; the
// values of a repeated header keep their order.
func (sc *scratch) collectHeaders(req *fasthttp.Request, ignored []string) {
	sc.text, sc.params = sc.text[:0], sc.params[:0]
	var p param
	p.name.off = len(sc.text)
	sc.text = append(sc.text, hostName...)
	p.name.end, p.value.off = len(sc.text), len(sc.text)
	sc.text = appendCanonicalHost(sc.text, req)
	p.value.end = len(sc.text)
	sc.params = append(sc.params, p)
	for k, v := range req.Header.All() {
		p.name.off = len(sc.text)
		sc.text = appendLower(sc.text, k)
		p.name.end = len(sc.text)
		name := sc.text[p.name.off:p.name.end]
		if unsigned(name) || contains(ignored, name) {
			sc.text = sc.text[:p.name.off]
			continue
		}
		p.value.off = len(sc.text)
		sc.text = append(sc.text, v...)
		p.value.end = len(sc.text)
		sc.params = append(sc.params, p)
	}
	text := sc.text
	slices.SortStableFunc(sc.params, func(a, b param) int {
		return bytes.Compare(text[a.name.off:a.name.end], text[b.name.off:b.name.end])
	})
}

// appendCollectedHeaders appends the canonical headers of the collected
// params, one "name:value" line each, a repeated header's values joined
// with ','. It returns the signed header names, ';'-separated, as a span
// of the result.
func (sc *scratch) appendCollectedHeaders(dst []byte) ([]byte, []byte) {
	text := sc.text
	for i, p := range sc.params {
		name := text[p.name.off:p.name.end]
		if i > 0 && bytes.Equal(name, text[sc.params[i-1].name.off:sc.params[i-1].name.end]) {
			dst = dst[:len(dst)-1] // the newline of the previous value
			dst = append(dst, ',')
		} else {
			dst = append(dst, name...)
			dst = append(dst, ':')
		}
		dst = appendCanonicalValue(dst, text[p.value.off:p.value.end])
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	sc.names = sc.names[:0]
	for i, p := range sc.params {
		name := text[p.name.off:p.name.end]
		if i > 0 && bytes.Equal(name, text[sc.params[i-1].name.off:sc.params[i-1].name.end]) {
			continue
		}
		if len(sc.names) > 0 {
			sc.names = append(sc.names, ';')
		}
		sc.names = append(sc.names, name...)
	}
	return dst, sc.names
}

// appendNamedHeaders appends the canonical headers of req named in
// signed (';'-separated, as a request's signer listed them), one
// "name:value" line each, a repeated header's values joined with ','.
func appendNamedHeaders(dst []byte, req *fasthttp.Request, signed string) []byte {
	for rest := signed; ; {
		name, more, found := strings.Cut(rest, ";")
		dst = append(dst, name...)
		dst = append(dst, ':')
		if name == hostName {
			dst = appendCanonicalHost(dst, req)
		} else {
			for i, v := range req.Header.PeekAll(name) {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendCanonicalValue(dst, v)
			}
		}
		dst = append(dst, '\n')
		if !found {
			break
		}
		rest = more
	}
	return append(dst, '\n')
}
