package signer

import (
	"bytes"
	"slices"
)

// span is a part of scratch.text.
type span struct{ off, end int }

// param is a query parameter of the canonical query, its name and value
// URI-encoded.
type param struct{ name, value span }

// nextParam splits the first parameter off a raw query: its name and
// value as sent (undecoded) and the rest after '&'. A parameter without
// '=' has an empty value.
func nextParam(raw []byte) (name, value, rest []byte) {
	part := raw
	if i := bytes.IndexByte(raw, '&'); i >= 0 {
		part, rest = raw[:i], raw[i+1:]
	}
	name = part
	if i := bytes.IndexByte(part, '='); i >= 0 {
		name, value = part[:i], part[i+1:]
	}
	return name, value, rest
}

// appendRecoded appends s, a query name or value as sent, decoded ("%XY"
// escapes, and '+' as a space) and URI-encoded again. A space is encoded
// "%20", as AWS does, or "+" with plus, as Easegress's signer does. It
// reports whether s held a space.
func appendRecoded(dst, s []byte, plus bool) ([]byte, bool, error) {
	space := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '+':
			ch = ' '
		case '%':
			b, ok := decodeAt(s, i)
			if !ok {
				return dst, space, errBadEscape
			}
			ch = b
			i += 2
		}
		if ch == ' ' {
			space = true
			if plus {
				dst = append(dst, '+')
				continue
			}
		}
		dst = appendEscaped(dst, ch)
	}
	return dst, space, nil
}

// appendCanonicalQuery appends the canonical query of raw, the query as
// sent: each parameter's name and value decoded and URI-encoded again,
// the parameters sorted by encoded name, then encoded value, and written
// name=value joined with '&'. Parameters whose encoded name is in drop
// are left out. See appendRecoded for plus. It reports whether a name
// or value held a space.
func (sc *scratch) appendCanonicalQuery(dst, raw []byte, drop []string, plus bool) ([]byte, bool, error) {
	sc.text, sc.params = sc.text[:0], sc.params[:0]
	anySpace := false
	for len(raw) > 0 {
		var name, value []byte
		name, value, raw = nextParam(raw)
		if len(name) == 0 && len(value) == 0 {
			continue
		}
		var p param
		var space1, space2 bool
		var err error
		p.name.off = len(sc.text)
		if sc.text, space1, err = appendRecoded(sc.text, name, plus); err != nil {
			return dst, false, err
		}
		p.name.end = len(sc.text)
		if contains(drop, sc.text[p.name.off:p.name.end]) {
			sc.text = sc.text[:p.name.off]
			continue
		}
		p.value.off = p.name.end
		if sc.text, space2, err = appendRecoded(sc.text, value, plus); err != nil {
			return dst, false, err
		}
		p.value.end = len(sc.text)
		anySpace = anySpace || space1 || space2
		sc.params = append(sc.params, p)
	}
	text := sc.text
	slices.SortFunc(sc.params, func(a, b param) int {
		if c := bytes.Compare(text[a.name.off:a.name.end], text[b.name.off:b.name.end]); c != 0 {
			return c
		}
		return bytes.Compare(text[a.value.off:a.value.end], text[b.value.off:b.value.end])
	})
	for i, p := range sc.params {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, text[p.name.off:p.name.end]...)
		dst = append(dst, '=')
		dst = append(dst, text[p.value.off:p.value.end]...)
	}
	return dst, anySpace, nil
}

// queryValue returns the decoded value of the first parameter of raw
// named name (compared decoded), and whether there is one.
func queryValue(raw []byte, name string) (string, bool) {
	for len(raw) > 0 {
		var n, v []byte
		n, v, raw = nextParam(raw)
		dn, err := decodeQuery(n)
		if err != nil || dn != name {
			continue
		}
		dv, err := decodeQuery(v)
		return dv, err == nil
	}
	return "", false
}

// decodeQuery decodes a query name or value as sent.
func decodeQuery(s []byte) (string, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '+':
			ch = ' '
		case '%':
			b, ok := decodeAt(s, i)
			if !ok {
				return "", errBadEscape
			}
			ch = b
			i += 2
		}
		out = append(out, ch)
	}
	return string(out), nil
}
