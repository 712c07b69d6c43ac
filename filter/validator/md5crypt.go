package validator

import (
	"crypto/md5" //nolint:gosec // MD5-crypt hashes are MD5 by definition
	"errors"
	"strings"
)

// parseMD5Crypt reads "$apr1$<salt>$<hash>" or "$1$<salt>$<hash>".
func parseMD5Crypt(h string) (passwordHash, error) {
	magic := "$1$"
	if strings.HasPrefix(h, "$apr1$") {
		magic = "$apr1$"
	}
	salt, sum, ok := strings.Cut(h[len(magic):], "$")
	if !ok || salt == "" || len(salt) > 8 || len(sum) != 22 {
		return nil, errors.New("malformed MD5-crypt hash")
	}
	return &cryptHash{stored: h, compute: func(pw []byte) string { return md5Crypt(pw, []byte(salt), magic) }}, nil
}

// md5Crypt computes the MD5-based crypt of Poul-Henning Kamp (magic
// "$1$"), which Apache uses with the magic "$apr1$".
func md5Crypt(pw, salt []byte, magic string) string {
	alt := md5.New() //nolint:gosec
	alt.Write(pw)
	alt.Write(salt)
	alt.Write(pw)
	altSum := alt.Sum(nil)

	ctx := md5.New() //nolint:gosec
	ctx.Write(pw)
	ctx.Write([]byte(magic))
	ctx.Write(salt)
	for n := len(pw); n > 0; n -= md5.Size {
		ctx.Write(altSum[:min(n, md5.Size)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			ctx.Write([]byte{0})
		} else {
			ctx.Write(pw[:1])
		}
	}
	sum := ctx.Sum(nil)

	for i := range 1000 {
		r := md5.New() //nolint:gosec
		if i&1 != 0 {
			r.Write(pw)
		} else {
			r.Write(sum)
		}
		if i%3 != 0 {
			r.Write(salt)
		}
		if i%7 != 0 {
			r.Write(pw)
		}
		if i&1 != 0 {
			r.Write(sum)
		} else {
			r.Write(pw)
		}
		sum = r.Sum(sum[:0])
	}

	out := make([]byte, 0, len(magic)+len(salt)+1+22)
	out = append(append(append(out, magic...), salt...), '$')
	for _, g := range [5][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		out = appendCrypt64(out, uint32(sum[g[0]])<<16|uint32(sum[g[1]])<<8|uint32(sum[g[2]]), 4)
	}
	out = appendCrypt64(out, uint32(sum[11]), 2)
	return string(out)
}
