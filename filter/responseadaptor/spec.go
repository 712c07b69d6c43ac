package responseadaptor

import (
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/tmpl"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the ResponseAdaptor filter's own fields.
type Spec struct {
	// Header edits response headers: del, then set, then add.
	Header *adapt.HeaderSpec `json:"header,omitempty" jsonschema:"description=header edits applied del\\, set\\, add"`
	// Body replaces the response body and drops Content-Encoding.
	Body string `json:"body,omitempty" jsonschema:"description=replacement body; drops Content-Encoding"`
	// Compress gzips the body.
	Compress string `json:"compress,omitempty" jsonschema:"enum=,enum=gzip,description=compress the body (gzip only)"`
	// Decompress gunzips a gzip body.
	Decompress string `json:"decompress,omitempty" jsonschema:"enum=,enum=gzip,description=decompress a gzip body (gzip only)"`
	// Template yields header and body as YAML; what it yields wins over
	// the static fields.
	Template string `json:"template,omitempty" jsonschema:"description=Go template yielding YAML with header and body"`
	// LeftDelim is the template's left delimiter, "{{" by default.
	LeftDelim string `json:"leftDelim,omitempty" jsonschema:"description=template left delimiter; {{ by default"`
	// RightDelim is the template's right delimiter, "}}" by default.
	RightDelim string `json:"rightDelim,omitempty" jsonschema:"description=template right delimiter; }} by default"`
}

// Validate checks the cross-field rules: compress and decompress are
// exclusive, and the header edits and the template are valid.
func (s *Spec) Validate() error {
	if s.Compress != "" && s.Decompress != "" {
		return registry.FieldError{Path: "decompress", Reason: "cannot be set together with compress"}
	}
	if s.Header != nil {
		if err := s.Header.Validate(); err != nil {
			return adapt.At("header", err)
		}
	}
	if s.Template != "" {
		if _, err := tmpl.Parse("template", s.Template, s.LeftDelim, s.RightDelim); err != nil {
			return registry.FieldError{Path: "template", Reason: err.Error()}
		}
	}
	return nil
}
