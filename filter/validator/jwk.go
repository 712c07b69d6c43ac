package validator

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// jwkJSON is one JSON Web Key (RFC 7517) with the members the public key
// types use (RFC 7518 section 6, RFC 8037).
type jwkJSON struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// jwksJSON is a JSON Web Key Set.
type jwksJSON struct {
	Keys []json.RawMessage `json:"keys"`
}

// namedKey is a verification key with its key ID.
type namedKey struct {
	kid string
	key any
}

// parseJWKS reads a key set and returns the keys that can verify alg.
// Keys of other types, curves or algorithms, keys whose use is not "sig"
// and malformed keys are skipped; skipped counts them.
func parseJWKS(body []byte, alg string) (keys []namedKey, skipped int, err error) {
	var set jwksJSON
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, 0, fmt.Errorf("not a JSON Web Key Set: %v", err)
	}
	if set.Keys == nil {
		return nil, 0, errors.New(`not a JSON Web Key Set: no "keys" member`)
	}
	for _, raw := range set.Keys {
		var j jwkJSON
		if json.Unmarshal(raw, &j) != nil {
			skipped++
			continue
		}
		key, err := j.publicKey(alg)
		if err != nil {
			skipped++
			continue
		}
		keys = append(keys, namedKey{kid: j.Kid, key: key})
	}
	if len(keys) == 0 {
		return nil, skipped, fmt.Errorf("the key set has no key for %s (%d keys skipped)", alg, skipped)
	}
	return keys, skipped, nil
}

// publicKey builds the key and checks that it may verify alg.
func (j *jwkJSON) publicKey(alg string) (any, error) {
	if j.Use != "" && j.Use != "sig" {
		return nil, fmt.Errorf("key use %q", j.Use)
	}
	if j.Alg != "" && j.Alg != alg {
		return nil, fmt.Errorf("key for %s", j.Alg)
	}
	var key any
	var err error
	switch j.Kty {
	case "RSA":
		key, err = j.rsaKey()
	case "EC":
		key, err = j.ecKey(alg)
	case "OKP":
		key, err = j.okpKey()
	default:
		return nil, fmt.Errorf("key type %q", j.Kty)
	}
	if err != nil {
		return nil, err
	}
	return key, keySuits(key, alg)
}

func (j *jwkJSON) rsaKey() (*rsa.PublicKey, error) {
	n, err := b64url(j.N)
	if err != nil || len(n) == 0 {
		return nil, errors.New("bad RSA modulus")
	}
	e, err := b64url(j.E)
	if err != nil || len(e) == 0 || len(e) > 4 {
		return nil, errors.New("bad RSA exponent")
	}
	exp := int(new(big.Int).SetBytes(e).Int64())
	if exp < 3 || exp%2 == 0 {
		return nil, errors.New("bad RSA exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
}

func (j *jwkJSON) ecKey(alg string) (*ecdsa.PublicKey, error) {
	curve := curveOf(alg)
	if curve == nil || curve.Params().Name != j.Crv {
		return nil, fmt.Errorf("curve %q", j.Crv)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, errX := b64url(j.X)
	y, errY := b64url(j.Y)
	if errX != nil || errY != nil || len(x) != size || len(y) != size {
		return nil, errors.New("bad EC coordinates")
	}
	point := make([]byte, 0, 1+2*size)
	point = append(append(append(point, 4), x...), y...)
	return ecdsa.ParseUncompressedPublicKey(curve, point)
}

func (j *jwkJSON) okpKey() (ed25519.PublicKey, error) {
	if j.Crv != "Ed25519" {
		return nil, fmt.Errorf("curve %q", j.Crv)
	}
	x, err := b64url(j.X)
	if err != nil || len(x) != ed25519.PublicKeySize {
		return nil, errors.New("bad Ed25519 key")
	}
	return ed25519.PublicKey(x), nil
}

// b64url decodes base64url, with or without padding.
func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
