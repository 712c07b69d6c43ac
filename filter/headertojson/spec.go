package headertojson

import (
	"strconv"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the HeaderToJSON filter's own fields.
type Spec struct {
	// HeaderMap maps request headers to JSON fields.
	HeaderMap []HeaderMap `json:"headerMap" jsonschema:"required,minItems=1,description=request headers copied into fields of the JSON body"`
}

// HeaderMap is one header copied into one JSON field.
type HeaderMap struct {
	// Header is the request header name.
	Header string `json:"header" jsonschema:"required,minLength=1,description=request header name"`
	// JSON is the name of the body field.
	JSON string `json:"json" jsonschema:"required,minLength=1,description=JSON field that receives the header value"`
}

// Validate checks the header names and that no field is written twice.
func (s *Spec) Validate() error {
	seen := map[string]int{}
	for i, m := range s.HeaderMap {
		at := "headerMap[" + strconv.Itoa(i) + "]"
		if !adapt.ValidHeaderName(m.Header) {
			return registry.FieldError{Path: at + ".header", Reason: strconv.Quote(m.Header) + " is not a valid header name"}
		}
		if m.JSON == "" {
			return registry.FieldError{Path: at + ".json", Reason: "must not be empty"}
		}
		if j, dup := seen[m.JSON]; dup {
			return registry.FieldError{Path: at + ".json", Reason: strconv.Quote(m.JSON) + " is already written by headerMap[" + strconv.Itoa(j) + "]"}
		}
		seen[m.JSON] = i
	}
	return nil
}
