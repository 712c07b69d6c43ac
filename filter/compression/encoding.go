package compression

import (
	"bytes"
	"fmt"
)

// Encoding is a content coding.
type Encoding uint8

// Content codings.
const (
	// Identity is no coding: the body is left as it is.
	Identity Encoding = iota
	// Gzip is RFC 1952 gzip.
	Gzip
	// Brotli is RFC 7932 brotli, "br".
	Brotli
)

// String returns the coding's token, as in Content-Encoding.
func (e Encoding) String() string {
	switch e {
	case Gzip:
		return "gzip"
	case Brotli:
		return "br"
	}
	return "identity"
}

// ParseEncoding returns the coding named by token: "gzip" or "br".
func ParseEncoding(token string) (Encoding, error) {
	switch token {
	case "gzip":
		return Gzip, nil
	case "br":
		return Brotli, nil
	}
	return Identity, fmt.Errorf("%q is not a supported encoding (gzip, br)", token)
}

// qNone marks a coding the header does not mention.
const qNone = -1

// weights holds the q-value (in thousandths) Accept-Encoding gives each
// coding; qNone when not mentioned.
type weights struct {
	gzip, br, star int
}

// parseAcceptEncoding reads an Accept-Encoding value without allocating:
// "gzip;q=0.8, br, *;q=0". x-gzip counts as gzip.
func parseAcceptEncoding(v []byte) weights {
	w := weights{gzip: qNone, br: qNone, star: qNone}
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		token, params, _ := bytes.Cut(item, []byte(";"))
		token = bytes.TrimSpace(token)
		q := parseQ(params)
		switch {
		case equalFold(token, "gzip"), equalFold(token, "x-gzip"):
			w.gzip = max(w.gzip, q)
		case equalFold(token, "br"):
			w.br = max(w.br, q)
		case len(token) == 1 && token[0] == '*':
			w.star = max(w.star, q)
		}
	}
	return w
}

// parseQ reads the q parameter of a coding, in thousandths; 1000 when
// absent, 0 when malformed.
func parseQ(params []byte) int {
	for len(params) > 0 {
		var p []byte
		if i := bytes.IndexByte(params, ';'); i >= 0 {
			p, params = params[:i], params[i+1:]
		} else {
			p, params = params, nil
		}
		name, value, ok := bytes.Cut(bytes.TrimSpace(p), []byte("="))
		if !ok || !equalFold(bytes.TrimSpace(name), "q") {
			continue
		}
		return qValue(bytes.TrimSpace(value))
	}
	return 1000
}

// qValue parses "0", "0.5", "1", "1.000" (RFC 9110 qvalue) into
// thousandths; anything else, "1.5" included, is 0.
func qValue(v []byte) int {
	if len(v) == 0 || (v[0] != '0' && v[0] != '1') {
		return 0
	}
	q := int(v[0]-'0') * 1000
	if len(v) == 1 {
		return q
	}
	if v[1] != '.' || len(v) > 5 {
		return 0
	}
	scale := 100
	for _, c := range v[2:] {
		if c < '0' || c > '9' || (q == 1000 && c != '0') {
			return 0 // not a digit, or above 1
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	return q
}

// of returns the weight of e: its own, or that of "*".
func (w weights) of(e Encoding) int {
	q := qNone
	switch e {
	case Gzip:
		q = w.gzip
	case Brotli:
		q = w.br
	}
	if q == qNone {
		q = w.star
	}
	return q
}

// equalFold compares b with the lower-case ASCII s, ignoring case in b.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
