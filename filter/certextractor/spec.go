package certextractor

import (
	"crypto/x509/pkix"
	"strconv"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Targets: the name of the certificate a field is read from.
const (
	TargetSubject = "subject"
	TargetIssuer  = "issuer"
)

// Spec is the CertExtractor filter's own fields; all are required.
type Spec struct {
	// CertIndex is the position in the client's chain; negative counts
	// from the end.
	CertIndex int16 `json:"certIndex" jsonschema:"required,description=position in the client's certificate chain; negative counts from the end"`
	// Target is subject or issuer.
	Target string `json:"target" jsonschema:"required,enum=subject,enum=issuer,description=name read: subject or issuer"`
	// Field is the attribute of the name.
	Field string `json:"field" jsonschema:"required,enum=Country,enum=Organization,enum=OrganizationalUnit,enum=Locality,enum=Province,enum=StreetAddress,enum=PostalCode,enum=SerialNumber,enum=CommonName,description=attribute of the name"`
	// HeaderKey is the request header receiving the values.
	HeaderKey string `json:"headerKey" jsonschema:"required,minLength=1,description=request header receiving the values"`
}

// fields maps each Field value to its reader.
func fieldReader(field string) func(n *pkix.Name) []string {
	switch field {
	case "Country":
		return func(n *pkix.Name) []string { return n.Country }
	case "Organization":
		return func(n *pkix.Name) []string { return n.Organization }
	case "OrganizationalUnit":
		return func(n *pkix.Name) []string { return n.OrganizationalUnit }
	case "Locality":
		return func(n *pkix.Name) []string { return n.Locality }
	case "Province":
		return func(n *pkix.Name) []string { return n.Province }
	case "StreetAddress":
		return func(n *pkix.Name) []string { return n.StreetAddress }
	case "PostalCode":
		return func(n *pkix.Name) []string { return n.PostalCode }
	case "SerialNumber":
		return func(n *pkix.Name) []string { return []string{n.SerialNumber} }
	case "CommonName":
		return func(n *pkix.Name) []string { return []string{n.CommonName} }
	}
	return nil
}

// Validate checks target, field and header name.
func (s *Spec) Validate() error {
	if s.Target != TargetSubject && s.Target != TargetIssuer {
		return registry.FieldError{Path: "target", Reason: "must be subject or issuer"}
	}
	if fieldReader(s.Field) == nil {
		return registry.FieldError{Path: "field", Reason: strconv.Quote(s.Field) + " is not one of Country, Organization, OrganizationalUnit, Locality, Province, StreetAddress, PostalCode, SerialNumber, CommonName"}
	}
	if !adapt.ValidHeaderName(s.HeaderKey) {
		return registry.FieldError{Path: "headerKey", Reason: strconv.Quote(s.HeaderKey) + " is not a valid header name"}
	}
	return nil
}
