package compression

import (
	"strconv"

	"github.com/gatewright/gatewright/internal/wildcard"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the Compression filter's own fields.
type Spec struct {
	// MinLength is the smallest body compressed, in bytes.
	MinLength uint32 `json:"minLength" jsonschema:"description=smallest body compressed in bytes (default 1024)"`
	// ContentTypes are the media types compressed.
	ContentTypes []string `json:"contentTypes,omitempty" jsonschema:"description=media types compressed; one * wildcard each; * alone for any (default text/* and the JSON/JavaScript/XML/SVG/wasm types)"`
	// Encodings are the codings offered, preferred in this order.
	Encodings []string `json:"encodings,omitempty" jsonschema:"uniqueItems=true,description=codings offered in order of preference: br and gzip (default both; br first)"`
	// GzipLevel is the gzip level.
	GzipLevel int `json:"gzipLevel" jsonschema:"minimum=1,maximum=9,description=gzip level 1 (fastest) to 9 (smallest); default 6"`
	// BrotliLevel is the brotli level.
	BrotliLevel int `json:"brotliLevel" jsonschema:"minimum=0,maximum=9,description=brotli level 0 (fastest) to 9; default 4"`
}

// newSpec returns a spec holding the defaults.
func newSpec() any {
	return &Spec{MinLength: DefaultMinLength, GzipLevel: DefaultGzipLevel, BrotliLevel: DefaultBrotliLevel}
}

// options turns the spec into Options, reporting bad fields with their
// paths.
func (s *Spec) options() (Options, error) {
	o := DefaultOptions()
	o.MinLength = int(s.MinLength)
	o.GzipLevel, o.BrotliLevel = s.GzipLevel, s.BrotliLevel
	if len(s.ContentTypes) > 0 {
		o.ContentTypes = s.ContentTypes
	}
	var errs registry.FieldErrors
	for i, ct := range s.ContentTypes {
		if _, err := wildcard.Compile(ct); err != nil {
			errs = append(errs, registry.FieldError{Path: "contentTypes[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(ct) + ": " + err.Error()})
		}
	}
	if len(s.Encodings) > 0 {
		o.Encodings = nil
		for i, name := range s.Encodings {
			e, err := ParseEncoding(name)
			if err != nil {
				errs = append(errs, registry.FieldError{Path: "encodings[" + strconv.Itoa(i) + "]", Reason: err.Error()})
				continue
			}
			o.Encodings = append(o.Encodings, e)
		}
	}
	if s.GzipLevel < 1 || s.GzipLevel > 9 {
		errs = append(errs, registry.FieldError{Path: "gzipLevel", Reason: "must be between 1 and 9"})
	}
	if s.BrotliLevel < 0 || s.BrotliLevel > MaxBrotliLevel {
		errs = append(errs, registry.FieldError{Path: "brotliLevel", Reason: "must be between 0 and " + strconv.Itoa(MaxBrotliLevel)})
	}
	if len(errs) > 0 {
		return Options{}, errs
	}
	return o, nil
}

// Validate checks the media types, codings and levels.
func (s *Spec) Validate() error {
	o, err := s.options()
	if err != nil {
		return err
	}
	if _, err := New(o); err != nil {
		return registry.FieldError{Reason: err.Error()}
	}
	return nil
}
