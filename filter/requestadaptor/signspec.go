package requestadaptor

import (
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/signer"
	"github.com/gatewright/gatewright/registry"
)

// ProviderAWS4 is the apiProvider presetting AWS Signature Version 4.
const ProviderAWS4 = "aws4"

// SignSpec is the sign field: Easegress's Signer (the fields the
// Validator's signature check reads too, from package
// filter/internal/signer), with an API provider and the credential
// scope. The RequestAdaptor signs with accessKeyId and accessKeySecret;
// accessKeys, ttl and headerHoisting only matter to a verifier or a
// presigner and are accepted for compatibility.
type SignSpec struct {
	signer.SignerSpec
	// APIProvider presets the wire names of a provider: "aws4" for AWS
	// Signature Version 4.
	APIProvider string `json:"apiProvider,omitempty" jsonschema:"enum=,enum=aws4,description=preset wire names: aws4 for AWS Signature Version 4 (then scopes are [region service])"`
	// Scopes are the credential scope's elements between the date and the
	// suffix: [region, service] for aws4.
	Scopes []string `json:"scopes,omitempty" jsonschema:"description=credential scope elements between the date and the suffix; [region service] for aws4"`
}

// validate checks the signing key, the wire names, the scopes and how
// they fit the provider.
func (s *SignSpec) validate() error {
	if err := s.ValidateSigning(); err != nil {
		return err
	}
	for i, sc := range s.Scopes {
		if sc == "" || strings.ContainsAny(sc, "/, ") {
			return registry.FieldError{Path: "scopes[" + strconv.Itoa(i) + "]", Reason: "must be non-empty without '/', ',' or spaces"}
		}
	}
	if s.APIProvider == ProviderAWS4 {
		if s.Literal != nil && *s.Literal != signer.AWS4Literal() {
			return registry.FieldError{Path: "literal", Reason: "apiProvider aws4 presets AWS's wire names: leave literal out"}
		}
		if len(s.Scopes) != 2 {
			return registry.FieldError{Path: "scopes", Reason: "apiProvider aws4 needs the AWS region and service: [region, service]"}
		}
	}
	return nil
}

// newSigner returns the signer of a valid spec. With aws4 the wire names
// are AWS's, and for S3 the path is encoded once into the canonical URI,
// as S3 expects (other AWS services encode it twice).
func (s *SignSpec) newSigner() *signer.Signer {
	opt := signer.SignerOptions{Literal: s.LiteralOrDefault(), Scopes: s.Scopes}
	if s.APIProvider == ProviderAWS4 {
		opt.Literal = signer.AWS4Literal()
		opt.EncodePathOnce = s.Scopes[len(s.Scopes)-1] == "s3"
	}
	return signer.NewSigner(&s.SignerSpec, opt)
}
