package validator

import (
	"regexp"
	"strconv"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the Validator filter's own fields. At least one check must be
// configured; the configured checks run in the order headers, jwt,
// signature, oauth2, basicAuth, and the first failing one rejects the
// request.
type Spec struct {
	// Headers maps a header name to the values it must have.
	Headers map[string]HeaderRule `json:"headers,omitempty" jsonschema:"description=header name to its allowed values; each named header must be present with an allowed value (400 otherwise)"`
	// JWT checks a JSON Web Token.
	JWT *JWTSpec `json:"jwt,omitempty" jsonschema:"description=check a JSON Web Token from a cookie or Authorization: Bearer (401 otherwise)"`
	// Signature checks an HMAC request signature.
	Signature *SignatureSpec `json:"signature,omitempty" jsonschema:"description=check an HMAC request signature\\, AWS SigV4 style (401 otherwise)"`
	// OAuth2 checks an OAuth2 access token.
	OAuth2 *OAuth2Spec `json:"oauth2,omitempty" jsonschema:"description=check an OAuth2 bearer token by introspection or as a JWT (401 otherwise)"`
	// BasicAuth checks HTTP basic authentication.
	BasicAuth *BasicAuthSpec `json:"basicAuth,omitempty" jsonschema:"description=check HTTP basic authentication against users from a file\\, the store or an LDAP server (401 otherwise)"`
}

// HeaderRule lists the values a header may have: one of Values, or a
// match of Regexp.
type HeaderRule struct {
	// Values are the allowed values, compared exactly.
	Values []string `json:"values,omitempty" jsonschema:"description=allowed values\\, compared exactly"`
	// Regexp is an RE2 expression an allowed value contains a match of.
	Regexp string `json:"regexp,omitempty" jsonschema:"description=RE2 regular expression (unanchored) that allowed values match"`
}

// Validate checks that at least one check is configured and each is
// valid.
func (s *Spec) Validate() error {
	if len(s.Headers) == 0 && s.JWT == nil && s.Signature == nil && s.OAuth2 == nil && s.BasicAuth == nil {
		return registry.FieldError{Reason: "configure at least one of headers, jwt, signature, oauth2 and basicAuth"}
	}
	for _, name := range sortedKeys(s.Headers) {
		r := s.Headers[name]
		if err := r.validate(name); err != nil {
			return adapt.At("headers", err)
		}
	}
	if s.JWT != nil {
		if err := s.JWT.Validate(); err != nil {
			return adapt.At("jwt", err)
		}
	}
	if s.Signature != nil {
		if err := s.Signature.ValidateVerifying(); err != nil {
			return adapt.At("signature", err)
		}
	}
	if s.OAuth2 != nil {
		if err := s.OAuth2.Validate(); err != nil {
			return adapt.At("oauth2", err)
		}
	}
	if s.BasicAuth != nil {
		if err := s.BasicAuth.Validate(); err != nil {
			return adapt.At("basicAuth", err)
		}
	}
	return nil
}

func (r *HeaderRule) validate(name string) error {
	if !adapt.ValidHeaderName(name) {
		return registry.FieldError{Reason: strconv.Quote(name) + " is not a valid header name"}
	}
	if len(r.Values) == 0 && r.Regexp == "" {
		return registry.FieldError{Path: name, Reason: "set values or regexp"}
	}
	if r.Regexp != "" {
		if _, err := regexp.Compile(r.Regexp); err != nil {
			return registry.FieldError{Path: name + ".regexp", Reason: "invalid regular expression: " + err.Error()}
		}
	}
	return nil
}
