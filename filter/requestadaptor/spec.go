package requestadaptor

import (
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/tmpl"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the RequestAdaptor filter's own fields.
type Spec struct {
	// Method replaces the request method.
	Method string `json:"method,omitempty" jsonschema:"enum=,enum=GET,enum=HEAD,enum=POST,enum=PUT,enum=PATCH,enum=DELETE,enum=CONNECT,enum=OPTIONS,enum=TRACE,description=replacement method (upper-case)"`
	// Host replaces the request host.
	Host string `json:"host,omitempty" jsonschema:"description=replacement host"`
	// Path rewrites the request path.
	Path *adapt.PathSpec `json:"path,omitempty" jsonschema:"description=path rewrite: replace\\, addPrefix\\, trimPrefix or regexpReplace (first non-empty applies)"`
	// Header edits request headers: del, then set, then add.
	Header *adapt.HeaderSpec `json:"header,omitempty" jsonschema:"description=header edits applied del\\, set\\, add"`
	// Body replaces the request body and drops Content-Encoding.
	Body string `json:"body,omitempty" jsonschema:"description=replacement body; drops Content-Encoding"`
	// Compress gzips the body.
	Compress string `json:"compress,omitempty" jsonschema:"enum=,enum=gzip,description=compress the body (gzip only)"`
	// Decompress gunzips a gzip body.
	Decompress string `json:"decompress,omitempty" jsonschema:"enum=,enum=gzip,description=decompress a gzip body (gzip only)"`
	// Sign signs the request after every edit.
	Sign *SignSpec `json:"sign,omitempty" jsonschema:"description=sign the request after the edits: Easegress's Signer (accessKeyId and accessKeySecret required) with apiProvider and scopes"`
	// Template yields method, path, header, body and host as YAML; what
	// it yields wins over the static fields.
	Template string `json:"template,omitempty" jsonschema:"description=Go template yielding YAML with method\\, path\\, header\\, body\\, host"`
	// LeftDelim is the template's left delimiter, "{{" by default.
	LeftDelim string `json:"leftDelim,omitempty" jsonschema:"description=template left delimiter; {{ by default"`
	// RightDelim is the template's right delimiter, "}}" by default.
	RightDelim string `json:"rightDelim,omitempty" jsonschema:"description=template right delimiter; }} by default"`
}

// Validate checks the cross-field rules: compress and decompress are
// exclusive, decompress is pointless with body, and the nested path,
// header, sign and template are valid.
func (s *Spec) Validate() error {
	if s.Compress != "" && s.Decompress != "" {
		return registry.FieldError{Path: "decompress", Reason: "cannot be set together with compress"}
	}
	if s.Body != "" && s.Decompress != "" {
		return registry.FieldError{Path: "decompress", Reason: "cannot be set together with body (the body is replaced)"}
	}
	if s.Host != "" && !adapt.ValidHeaderValue(s.Host) {
		return registry.FieldError{Path: "host", Reason: "must not contain CR, LF or NUL"}
	}
	if s.Path != nil {
		if err := s.Path.Validate(); err != nil {
			return adapt.At("path", err)
		}
	}
	if s.Header != nil {
		if err := s.Header.Validate(); err != nil {
			return adapt.At("header", err)
		}
	}
	if s.Sign != nil {
		if err := s.Sign.validate(); err != nil {
			return adapt.At("sign", err)
		}
	}
	if s.Template != "" {
		if _, err := tmpl.Parse("template", s.Template, s.LeftDelim, s.RightDelim); err != nil {
			return registry.FieldError{Path: "template", Reason: err.Error()}
		}
	}
	return nil
}
