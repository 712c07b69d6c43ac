package validator

import (
	"crypto/sha1" //nolint:gosec // {SHA} and {SSHA} htpasswd hashes are SHA-1 by definition
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// passwordHash is a stored password hash that a password can be checked
// against. Supported forms, as htpasswd and crypt(3) write them:
//
//	$2a$, $2b$, $2y$   bcrypt
//	$apr1$, $1$        MD5-crypt (Apache's and the original)
//	$5$, $6$           SHA-256-crypt and SHA-512-crypt
//	{SHA}              base64 SHA-1
//	{SSHA}             base64 salted SHA-1
//
// Plain-text passwords are refused.
type passwordHash interface {
	matches(password []byte) bool
}

var errUnsupportedHash = errors.New("unsupported password hash: use bcrypt ($2y$), SHA-crypt ($5$, $6$), MD5-crypt ($apr1$, $1$), {SHA} or {SSHA}; plain text is refused")

// parseHash recognises a stored hash.
func parseHash(h string) (passwordHash, error) {
	switch {
	case strings.HasPrefix(h, "$2a$"), strings.HasPrefix(h, "$2b$"), strings.HasPrefix(h, "$2y$"):
		if _, err := bcrypt.Cost([]byte(h)); err != nil {
			return nil, errors.New("malformed bcrypt hash")
		}
		return bcryptHash(h), nil
	case strings.HasPrefix(h, "$apr1$"), strings.HasPrefix(h, "$1$"):
		return parseMD5Crypt(h)
	case strings.HasPrefix(h, "$5$"), strings.HasPrefix(h, "$6$"):
		return parseSHACrypt(h)
	case strings.HasPrefix(h, "{SHA}"):
		d, err := base64.StdEncoding.DecodeString(h[len("{SHA}"):])
		if err != nil || len(d) != sha1.Size {
			return nil, errors.New("malformed {SHA} hash")
		}
		return &saltedSHA1{digest: d}, nil
	case strings.HasPrefix(h, "{SSHA}"):
		d, err := base64.StdEncoding.DecodeString(h[len("{SSHA}"):])
		if err != nil || len(d) <= sha1.Size {
			return nil, errors.New("malformed {SSHA} hash")
		}
		return &saltedSHA1{digest: d[:sha1.Size], salt: d[sha1.Size:]}, nil
	}
	return nil, errUnsupportedHash
}

// bcryptHash is a bcrypt hash.
type bcryptHash string

func (h bcryptHash) matches(password []byte) bool {
	return bcrypt.CompareHashAndPassword([]byte(h), password) == nil
}

// saltedSHA1 is {SHA} (no salt) or {SSHA}: SHA-1 of the password and the
// salt.
type saltedSHA1 struct {
	digest, salt []byte
}

func (h *saltedSHA1) matches(password []byte) bool {
	m := sha1.New() //nolint:gosec // the stored hash is SHA-1
	m.Write(password)
	m.Write(h.salt)
	return subtle.ConstantTimeCompare(m.Sum(nil), h.digest) == 1
}

// cryptHash is a crypt(3)-style hash recomputed in full and compared.
type cryptHash struct {
	stored  string
	compute func(password []byte) string
}

func (h *cryptHash) matches(password []byte) bool {
	return subtle.ConstantTimeCompare([]byte(h.compute(password)), []byte(h.stored)) == 1
}

// cryptAlphabet is the base64 alphabet of crypt(3).
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// appendCrypt64 appends n characters encoding the low bits of v, least
// significant first.
func appendCrypt64(dst []byte, v uint32, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, cryptAlphabet[v&0x3f])
		v >>= 6
	}
	return dst
}
