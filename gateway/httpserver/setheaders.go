package httpserver

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"
)

// headerSetter is one compiled setHeaders entry.
type headerSetter struct {
	key   string
	del   bool // the value was "": delete the header
	parts []tplPart
}

// varKind names what a template variable expands to.
type varKind uint8

const (
	varLiteral       varKind = iota // tplPart.text as written
	varHost                         // host without port
	varHTTPHost                     // Host header as sent
	varURI                          // path
	varRequestURI                   // request target as sent
	varMethod                       // request method
	varScheme                       // http or https
	varQueryString                  // query string without '?'
	varContentType                  // Content-Type
	varContentLength                // Content-Length
	varProtocol                     // HTTP/1.1
	varRemoteAddr                   // peer IP
	varRemotePort                   // peer port
	varRemoteUser                   // user of Basic authorization
	varProxyAddXFF                  // X-Forwarded-For plus the peer IP
	varHeader                       // http_<name>
	varArg                          // arg_<name>
	varCookie                       // cookie_<name>
)

// knownVariables is listed in errors about unknown variables.
const knownVariables = "host, hostname, server_name, http_host, uri, document_uri, request_uri, " +
	"request_method, scheme, query_string, args, content_type, content_length, server_protocol, " +
	"remote_addr, remote_port, remote_user, proxy_add_x_forwarded_for, http_<header>, arg_<name>, cookie_<name>"

// tplPart is a literal or a variable of a header value template.
type tplPart struct {
	kind   varKind
	text   string // literal text, or the header/arg/cookie name
	def    string // default when the variable expands to nothing
	hasDef bool
}

// compileSetHeaders compiles a setHeaders map in key order, so that the
// result does not depend on map iteration.
func compileSetHeaders(m map[string]string) ([]headerSetter, error) {
	if len(m) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]headerSetter, 0, len(keys))
	for _, k := range keys {
		if !validHeaderName(k) {
			return nil, fmt.Errorf("%q is not a valid header name", k)
		}
		v := m[k]
		if v == "" {
			out = append(out, headerSetter{key: k, del: true})
			continue
		}
		parts, err := parseTemplate(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out = append(out, headerSetter{key: k, parts: parts})
	}
	return out, nil
}

// parseTemplate splits a value into literals and $var / ${var} /
// ${var:default} references. A '$' that starts no variable name, and an
// unterminated "${", are literal text; an unknown variable is an error.
func parseTemplate(s string) ([]tplPart, error) {
	var parts []tplPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, tplPart{kind: varLiteral, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			lit.WriteByte(c)
			i++
			continue
		}
		var name, def string
		var hasDef bool
		next := i + 1
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				lit.WriteString(s[i:])
				break
			}
			body := s[i+2 : i+2+end]
			name = body
			if colon := strings.IndexByte(body, ':'); colon >= 0 {
				name, def, hasDef = body[:colon], body[colon+1:], true
			}
			if !isVarName(name) {
				lit.WriteString(s[i : i+3+end])
				i += 3 + end
				continue
			}
			next = i + 3 + end
		} else {
			j := i + 1
			for j < len(s) && isVarByte(s[j]) {
				j++
			}
			name = s[i+1 : j]
			if !isVarName(name) {
				lit.WriteByte(c)
				i++
				continue
			}
			next = j
		}
		p, ok := lookupVariable(name)
		if !ok {
			return nil, fmt.Errorf("unknown variable $%s (known: %s)", name, knownVariables)
		}
		p.def, p.hasDef = def, hasDef
		flush()
		parts = append(parts, p)
		i = next
	}
	flush()
	return parts, nil
}

func isVarByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// isVarName accepts [A-Za-z_][A-Za-z0-9_]*.
func isVarName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isVarByte(s[i]) {
			return false
		}
	}
	return true
}

// lookupVariable maps a variable name to its part.
func lookupVariable(name string) (tplPart, bool) {
	switch name {
	case "host", "hostname", "server_name":
		return tplPart{kind: varHost}, true
	case "http_host":
		return tplPart{kind: varHTTPHost}, true
	case "uri", "document_uri":
		return tplPart{kind: varURI}, true
	case "request_uri":
		return tplPart{kind: varRequestURI}, true
	case "request_method":
		return tplPart{kind: varMethod}, true
	case "scheme":
		return tplPart{kind: varScheme}, true
	case "query_string", "args":
		return tplPart{kind: varQueryString}, true
	case "content_type":
		return tplPart{kind: varContentType}, true
	case "content_length":
		return tplPart{kind: varContentLength}, true
	case "server_protocol":
		return tplPart{kind: varProtocol}, true
	case "remote_addr":
		return tplPart{kind: varRemoteAddr}, true
	case "remote_port":
		return tplPart{kind: varRemotePort}, true
	case "remote_user":
		return tplPart{kind: varRemoteUser}, true
	case "proxy_add_x_forwarded_for":
		return tplPart{kind: varProxyAddXFF}, true
	}
	switch {
	case strings.HasPrefix(name, "http_") && len(name) > len("http_"):
		return tplPart{kind: varHeader, text: strings.ReplaceAll(name[len("http_"):], "_", "-")}, true
	case strings.HasPrefix(name, "arg_") && len(name) > len("arg_"):
		return tplPart{kind: varArg, text: name[len("arg_"):]}, true
	case strings.HasPrefix(name, "cookie_") && len(name) > len("cookie_"):
		return tplPart{kind: varCookie, text: name[len("cookie_"):]}, true
	}
	return tplPart{}, false
}

// validHeaderName accepts an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isVarByte(c) || strings.IndexByte("!#$%&'*+-.^`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// applySetHeaders sets (or deletes) the route's request headers. buf is
// scratch space, returned for reuse.
func applySetHeaders(setters []headerSetter, ctx *fasthttp.RequestCtx, buf []byte) []byte {
	h := &ctx.Request.Header
	for i := range setters {
		s := &setters[i]
		if s.del {
			h.Del(s.key)
			continue
		}
		buf = expandTemplate(buf[:0], s.parts, ctx)
		h.SetBytesV(s.key, buf)
	}
	return buf
}

// expandTemplate appends the expansion of parts to dst.
func expandTemplate(dst []byte, parts []tplPart, ctx *fasthttp.RequestCtx) []byte {
	for i := range parts {
		p := &parts[i]
		start := len(dst)
		dst = appendVariable(dst, p, ctx)
		if len(dst) == start && p.hasDef {
			dst = append(dst, p.def...)
		}
	}
	return dst
}

// appendVariable appends the value of one part.
func appendVariable(dst []byte, p *tplPart, ctx *fasthttp.RequestCtx) []byte {
	req := &ctx.Request
	switch p.kind {
	case varLiteral:
		return append(dst, p.text...)
	case varHost:
		return append(dst, stripPort(ctx.Host())...)
	case varHTTPHost:
		return append(dst, req.Header.Host()...)
	case varURI:
		return append(dst, ctx.Path()...)
	case varRequestURI:
		return append(dst, req.Header.RequestURI()...)
	case varMethod:
		return append(dst, req.Header.Method()...)
	case varScheme:
		if ctx.IsTLS() {
			return append(dst, "https"...)
		}
		return append(dst, "http"...)
	case varQueryString:
		return append(dst, ctx.URI().QueryString()...)
	case varContentType:
		return append(dst, req.Header.ContentType()...)
	case varContentLength:
		return append(dst, req.Header.Peek(fasthttp.HeaderContentLength)...)
	case varProtocol:
		return append(dst, req.Header.Protocol()...)
	case varRemoteAddr:
		return peerAddr(ctx).AppendTo(dst)
	case varRemotePort:
		if a, ok := ctx.RemoteAddr().(*net.TCPAddr); ok && a.Port > 0 {
			return strconv.AppendInt(dst, int64(a.Port), 10)
		}
		return dst
	case varRemoteUser:
		return appendBasicUser(dst, req.Header.Peek(fasthttp.HeaderAuthorization))
	case varProxyAddXFF:
		if cur := req.Header.Peek(headerXForwardedFor); len(cur) > 0 {
			dst = append(dst, cur...)
			dst = append(dst, ", "...)
		}
		return peerAddr(ctx).AppendTo(dst)
	case varHeader:
		return append(dst, req.Header.Peek(p.text)...)
	case varArg:
		return append(dst, ctx.QueryArgs().Peek(p.text)...)
	case varCookie:
		return append(dst, req.Header.Cookie(p.text)...)
	}
	return dst
}

// appendBasicUser appends the user name of a Basic authorization value.
func appendBasicUser(dst, auth []byte) []byte {
	const prefix = "basic "
	if len(auth) <= len(prefix) || !bytes.EqualFold(auth[:len(prefix)], []byte(prefix)) {
		return dst
	}
	enc := bytes.TrimSpace(auth[len(prefix):])
	start := len(dst)
	dst = slices.Grow(dst, base64.StdEncoding.DecodedLen(len(enc)))
	n, err := base64.StdEncoding.Decode(dst[start:start+base64.StdEncoding.DecodedLen(len(enc))], enc)
	if err != nil {
		return dst[:start]
	}
	user := dst[start : start+n]
	if i := bytes.IndexByte(user, ':'); i >= 0 {
		user = user[:i]
	}
	return dst[:start+len(user)]
}
