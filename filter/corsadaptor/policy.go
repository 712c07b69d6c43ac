package corsadaptor

import (
	"bytes"

	"github.com/gatewright/gatewright/internal/wildcard"
)

// originAllowed reports whether origin may make requests.
func (p *policy) originAllowed(origin []byte) bool {
	return p.anyOrigin || p.origins.Match(origin)
}

// methodAllowed reports whether a preflight may ask for method.
func (p *policy) methodAllowed(method []byte) bool {
	for _, m := range p.methods {
		if len(m) == len(method) && upperEqual(method, m) {
			return true
		}
	}
	return false
}

// headersAllowed reports whether every header of the comma-separated
// list of an Access-Control-Request-Headers value is allowed.
func (p *policy) headersAllowed(list []byte) bool {
	if p.anyHeader {
		return true
	}
	for len(list) > 0 {
		var name []byte
		if i := bytes.IndexByte(list, ','); i >= 0 {
			name, list = list[:i], list[i+1:]
		} else {
			name, list = list, nil
		}
		name = bytes.TrimSpace(name)
		if len(name) == 0 {
			continue
		}
		if !p.headerAllowed(name) {
			return false
		}
	}
	return true
}

func (p *policy) headerAllowed(name []byte) bool {
	for _, h := range p.headers {
		if wildcard.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// upperEqual reports whether a equals upper, which is upper-case,
// ignoring ASCII case in a; the lengths must be equal.
func upperEqual(a, upper []byte) bool {
	for i, c := range a {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

// sameHost reports whether origin ("scheme://host[:port]") names host,
// the request's Host header: such a request is not cross-origin.
func sameHost(origin, host []byte) bool {
	i := bytes.Index(origin, []byte("://"))
	if i < 0 || len(host) == 0 {
		return false
	}
	o := origin[i+3:]
	if len(o) != len(host) {
		return false
	}
	for j := range o {
		a, b := o[j], host[j]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds token,
// ignoring case; token must be lower-case.
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		if item = bytes.TrimSpace(item); len(item) == len(token) && wildcard.EqualFold(item, []byte(token)) {
			return true
		}
	}
	return false
}
