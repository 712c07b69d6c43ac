package signer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// SignerSpec is Easegress's Signer: the request signing scheme and its keys. The
// Validator's signature check verifies with AccessKeys; the
// RequestAdaptor's sign field signs with AccessKeyID and AccessKeySecret.
// Both read the same wire names (Literal) and the same options.
type SignerSpec struct {
	// Literal renames the scheme's wire names.
	Literal *Literal `json:"literal,omitempty" jsonschema:"description=wire names of the scheme; when given\\, every name but signingKeyPrefix is required"`
	// HeaderHoisting says which headers a presigning signer moves to the
	// query. Neither the Validator nor the RequestAdaptor presigns; it is
	// accepted for compatibility.
	HeaderHoisting *HeaderHoisting `json:"headerHoisting,omitempty" jsonschema:"description=headers a presigning signer moves to the query; accepted for compatibility (neither verifying nor the RequestAdaptor presigns)"`
	// IgnoredHeaders are left out of signing besides Authorization and
	// User-Agent. A verifier takes the signed header list from the
	// request, so it has no effect there.
	IgnoredHeaders []string `json:"ignoredHeaders,omitempty" jsonschema:"uniqueItems=true,description=headers a signer leaves out besides Authorization and User-Agent (no effect on verifying)"`
	// ExcludeBody signs UNSIGNED-PAYLOAD instead of the body hash.
	ExcludeBody bool `json:"excludeBody,omitempty" jsonschema:"description=sign UNSIGNED-PAYLOAD instead of the SHA-256 of the body"`
	// TTL bounds the age of a signature a verifier accepts; 0 means no
	// bound. A signer ignores it.
	TTL registry.Duration `json:"ttl,omitempty" jsonschema:"description=largest difference between the signing time and now a verifier accepts; 0 means none (no effect on signing)"`
	// AccessKeyID is the access key ID a signer signs with.
	AccessKeyID string `json:"accessKeyId,omitempty" jsonschema:"description=access key ID to sign with (required to sign; not used to verify)"`
	// AccessKeySecret is the secret a signer signs with.
	AccessKeySecret string `json:"accessKeySecret,omitempty" secret:"true" jsonschema:"description=access key secret to sign with (required to sign; not used to verify)"`
	// AccessKeys maps the access key IDs a verifier accepts to their
	// secrets.
	AccessKeys map[string]string `json:"accessKeys,omitempty" secret:"true" jsonschema:"description=access key ID to secret: the keys a verifier accepts (required to verify; not used to sign)"`
}

// HeaderHoisting selects the headers a presigning signer moves to the
// query: a header with one of AllowedPrefix (any, when empty), none of
// DisallowedPrefix, and not in Disallowed.
type HeaderHoisting struct {
	// AllowedPrefix lists prefixes of hoistable headers.
	AllowedPrefix []string `json:"allowedPrefix,omitempty" jsonschema:"uniqueItems=true,description=prefixes of hoistable headers; empty allows all"`
	// DisallowedPrefix lists prefixes of headers never hoisted.
	DisallowedPrefix []string `json:"disallowedPrefix,omitempty" jsonschema:"uniqueItems=true,description=prefixes of headers never hoisted"`
	// Disallowed lists headers never hoisted.
	Disallowed []string `json:"disallowed,omitempty" jsonschema:"uniqueItems=true,description=headers never hoisted"`
}

// ValidateVerifying checks a spec a verifier uses: there are keys to
// verify with, and the options and wire names can be used.
func (s *SignerSpec) ValidateVerifying() error {
	if len(s.AccessKeys) == 0 {
		return registry.FieldError{Path: "accessKeys", Reason: "is required to verify signatures: give at least one access key ID and its secret"}
	}
	ids := make([]string, 0, len(s.AccessKeys))
	for id := range s.AccessKeys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		switch {
		case !validKeyID(id):
			return registry.FieldError{Path: "accessKeys", Reason: "access key ID " + strconv.Quote(id) + " must be non-empty without '/', ',' or spaces"}
		case s.AccessKeys[id] == "":
			return registry.FieldError{Path: "accessKeys." + id, Reason: "secret must not be empty"}
		}
	}
	return s.validateShared()
}

// ValidateSigning checks a spec a signer uses: the key to sign with is
// given, and the options and wire names can be used (the content hash
// header, which a signer sets, must be a header name).
func (s *SignerSpec) ValidateSigning() error {
	switch {
	case s.AccessKeyID == "":
		return registry.FieldError{Path: "accessKeyId", Reason: "required to sign requests"}
	case !validKeyID(s.AccessKeyID):
		return registry.FieldError{Path: "accessKeyId", Reason: "must not contain '/', ',' or spaces"}
	case s.AccessKeySecret == "":
		return registry.FieldError{Path: "accessKeySecret", Reason: "required to sign requests"}
	}
	for i, name := range s.IgnoredHeaders {
		if !adapt.ValidHeaderName(name) {
			return registry.FieldError{Path: "ignoredHeaders[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(name) + " is not a valid header name"}
		}
	}
	if s.Literal != nil && !adapt.ValidHeaderName(s.Literal.ContentSHA256) {
		return registry.FieldError{Path: "literal.contentSha256", Reason: strconv.Quote(s.Literal.ContentSHA256) + " is not a valid header name"}
	}
	return s.validateShared()
}

// validateShared checks what signing and verifying both read.
func (s *SignerSpec) validateShared() error {
	if s.TTL < 0 {
		return registry.FieldError{Path: "ttl", Reason: "must not be negative"}
	}
	if s.Literal != nil {
		if err := s.Literal.validate(); err != nil {
			return adapt.At("literal", err)
		}
	}
	return nil
}

// LiteralOrDefault returns the wire names in effect: Literal, or
// DefaultLiteral when it is not given.
func (s *SignerSpec) LiteralOrDefault() Literal {
	if s.Literal != nil {
		return *s.Literal
	}
	return DefaultLiteral()
}

// validKeyID reports whether an access key ID fits in a credential:
// non-empty, without the separators of the credential and the
// Authorization header.
func validKeyID(id string) bool {
	return id != "" && !strings.ContainsAny(id, "/, ")
}
