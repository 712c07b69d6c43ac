package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// appendScope appends the credential scope: the date, each scope element
// and the suffix, joined with '/'.
func appendScope(dst, date []byte, scopes []string, suffix string) []byte {
	dst = append(dst, date...)
	for _, s := range scopes {
		dst = append(dst, '/')
		dst = append(dst, s...)
	}
	dst = append(dst, '/')
	return append(dst, suffix...)
}

// deriveKey derives the signing key from a secret: an HMAC-SHA256 chain
// keyed first with prefix+secret, over the date, each scope element and
// the suffix.
func deriveKey(prefix, secret string, date []byte, scopes []string, suffix string) []byte {
	key := hmacSum([]byte(prefix+secret), date)
	for _, s := range scopes {
		key = hmacSum(key, []byte(s))
	}
	return hmacSum(key, []byte(suffix))
}

// hmacSum returns the HMAC-SHA256 of data under key.
func hmacSum(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// signingDay is a Signer's signing key for one date, with the credential
// scope of that date and a pool of HMACs keyed with the key, so that a
// signature costs one HMAC and no key derivation.
type signingDay struct {
	date  [dateLen]byte
	scope []byte
	macs  sync.Pool // of hash.Hash
}

func newSigningDay(s *Signer, date []byte) *signingDay {
	d := &signingDay{scope: appendScope(nil, date, s.scopes, s.lit.ScopeSuffix)}
	copy(d.date[:], date)
	key := deriveKey(s.lit.SigningKeyPrefix, s.secret, date, s.scopes, s.lit.ScopeSuffix)
	d.macs.New = func() any { return hmac.New(sha256.New, key) }
	return d
}

// appendSignature appends the raw signature of the string to sign.
func (d *signingDay) appendSignature(dst, stringToSign []byte) []byte {
	m := d.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(stringToSign)
	dst = m.Sum(dst)
	d.macs.Put(m)
	return dst
}
