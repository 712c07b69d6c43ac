package validator

import (
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// SignatureSpec is Easegress's Signer: the HMAC request signing scheme
// (AWS Signature Version 4 style) with configurable wire names. The
// Validator verifies with accessKeys; accessKeyId, accessKeySecret and
// headerHoisting only matter to a signer and are accepted for
// compatibility.
type SignatureSpec struct {
	// Literal renames the scheme's wire names.
	Literal *Literal `json:"literal,omitempty" jsonschema:"description=wire names of the scheme; when given, every name but signingKeyPrefix is required"`
	// HeaderHoisting says which headers a presigning signer moves to the
	// query (no effect on verification).
	HeaderHoisting *HeaderHoisting `json:"headerHoisting,omitempty" jsonschema:"description=headers a presigning signer moves to the query (no effect on verification)"`
	// IgnoredHeaders are left out of signing besides Authorization and
	// User-Agent (no effect on verification, which takes the signed
	// header list from the request).
	IgnoredHeaders []string `json:"ignoredHeaders,omitempty" jsonschema:"uniqueItems=true,description=headers a signer leaves out besides Authorization and User-Agent"`
	// ExcludeBody signs UNSIGNED-PAYLOAD instead of the body hash.
	ExcludeBody bool `json:"excludeBody,omitempty" jsonschema:"description=sign UNSIGNED-PAYLOAD instead of the SHA-256 of the body"`
	// TTL bounds the age of a signature; 0 means no bound.
	TTL registry.Duration `json:"ttl,omitempty" jsonschema:"description=largest difference between the signing time and now; 0 means none"`
	// AccessKeyID is a signer's access key ID (unused by the Validator).
	AccessKeyID string `json:"accessKeyId,omitempty" jsonschema:"description=access key ID for signing (unused when verifying)"`
	// AccessKeySecret is a signer's secret (unused by the Validator).
	AccessKeySecret string `json:"accessKeySecret,omitempty" secret:"true" jsonschema:"description=access key secret for signing (unused when verifying)"`
	// AccessKeys maps access key IDs to their secrets.
	AccessKeys map[string]string `json:"accessKeys,omitempty" secret:"true" jsonschema:"description=access key ID to secret: the keys requests may be signed with"`
}

// Literal holds the wire names of the signing scheme.
type Literal struct {
	// ScopeSuffix ends the credential scope.
	ScopeSuffix string `json:"scopeSuffix" jsonschema:"required,minLength=1,description=last element of the credential scope (default request)"`
	// AlgorithmName is the query parameter naming the algorithm.
	AlgorithmName string `json:"algorithmName" jsonschema:"required,minLength=1,description=query parameter naming the algorithm (default X-Algorithm)"`
	// AlgorithmValue names the algorithm.
	AlgorithmValue string `json:"algorithmValue" jsonschema:"required,minLength=1,description=the algorithm's name (default HMAC-SHA256)"`
	// SignedHeaders is the query parameter listing the signed headers.
	SignedHeaders string `json:"signedHeaders" jsonschema:"required,minLength=1,description=query parameter listing the signed headers (default X-SignedHeaders)"`
	// Signature is the query parameter holding the signature.
	Signature string `json:"signature" jsonschema:"required,minLength=1,description=query parameter holding the signature (default X-Signature)"`
	// Date is the header or query parameter holding the signing time.
	Date string `json:"date" jsonschema:"required,minLength=1,description=header or query parameter holding the signing time (default X-Date)"`
	// Expires is the query parameter holding a presigned URL's lifetime.
	Expires string `json:"expires" jsonschema:"required,minLength=1,description=query parameter holding a presigned URL's lifetime in seconds (default X-Expires)"`
	// Credential is the query parameter holding the credential.
	Credential string `json:"credential" jsonschema:"required,minLength=1,description=query parameter holding the credential (default X-Credential)"`
	// ContentSHA256 is the header a signer puts the body hash in.
	ContentSHA256 string `json:"contentSha256" jsonschema:"required,minLength=1,description=header a signer puts the body hash in (default X-Content-Sha256)"`
	// SigningKeyPrefix is put before the secret to derive the signing key.
	SigningKeyPrefix string `json:"signingKeyPrefix,omitempty" jsonschema:"description=put before the secret when deriving the signing key (default empty)"`
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

// defaultLiteral holds the wire names used without a literal.
var defaultLiteral = Literal{
	ScopeSuffix:    "request",
	AlgorithmName:  "X-Algorithm",
	AlgorithmValue: "HMAC-SHA256",
	SignedHeaders:  "X-SignedHeaders",
	Signature:      "X-Signature",
	Date:           "X-Date",
	Expires:        "X-Expires",
	Credential:     "X-Credential",
	ContentSHA256:  "X-Content-Sha256",
}

// Validate checks that there are keys to verify with and that the wire
// names can be used.
func (s *SignatureSpec) Validate() error {
	if len(s.AccessKeys) == 0 {
		return registry.FieldError{Path: "accessKeys", Reason: "is required to verify signatures: give at least one access key ID and its secret"}
	}
	for _, id := range sortedKeys(s.AccessKeys) {
		switch {
		case id == "" || strings.ContainsAny(id, "/, "):
			return registry.FieldError{Path: "accessKeys", Reason: "access key ID " + strconv.Quote(id) + " must be non-empty without '/', ',' or spaces"}
		case s.AccessKeys[id] == "":
			return registry.FieldError{Path: "accessKeys." + id, Reason: "secret must not be empty"}
		}
	}
	if s.TTL < 0 {
		return registry.FieldError{Path: "ttl", Reason: "must not be negative"}
	}
	if s.Literal != nil {
		l := s.Literal
		if !adapt.ValidHeaderName(l.Date) {
			return registry.FieldError{Path: "literal.date", Reason: strconv.Quote(l.Date) + " is not a valid header name"}
		}
		if strings.ContainsAny(l.ScopeSuffix, "/, ") {
			return registry.FieldError{Path: "literal.scopeSuffix", Reason: "must not contain '/', ',' or spaces"}
		}
		if strings.ContainsAny(l.AlgorithmValue, " ,") {
			return registry.FieldError{Path: "literal.algorithmValue", Reason: "must not contain spaces or ','"}
		}
	}
	return nil
}

// literal returns the wire names in effect.
func (s *SignatureSpec) literal() *Literal {
	if s.Literal != nil {
		return s.Literal
	}
	l := defaultLiteral
	return &l
}
