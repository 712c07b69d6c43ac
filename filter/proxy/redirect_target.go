package proxy

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"
)

// resolveLocation resolves a Location against the URL of the request
// last sent (RFC 3986: a relative reference keeps the server, a path
// without / is relative to the last path). It fails for a Location that
// does not parse, carries user info, or does not name an http(s) server.
func resolveLocation(cur *server, last *fasthttp.Request, loc []byte) (*url.URL, bool) {
	ref, err := url.Parse(string(loc))
	if err != nil || ref.User != nil {
		return nil, false
	}
	base := &url.URL{Scheme: cur.scheme, Host: cur.url.host, Path: "/"}
	if u, err := url.ParseRequestURI(string(last.URI().RequestURI())); err == nil {
		base.Path, base.RawPath, base.RawQuery = u.Path, u.RawPath, u.RawQuery
	}
	target := base.ResolveReference(ref)
	if target.Host == "" || target.Opaque != "" || !strings.HasPrefix(target.RequestURI(), "/") {
		return nil, false
	}
	return target, true
}

// serverAt returns the server of the pool at the target's scheme, host
// and port (the scheme's default port when none is given), trying cur
// first; nil when no server of the pool is there.
func (p *pool) serverAt(target *url.URL, cur *server) *server {
	var tls bool
	port := 80
	switch target.Scheme {
	case "http":
	case "https":
		tls, port = true, 443
	default:
		return nil
	}
	if ps := target.Port(); ps != "" {
		n, err := strconv.Atoi(ps)
		if err != nil {
			return nil
		}
		port = n
	}
	host := target.Hostname()
	if cur.at(tls, host, port) {
		return cur
	}
	for _, s := range p.servers {
		if s.at(tls, host, port) {
			return s
		}
	}
	return nil
}

// at reports whether the server's URL has this scheme (tls), host and
// port. Host names compare without case, IP addresses by value.
func (s *server) at(tls bool, host string, port int) bool {
	if s.url.tls != tls || s.url.port != port {
		return false
	}
	if strings.EqualFold(s.url.hostname, host) {
		return true
	}
	a, errA := netip.ParseAddr(s.url.hostname)
	b, errB := netip.ParseAddr(host)
	return errA == nil && errB == nil && a.Unmap() == b.Unmap()
}

// normalizeTarget returns a request target as net/url writes it, so that
// the client's target compares with the resolved ones; a target net/url
// cannot parse is returned as it is.
func normalizeTarget(target string) string {
	if u, err := url.ParseRequestURI(target); err == nil {
		return u.RequestURI()
	}
	return target
}
