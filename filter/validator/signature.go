package validator

import (
	"time"

	"github.com/gatewright/gatewright/filter/internal/signer"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// SignatureSpec is Easegress's Signer: the HMAC request signing scheme
// (AWS Signature Version 4 style) with configurable wire names. The
// Validator verifies with accessKeys; accessKeyId, accessKeySecret,
// ignoredHeaders and headerHoisting only matter to a signer (the
// RequestAdaptor's sign) and are accepted for compatibility. It is the
// spec the RequestAdaptor's sign shares (package filter/internal/signer).
type SignatureSpec = signer.SignerSpec

// Literal holds the wire names of the signing scheme.
type Literal = signer.Literal

// HeaderHoisting selects the headers a presigning signer moves to the
// query.
type HeaderHoisting = signer.HeaderHoisting

// signatureCheck verifies request signatures with the scheme's one
// implementation.
type signatureCheck struct {
	v *signer.Verifier
}

func newSignatureCheck(s *SignatureSpec) *signatureCheck {
	return &signatureCheck{v: signer.NewVerifier(s)}
}

// check verifies the signature of req, given in the Authorization header
// or, for a presigned URL, in the query. A streamed body is read into
// memory (up to signer.MaxBody) and stays available to the filters after.
func (c *signatureCheck) check(req *httpprot.Request) error {
	return c.v.Verify(req.Request, time.Now())
}
