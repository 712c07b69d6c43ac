package validator

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// keyFamily groups the algorithms that verify with the same kind of key.
type keyFamily int

const (
	familyHMAC keyFamily = iota + 1
	familyRSA
	familyECDSA
	familyEdDSA
)

// familyOf returns the key family of a JWT algorithm name.
func familyOf(alg string) (keyFamily, bool) {
	switch alg {
	case "HS256", "HS384", "HS512":
		return familyHMAC, true
	case "RS256", "RS384", "RS512":
		return familyRSA, true
	case "ES256", "ES384", "ES512":
		return familyECDSA, true
	case "EdDSA":
		return familyEdDSA, true
	}
	return 0, false
}

// curveOf returns the curve an ES algorithm signs on.
func curveOf(alg string) elliptic.Curve {
	switch alg {
	case "ES256":
		return elliptic.P256()
	case "ES384":
		return elliptic.P384()
	case "ES512":
		return elliptic.P521()
	}
	return nil
}

// decodeSecret decodes a hex-encoded HMAC key.
func decodeSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("must be hex-encoded")
	}
	if len(b) == 0 {
		return nil, errors.New("must not be empty")
	}
	return b, nil
}

// parsePublicKey decodes a hex-encoded PEM public key and checks that it
// suits alg.
func parsePublicKey(hexPEM, alg string) (any, error) {
	raw, err := hex.DecodeString(hexPEM)
	if err != nil {
		return nil, errors.New("must be a PEM public key, hex-encoded")
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("does not hold a PEM block (it must be a PEM public key, hex-encoded)")
	}
	var key any
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("holds a PEM %q block, want PUBLIC KEY", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot be parsed: %v", err)
	}
	if err := keySuits(key, alg); err != nil {
		return nil, err
	}
	return key, nil
}

// keySuits checks that a public key can verify signatures of alg.
func keySuits(key any, alg string) error {
	fam, _ := familyOf(alg)
	switch k := key.(type) {
	case *rsa.PublicKey:
		if fam == familyRSA {
			return nil
		}
	case *ecdsa.PublicKey:
		if fam == familyECDSA {
			if want := curveOf(alg); k.Curve != want {
				return fmt.Errorf("is an ECDSA key on %s, %s needs %s", k.Curve.Params().Name, alg, want.Params().Name)
			}
			return nil
		}
	case ed25519.PublicKey:
		if fam == familyEdDSA {
			return nil
		}
	}
	return fmt.Errorf("is %s, which cannot verify %s", keyKind(key), alg)
}

// keyKind names the kind of a public key for messages.
func keyKind(key any) string {
	switch key.(type) {
	case *rsa.PublicKey:
		return "an RSA key"
	case *ecdsa.PublicKey:
		return "an ECDSA key"
	case ed25519.PublicKey:
		return "an Ed25519 key"
	}
	return fmt.Sprintf("a %T", key)
}
