package fallback

import (
	"maps"
	"slices"
	"strconv"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the Fallback filter's own fields.
type Spec struct {
	// MockCode is the new status.
	MockCode int `json:"mockCode" jsonschema:"required,minimum=100,maximum=599,description=status of the fallback response"`
	// MockHeaders are set on the response.
	MockHeaders map[string]string `json:"mockHeaders,omitempty" jsonschema:"description=headers set on the fallback response"`
	// MockBody is the new body.
	MockBody string `json:"mockBody,omitempty" jsonschema:"description=body of the fallback response (empty by default)"`
}

// Validate checks the status and the headers.
func (s *Spec) Validate() error {
	if s.MockCode < 100 || s.MockCode > 599 {
		return registry.FieldError{Path: "mockCode", Reason: "must be between 100 and 599"}
	}
	for _, name := range slices.Sorted(maps.Keys(s.MockHeaders)) {
		if !adapt.ValidHeaderName(name) {
			return registry.FieldError{Path: "mockHeaders", Reason: strconv.Quote(name) + " is not a valid header name"}
		}
		if !adapt.ValidHeaderValue(s.MockHeaders[name]) {
			return registry.FieldError{Path: "mockHeaders." + name, Reason: "header value must not contain CR, LF or NUL"}
		}
	}
	return nil
}
