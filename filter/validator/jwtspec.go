package validator

import (
	"net/url"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// JWKS defaults and bounds.
const (
	// DefaultJWKSCacheTTL is how long fetched keys are used before they
	// are fetched again, unless jwks.cacheTTL says otherwise.
	DefaultJWKSCacheTTL = 10 * time.Minute
	// MinJWKSCacheTTL is the shortest jwks.cacheTTL accepted.
	MinJWKSCacheTTL = time.Second
	// DefaultJWKSTimeout bounds one fetch of the key set.
	DefaultJWKSTimeout = 5 * time.Second
	// MaxLeeway is the largest clock skew allowance accepted.
	MaxLeeway = 10 * time.Minute
)

// JWTSpec configures the jwt check: the token comes from the cookie
// cookieName when it is set and present, otherwise from
// "Authorization: Bearer <token>"; it must be signed with algorithm by
// the configured key and pass the time and claim checks.
type JWTSpec struct {
	// Algorithm is the one signing algorithm accepted.
	Algorithm string `json:"algorithm" jsonschema:"required,enum=HS256,enum=HS384,enum=HS512,enum=RS256,enum=RS384,enum=RS512,enum=ES256,enum=ES384,enum=ES512,enum=EdDSA,description=the only signing algorithm accepted"`
	// Secret is the HMAC key of the HS algorithms, hex-encoded.
	Secret string `json:"secret,omitempty" secret:"true" jsonschema:"pattern=^[A-Fa-f0-9]*$,description=HMAC key for HS256/384/512\\, hex-encoded"`
	// PublicKey is the verification key of the other algorithms: a PEM
	// public key, hex-encoded.
	PublicKey string `json:"publicKey,omitempty" jsonschema:"pattern=^[A-Fa-f0-9]*$,description=PEM public key (PKIX; PKCS#1 for RSA) for RS/ES/EdDSA\\, hex-encoded"`
	// JWKS fetches the verification keys from a URL instead (gatewright).
	JWKS *JWKSSpec `json:"jwks,omitempty" jsonschema:"description=fetch verification keys from a JWKS URL instead of publicKey (gatewright)"`
	// CookieName names a cookie holding the token, tried first.
	CookieName string `json:"cookieName,omitempty" jsonschema:"description=cookie holding the token; tried before the Authorization header"`
	// Issuer, when set, must equal the token's iss claim (gatewright).
	Issuer string `json:"issuer,omitempty" jsonschema:"description=required value of the iss claim (gatewright)"`
	// Audiences, when set, must include one of the token's aud values
	// (gatewright).
	Audiences []string `json:"audiences,omitempty" jsonschema:"description=accepted audiences: the aud claim must hold one of them (gatewright)"`
	// RequireExp refuses tokens without an exp claim (gatewright).
	RequireExp bool `json:"requireExp,omitempty" jsonschema:"description=refuse tokens without an exp claim (gatewright)"`
	// Leeway is the clock skew allowed when checking exp, nbf and iat
	// (gatewright).
	Leeway registry.Duration `json:"leeway,omitempty" jsonschema:"description=clock skew allowed for exp and nbf (gatewright; at most 10m)"`
}

// JWKSSpec says where to fetch a JSON Web Key Set and how long to keep it.
type JWKSSpec struct {
	// URL is the key set's address (http or https).
	URL string `json:"url" jsonschema:"required,minLength=1,description=address of the JSON Web Key Set"`
	// CacheTTL is how long fetched keys are used before they are fetched
	// again (default 10m).
	CacheTTL registry.Duration `json:"cacheTTL,omitempty" jsonschema:"description=how long fetched keys are used before a new fetch (default 10m; at least 1s)"`
	// Timeout bounds one fetch (default 5s).
	Timeout registry.Duration `json:"timeout,omitempty" jsonschema:"description=bound of one fetch (default 5s)"`
}

// Validate checks the key material against the algorithm.
func (s *JWTSpec) Validate() error {
	fam, ok := familyOf(s.Algorithm)
	if !ok {
		return registry.FieldError{Path: "algorithm", Reason: "unsupported algorithm " + s.Algorithm}
	}
	if s.Leeway < 0 || s.Leeway.D() > MaxLeeway {
		return registry.FieldError{Path: "leeway", Reason: "must be between 0s and " + MaxLeeway.String()}
	}
	if fam == familyHMAC {
		switch {
		case s.Secret == "":
			return registry.FieldError{Path: "secret", Reason: "is required for " + s.Algorithm}
		case s.PublicKey != "":
			return registry.FieldError{Path: "publicKey", Reason: s.Algorithm + " uses secret, not publicKey"}
		case s.JWKS != nil:
			return registry.FieldError{Path: "jwks", Reason: s.Algorithm + " uses secret, not a key set"}
		}
		_, err := decodeSecret(s.Secret)
		return adapt.At("secret", err)
	}
	switch {
	case s.Secret != "":
		return registry.FieldError{Path: "secret", Reason: s.Algorithm + " verifies with a public key: use publicKey or jwks"}
	case s.PublicKey == "" && s.JWKS == nil:
		return registry.FieldError{Path: "publicKey", Reason: "publicKey or jwks is required for " + s.Algorithm}
	case s.PublicKey != "" && s.JWKS != nil:
		return registry.FieldError{Path: "jwks", Reason: "cannot be set together with publicKey"}
	case s.JWKS != nil:
		return adapt.At("jwks", s.JWKS.validate())
	}
	_, err := parsePublicKey(s.PublicKey, s.Algorithm)
	return adapt.At("publicKey", err)
}

func (j *JWKSSpec) validate() error {
	u, err := url.Parse(j.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return registry.FieldError{Path: "url", Reason: "must be an absolute http or https URL"}
	}
	if j.CacheTTL != 0 && j.CacheTTL.D() < MinJWKSCacheTTL {
		return registry.FieldError{Path: "cacheTTL", Reason: "must be at least " + MinJWKSCacheTTL.String()}
	}
	if j.Timeout < 0 {
		return registry.FieldError{Path: "timeout", Reason: "must not be negative"}
	}
	return nil
}

func (j *JWKSSpec) cacheTTL() time.Duration {
	if j.CacheTTL == 0 {
		return DefaultJWKSCacheTTL
	}
	return j.CacheTTL.D()
}

func (j *JWKSSpec) timeout() time.Duration {
	if j.Timeout == 0 {
		return DefaultJWKSTimeout
	}
	return j.Timeout.D()
}
