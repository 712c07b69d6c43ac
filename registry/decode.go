package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Validator is implemented by spec types that have cross-field rules the
// schema cannot express. Validate runs after decoding, on the spec with
// defaults applied. Return a FieldError (or FieldErrors) to name the path.
type Validator interface {
	Validate() error
}

// DecodeSpec turns the kind's own fields (a JSON object without the
// metadata keys kind and name) into a spec value: it validates the fields
// against the kind's schema, decodes them strictly over the defaults from
// NewSpec, then runs the spec's Validate method if it has one.
func (e *Entry) DecodeSpec(fields []byte) (any, error) {
	schema, err := e.Schema()
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(fields)) == 0 {
		fields = []byte("{}")
	}
	var doc any
	numDec := json.NewDecoder(bytes.NewReader(fields))
	numDec.UseNumber()
	if err := numDec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if err := schema.Validate(doc); err != nil {
		return nil, err
	}
	spec := e.Kind.NewSpec()
	dec := json.NewDecoder(bytes.NewReader(fields))
	dec.DisallowUnknownFields()
	if err := dec.Decode(spec); err != nil {
		return nil, decodeError(err)
	}
	if v, ok := spec.(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	return spec, nil
}

// decodeError rewrites encoding/json errors into the path notation.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return FieldError{Path: te.Field, Reason: fmt.Sprintf("expected %s, got %s", te.Type, te.Value)}
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return FieldError{Reason: "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")}
	}
	return FieldError{Reason: strings.TrimPrefix(msg, "json: ")}
}
