package validator

import (
	"fmt"
	"net/url"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// DefaultIntrospectTimeout bounds one token introspection call unless
// tokenIntrospect.timeout says otherwise.
const DefaultIntrospectTimeout = 5 * time.Second

// MaxIntrospectCacheTTL bounds tokenIntrospect.cacheTTL.
const MaxIntrospectCacheTTL = time.Hour

// IntrospectCacheEntries is the number of introspected tokens the cache
// of one oauth2 check holds.
const IntrospectCacheEntries = 4096

// OAuth2Spec configures the oauth2 check: the bearer token is checked by
// token introspection (RFC 7662) or as a self-contained HMAC-signed JWT;
// exactly one of the two is set.
type OAuth2Spec struct {
	// TokenIntrospect asks an authorization server about the token.
	TokenIntrospect *TokenIntrospectSpec `json:"tokenIntrospect,omitempty" jsonschema:"description=ask an introspection endpoint (RFC 7662) whether the token is active"`
	// JWT verifies the token as an HMAC-signed JWT.
	JWT *OAuth2JWTSpec `json:"jwt,omitempty" jsonschema:"description=verify the token as an HMAC-signed JWT"`
}

// TokenIntrospectSpec is where and how to introspect tokens.
type TokenIntrospectSpec struct {
	// EndPoint is the introspection endpoint's URL.
	EndPoint string `json:"endPoint" jsonschema:"required,minLength=1,description=URL of the introspection endpoint"`
	// BasicAuth is the base64 of "user:password" sent as HTTP basic
	// authentication when there is no clientId.
	BasicAuth string `json:"basicAuth,omitempty" secret:"true" jsonschema:"description=base64 of user:password for HTTP basic authentication to the endpoint\\, used without clientId"`
	// ClientID and ClientSecret are sent in the form when ClientID is set.
	ClientID string `json:"clientId,omitempty" jsonschema:"description=client ID sent in the form"`
	// ClientSecret goes with ClientID.
	ClientSecret string `json:"clientSecret,omitempty" secret:"true" jsonschema:"description=client secret sent in the form with clientId"`
	// InsecureTLS skips the verification of the endpoint's certificate.
	InsecureTLS bool `json:"insecureTls,omitempty" jsonschema:"description=do not verify the endpoint's TLS certificate"`
	// Timeout bounds one call (gatewright; default 5s).
	Timeout registry.Duration `json:"timeout,omitempty" jsonschema:"description=bound of one introspection call (gatewright; default 5s)"`
	// CacheTTL, when set, remembers an active token's introspection for
	// that long (never past the token's exp), so that a client's requests
	// do not each call the endpoint; a token revoked meanwhile is then
	// accepted until its entry expires. 0 (the default) calls the
	// endpoint for every request. A gatewright addition, at most 1h.
	CacheTTL registry.Duration `json:"cacheTTL,omitempty" jsonschema:"description=remember an active token's introspection this long (never past its exp); 0 asks the endpoint every time (gatewright; at most 1h)"`
}

// OAuth2JWTSpec is the key of self-contained tokens.
type OAuth2JWTSpec struct {
	// Algorithm is the one HMAC algorithm accepted.
	Algorithm string `json:"algorithm" jsonschema:"required,enum=HS256,enum=HS384,enum=HS512,description=the only signing algorithm accepted"`
	// Secret is the HMAC key, hex-encoded.
	Secret string `json:"secret" secret:"true" jsonschema:"required,minLength=1,pattern=^[A-Fa-f0-9]*$,description=HMAC key\\, hex-encoded"`
}

// Validate checks that exactly one way is configured, and its fields.
func (s *OAuth2Spec) Validate() error {
	switch {
	case s.TokenIntrospect == nil && s.JWT == nil:
		return registry.FieldError{Reason: "set tokenIntrospect or jwt"}
	case s.TokenIntrospect != nil && s.JWT != nil:
		return registry.FieldError{Path: "jwt", Reason: "cannot be set together with tokenIntrospect"}
	case s.JWT != nil:
		_, err := decodeSecret(s.JWT.Secret)
		return adapt.At("jwt.secret", err)
	}
	ti := s.TokenIntrospect
	u, err := url.Parse(ti.EndPoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return registry.FieldError{Path: "tokenIntrospect.endPoint", Reason: "must be an absolute http or https URL"}
	}
	if ti.ClientSecret != "" && ti.ClientID == "" {
		return registry.FieldError{Path: "tokenIntrospect.clientSecret", Reason: "needs clientId"}
	}
	if ti.Timeout < 0 {
		return registry.FieldError{Path: "tokenIntrospect.timeout", Reason: "must not be negative"}
	}
	if ti.CacheTTL < 0 || ti.CacheTTL.D() > MaxIntrospectCacheTTL {
		return registry.FieldError{Path: "tokenIntrospect.cacheTTL", Reason: fmt.Sprintf("must be between 0 and %v", MaxIntrospectCacheTTL)}
	}
	return nil
}

func (ti *TokenIntrospectSpec) timeout() time.Duration {
	if ti.Timeout == 0 {
		return DefaultIntrospectTimeout
	}
	return ti.Timeout.D()
}
