package validator

import (
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
	"strconv"
	"strings"
)

// SHA-crypt round bounds (Ulrich Drepper's specification).
const (
	shaCryptDefaultRounds = 5000
	shaCryptMinRounds     = 1000
	shaCryptMaxRounds     = 999_999_999
	shaCryptMaxSalt       = 16
)

// parseSHACrypt reads "$5$[rounds=N$]<salt>$<hash>" (SHA-256) or the
// same with "$6$" (SHA-512).
func parseSHACrypt(h string) (passwordHash, error) {
	bad := errors.New("malformed SHA-crypt hash")
	magic := h[:3]
	rest := h[3:]
	rounds, explicit := shaCryptDefaultRounds, false
	if r, ok := strings.CutPrefix(rest, "rounds="); ok {
		n, after, found := strings.Cut(r, "$")
		v, err := strconv.Atoi(n)
		if !found || err != nil || v < 1 {
			return nil, bad
		}
		rounds, explicit, rest = min(max(v, shaCryptMinRounds), shaCryptMaxRounds), true, after
	}
	salt, sum, ok := strings.Cut(rest, "$")
	if !ok || len(salt) > shaCryptMaxSalt || sum == "" {
		return nil, bad
	}
	newHash, size := sha256.New, sha256.Size
	if magic == "$6$" {
		newHash, size = sha512.New, sha512.Size
	}
	if len(sum) != (size*8+5)/6 {
		return nil, bad
	}
	compute := func(pw []byte) string {
		return shaCrypt(pw, []byte(salt), magic, rounds, explicit, newHash)
	}
	return &cryptHash{stored: h, compute: compute}, nil
}

// shaCrypt computes SHA-256-crypt or SHA-512-crypt.
func shaCrypt(pw, salt []byte, magic string, rounds int, explicitRounds bool, newHash func() hash.Hash) string {
	b := newHash()
	b.Write(pw)
	b.Write(salt)
	b.Write(pw)
	bSum := b.Sum(nil)
	size := len(bSum)

	a := newHash()
	a.Write(pw)
	a.Write(salt)
	for n := len(pw); n > 0; n -= size {
		a.Write(bSum[:min(n, size)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			a.Write(bSum)
		} else {
			a.Write(pw)
		}
	}
	aSum := a.Sum(nil)

	dp := newHash()
	for range len(pw) {
		dp.Write(pw)
	}
	p := repeatTo(dp.Sum(nil), len(pw))

	ds := newHash()
	for range 16 + int(aSum[0]) {
		ds.Write(salt)
	}
	s := repeatTo(ds.Sum(nil), len(salt))

	c := aSum
	for i := range rounds {
		r := newHash()
		if i&1 != 0 {
			r.Write(p)
		} else {
			r.Write(c)
		}
		if i%3 != 0 {
			r.Write(s)
		}
		if i%7 != 0 {
			r.Write(p)
		}
		if i&1 != 0 {
			r.Write(c)
		} else {
			r.Write(p)
		}
		c = r.Sum(c[:0])
	}

	out := []byte(magic)
	if explicitRounds {
		out = append(append(append(out, "rounds="...), strconv.Itoa(rounds)...), '$')
	}
	out = append(append(out, salt...), '$')
	// The digest is written in triples (i, i+n, i+2n) whose order turns
	// at every step, one way for SHA-256 and the other for SHA-512.
	n := size / 3
	for i := range n {
		x, y, z := i, i+n, i+2*n
		turn := i % 3
		if size == sha512.Size && turn != 0 {
			turn = 3 - turn
		}
		switch turn {
		case 1:
			x, y, z = i+2*n, i, i+n
		case 2:
			x, y, z = i+n, i+2*n, i
		}
		out = appendCrypt64(out, uint32(c[x])<<16|uint32(c[y])<<8|uint32(c[z]), 4)
	}
	if size == sha256.Size {
		out = appendCrypt64(out, uint32(c[31])<<8|uint32(c[30]), 3)
	} else {
		out = appendCrypt64(out, uint32(c[63]), 2)
	}
	return string(out)
}

// repeatTo returns sum repeated to n bytes.
func repeatTo(sum []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, sum[:min(len(sum), n-len(out))]...)
	}
	return out
}
