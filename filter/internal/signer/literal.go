package signer

import (
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

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

// DefaultLiteral returns the wire names used when a spec gives none.
func DefaultLiteral() Literal {
	return Literal{
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
}

// AWS4Literal returns the wire names of AWS Signature Version 4, which
// the RequestAdaptor's apiProvider aws4 presets.
func AWS4Literal() Literal {
	return Literal{
		ScopeSuffix:      "aws4_request",
		AlgorithmName:    "X-Amz-Algorithm",
		AlgorithmValue:   "AWS4-HMAC-SHA256",
		SignedHeaders:    "X-Amz-SignedHeaders",
		Signature:        "X-Amz-Signature",
		Date:             "X-Amz-Date",
		Expires:          "X-Amz-Expires",
		Credential:       "X-Amz-Credential",
		ContentSHA256:    "X-Amz-Content-Sha256",
		SigningKeyPrefix: "AWS4",
	}
}

// validate checks that the wire names can be used: the date is a header
// name, and the scope suffix and the algorithm fit in the Authorization
// header. The schema has checked that every required name is given.
func (l *Literal) validate() error {
	if !adapt.ValidHeaderName(l.Date) {
		return registry.FieldError{Path: "date", Reason: strconv.Quote(l.Date) + " is not a valid header name"}
	}
	if strings.ContainsAny(l.ScopeSuffix, "/, ") {
		return registry.FieldError{Path: "scopeSuffix", Reason: "must not contain '/', ',' or spaces"}
	}
	if strings.ContainsAny(l.AlgorithmValue, " ,") {
		return registry.FieldError{Path: "algorithmValue", Reason: "must not contain spaces or ','"}
	}
	return nil
}
