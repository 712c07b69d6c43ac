package redirector

import (
	"regexp"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Parts of the URL a Redirector can match.
const (
	PartURI  = "uri"
	PartPath = "path"
	PartFull = "full"
)

// Spec is the Redirector filter's own fields.
type Spec struct {
	// Match is an RE2 expression run against the chosen part of the URL.
	Match string `json:"match" jsonschema:"required,minLength=1,description=RE2 expression matched against the chosen part of the URL"`
	// MatchPart is the part of the URL matched: uri, path or full.
	MatchPart string `json:"matchPart" jsonschema:"enum=uri,enum=path,enum=full,default=uri,description=part of the URL matched: uri (path and query) path or full"`
	// Replacement is the new value of the part, with $1 or ${1} for
	// capture groups; it becomes the Location.
	Replacement string `json:"replacement" jsonschema:"required,description=replacement of every match; $1 or ${1} for groups; the result is the Location"`
	// StatusCode is the redirect status.
	StatusCode int `json:"statusCode" jsonschema:"enum=301,enum=302,enum=303,enum=304,enum=307,enum=308,default=301,description=redirect status"`
}

// newSpec returns a spec holding the defaults.
func newSpec() any { return &Spec{MatchPart: PartURI, StatusCode: 301} }

// Validate compiles the expression and checks the part, the status and
// the replacement.
func (s *Spec) Validate() error {
	if _, err := regexp.Compile(s.Match); err != nil {
		return registry.FieldError{Path: "match", Reason: "invalid regular expression: " + err.Error()}
	}
	switch s.MatchPart {
	case PartURI, PartPath, PartFull:
	default:
		return registry.FieldError{Path: "matchPart", Reason: "must be uri, path or full"}
	}
	switch s.StatusCode {
	case 301, 302, 303, 304, 307, 308:
	default:
		return registry.FieldError{Path: "statusCode", Reason: "must be 301, 302, 303, 304, 307 or 308"}
	}
	if !adapt.ValidHeaderValue(s.Replacement) {
		return registry.FieldError{Path: "replacement", Reason: "must not contain CR, LF or NUL"}
	}
	return nil
}
