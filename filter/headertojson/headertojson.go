package headertojson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// KindName is the HeaderToJSON filter's kind name.
const KindName = "HeaderToJSON"

// Results of the HeaderToJSON filter.
const (
	// ResultJSONEncodeDecodeErr: the body is not a JSON object or array
	// of objects.
	ResultJSONEncodeDecodeErr = "jsonEncodeDecodeErr"
	// ResultBodyReadErr: the body is streamed and cannot be rewritten.
	ResultBodyReadErr = "bodyReadErr"
)

// Kind is the HeaderToJSON filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "HeaderToJSON copies request headers into fields of the JSON request body.",
	Results:     []string{ResultJSONEncodeDecodeErr, ResultBodyReadErr},
	DefaultSpec: func() any { return &Spec{} },
	New:         newHeaderToJSON,
}

func init() { filter.Register(Kind) }

// HeaderToJSON is a running HeaderToJSON filter.
type HeaderToJSON struct {
	filter.Base
	entries []HeaderMap
	err     error
}

var _ filter.Filter = (*HeaderToJSON)(nil)

func newHeaderToJSON(spec *filter.Spec) filter.Filter {
	h := &HeaderToJSON{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		h.err = fmt.Errorf("headertojson: spec body is %T, want *headertojson.Spec", spec.Body)
		return h
	}
	if h.err = s.Validate(); h.err == nil {
		h.entries = s.HeaderMap
	}
	return h
}

// Validate reports a spec the filter could not be built from.
func (h *HeaderToJSON) Validate() error { return h.err }

// Init reports a spec the filter could not be built from.
func (h *HeaderToJSON) Init() error { return h.err }

// Inherit is Init: there is no state.
func (h *HeaderToJSON) Inherit(filter.Filter) error { return h.Init() }

// Handle merges the present headers into the body.
func (h *HeaderToJSON) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() || !h.anyPresent(req) {
		return ""
	}
	if req.IsBodyStream() {
		return ResultBodyReadErr
	}
	fields := make(map[string]json.RawMessage, len(h.entries))
	for _, e := range h.entries {
		if v := req.Header.Peek(e.Header); len(v) > 0 {
			quoted, err := marshal(string(v))
			if err != nil {
				return ResultJSONEncodeDecodeErr
			}
			fields[e.JSON] = quoted
		}
	}
	body, err := merge(req.Body(), fields)
	if err != nil {
		h.Log().Debug("body not rewritten", "error", err)
		return ResultJSONEncodeDecodeErr
	}
	if len(bytes.TrimSpace(req.Body())) == 0 && len(req.Header.ContentType()) == 0 {
		req.Header.SetContentType("application/json")
	}
	req.SetBody(body)
	return ""
}

// anyPresent reports whether the request carries one of the headers.
func (h *HeaderToJSON) anyPresent(req *httpprot.Request) bool {
	for _, e := range h.entries {
		if len(req.Header.Peek(e.Header)) > 0 {
			return true
		}
	}
	return false
}

// errNotObject is returned for a body that is not an object or an array
// of objects.
var errNotObject = errors.New("the body is not a JSON object or an array of objects")

// merge returns body with fields set in its object, or in each object of
// its array; an empty body becomes an object of fields.
func merge(body []byte, fields map[string]json.RawMessage) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return marshal(fields)
	}
	switch body[0] {
	case '{':
		obj, err := decodeObject(body)
		if err != nil {
			return nil, err
		}
		setFields(obj, fields)
		return marshal(obj)
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, err
		}
		objs := make([]map[string]json.RawMessage, len(items))
		for i, item := range items {
			obj, err := decodeObject(item)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			setFields(obj, fields)
			objs[i] = obj
		}
		return marshal(objs)
	}
	return nil, errNotObject
}

// decodeObject decodes a JSON object keeping each value's text as it is.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errNotObject
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func setFields(obj, fields map[string]json.RawMessage) {
	for k, v := range fields {
		obj[k] = v
	}
}

// marshal encodes v without escaping <, > and &, so that strings of the
// original body keep their text.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
