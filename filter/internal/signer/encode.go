package signer

import (
	"errors"
	"time"
)

const upperHex = "0123456789ABCDEF"

// errBadEscape reports a '%' not followed by two hex digits.
var errBadEscape = errors.New("invalid percent-encoding")

// unreserved reports whether ch is left as it is by URI encoding: a
// letter, a digit, '-', '.', '_' or '~'.
func unreserved(ch byte) bool {
	return ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.' || ch == '_' || ch == '~'
}

// appendEscaped appends ch URI-encoded: as it is when unreserved,
// otherwise as %XY with upper-case hex digits.
func appendEscaped(dst []byte, ch byte) []byte {
	if unreserved(ch) {
		return append(dst, ch)
	}
	return append(dst, '%', upperHex[ch>>4], upperHex[ch&0xf])
}

// unhex returns the value of a hex digit and whether it is one.
func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeAt decodes the escape "%XY" at s[i] and reports whether there is
// a valid one.
func decodeAt(s []byte, i int) (byte, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	hi, ok1 := unhex(s[i+1])
	lo, ok2 := unhex(s[i+2])
	return hi<<4 | lo, ok1 && ok2
}

// appendCanonicalPath appends the canonical URI of path, the path as
// sent: "/" when empty, and every byte but unreserved ones and '/'
// percent-encoded. Without decodeFirst a '%' of the path is encoded again
// (the path is encoded twice, as AWS services other than S3 expect);
// with it the path's escapes are decoded first, so that it is encoded
// once (as S3 expects). A malformed escape is then kept as sent, encoded.
func appendCanonicalPath(dst, path []byte, decodeFirst bool) []byte {
	if len(path) == 0 {
		return append(dst, '/')
	}
	for i := 0; i < len(path); i++ {
		ch := path[i]
		if ch == '%' && decodeFirst {
			if b, ok := decodeAt(path, i); ok {
				ch = b
				i += 2
			}
		}
		if ch == '/' {
			dst = append(dst, ch)
			continue
		}
		dst = appendEscaped(dst, ch)
	}
	return dst
}

// appendHex appends b as lower-case hex.
func appendHex(dst, b []byte) []byte {
	const lowerHex = "0123456789abcdef"
	for _, c := range b {
		dst = append(dst, lowerHex[c>>4], lowerHex[c&0xf])
	}
	return dst
}

// stampLen is the length of a signing time, yyyymmddThhmmssZ; its first
// dateLen bytes are the date of the credential scope.
const (
	stampLen = len("20060102T150405Z")
	dateLen  = len("20060102")
)

// timeFormat is the signing time's layout for time.Parse.
const timeFormat = "20060102T150405Z"

// appendStamp appends t, in UTC, as a signing time: yyyymmddThhmmssZ.
func appendStamp(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = appendDigits(dst, y, 4)
	dst = appendDigits(dst, int(mo), 2)
	dst = appendDigits(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, h, 2)
	dst = appendDigits(dst, mi, 2)
	dst = appendDigits(dst, s, 2)
	return append(dst, 'Z')
}

// appendDigits appends the last n decimal digits of v, zero-padded.
func appendDigits(dst []byte, v, n int) []byte {
	var b [4]byte
	for i := n - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:n]...)
}
