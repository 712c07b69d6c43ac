package backend

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Scheme is one URL scheme a server may be given with.
type Scheme struct {
	// Name is the scheme, such as "http" or "wss".
	Name string
	// TLS is true for a secure scheme; its default port is 443, else 80.
	TLS bool
}

// URL is a parsed server URL, scheme://host[:port].
type URL struct {
	// TLS is true when the scheme is a secure one.
	TLS bool
	// Host is the URL's host with its port as written, for a Host header.
	Host string
	// Hostname is the host without port or brackets.
	Hostname string
	// Port is the effective port: the one written or the scheme's default.
	Port int
}

// ParseURL checks and parses raw, a server URL of one of schemes with no
// user info, path, query or fragment. form names the accepted shape in
// errors, such as "http(s)://host[:port]".
func ParseURL(raw, form string, schemes ...Scheme) (URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return URL{}, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	out, known := URL{}, false
	for _, s := range schemes {
		if u.Scheme == s.Name {
			out.TLS, out.Port, known = s.TLS, 80, true
			if s.TLS {
				out.Port = 443
			}
			break
		}
	}
	if !known {
		return URL{}, fmt.Errorf("%q: scheme must be %s", raw, schemeList(schemes))
	}
	if u.User != nil {
		return URL{}, fmt.Errorf("%q: user info is not allowed in a server URL", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return URL{}, fmt.Errorf("%q: must be %s without path, query or fragment", raw, form)
	}
	out.Hostname = u.Hostname()
	if out.Hostname == "" {
		return URL{}, fmt.Errorf("%q: host is missing", raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return URL{}, fmt.Errorf("%q: port must be 1-65535", raw)
		}
		out.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return URL{}, fmt.Errorf("%q: empty port", raw)
	}
	out.Host = u.Host
	return out, nil
}

// schemeList names the schemes as "a, b or c".
func schemeList(schemes []Scheme) string {
	var b strings.Builder
	for i, s := range schemes {
		switch {
		case i == 0:
		case i == len(schemes)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(s.Name)
	}
	return b.String()
}
