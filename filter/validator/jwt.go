package validator

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/golang-jwt/jwt/v5"
)

var (
	errNoToken = errors.New("no token: neither the cookie nor an Authorization: Bearer header")
	bearer     = []byte("bearer ")
)

// jwtCheck is the compiled jwt check.
type jwtCheck struct {
	alg     string
	cookie  string
	parser  *jwt.Parser
	key     any        // inline key: []byte for HS, a public key otherwise
	jwks    *jwksCache // or nil
	keyFunc jwt.Keyfunc
}

func newJWTCheck(s *JWTSpec, log *slog.Logger) (*jwtCheck, error) {
	c := &jwtCheck{alg: s.Algorithm, cookie: s.CookieName}
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{s.Algorithm}), jwt.WithLeeway(s.Leeway.D())}
	if s.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(s.Issuer))
	}
	if len(s.Audiences) > 0 {
		opts = append(opts, jwt.WithAudience(s.Audiences...))
	}
	if s.RequireExp {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	c.parser = jwt.NewParser(opts...)
	fam, _ := familyOf(s.Algorithm)
	var err error
	switch {
	case fam == familyHMAC:
		c.key, err = decodeSecret(s.Secret)
	case s.JWKS != nil:
		c.jwks = newJWKSCache(s.JWKS, s.Algorithm, log)
	default:
		c.key, err = parsePublicKey(s.PublicKey, s.Algorithm)
	}
	if err != nil {
		return nil, err
	}
	c.keyFunc = c.verificationKey
	return c, nil
}

// start fetches the key set, if there is one.
func (c *jwtCheck) start() {
	if c.jwks != nil {
		c.jwks.start()
	}
}

// close stops the key set's fetches.
func (c *jwtCheck) close() {
	if c.jwks != nil {
		c.jwks.close()
	}
}

// check verifies the request's token: signature by the configured key
// with the configured algorithm (anything else, alg "none" included, is
// refused before a key is looked at), then exp and nbf when present, and
// iss, aud and the presence of exp when configured.
func (c *jwtCheck) check(req *httpprot.Request) error {
	token := findToken(req, c.cookie)
	if token == nil {
		return errNoToken
	}
	var claims jwt.RegisteredClaims
	if _, err := c.parser.ParseWithClaims(string(token), &claims, c.keyFunc); err != nil {
		return err
	}
	return nil
}

// verificationKey is the parser's key function.
func (c *jwtCheck) verificationKey(t *jwt.Token) (any, error) {
	// WithValidMethods already refused other algorithms; this guards the
	// key against a token of another algorithm even so.
	if t.Method.Alg() != c.alg {
		return nil, fmt.Errorf("algorithm %s is not accepted", t.Method.Alg())
	}
	if c.jwks == nil {
		return c.key, nil
	}
	kid, _ := t.Header["kid"].(string)
	keys, err := c.jwks.keys(kid)
	if err != nil {
		return nil, err
	}
	if len(keys) == 1 {
		return keys[0].key, nil
	}
	set := jwt.VerificationKeySet{Keys: make([]jwt.VerificationKey, len(keys))}
	for i := range keys {
		set.Keys[i] = keys[i].key
	}
	return set, nil
}

// findToken returns the token from the cookie, when it is configured and
// set, otherwise from "Authorization: Bearer <token>"; nil when there is
// none. The bytes belong to the request.
func findToken(req *httpprot.Request, cookie string) []byte {
	if cookie != "" {
		if v := req.Header.Cookie(cookie); len(v) > 0 {
			return v
		}
	}
	return bearerToken(req)
}

// bearerToken returns the token of "Authorization: Bearer <token>" (the
// scheme is case-insensitive), or nil.
func bearerToken(req *httpprot.Request) []byte {
	h := req.Header.Peek("Authorization")
	if len(h) <= len(bearer) || !bytes.EqualFold(h[:len(bearer)], bearer) {
		return nil
	}
	return bytes.TrimSpace(h[len(bearer):])
}
