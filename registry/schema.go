package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	gen "github.com/invopop/jsonschema"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Schema is a kind's JSON Schema: the generated document and its compiled
// validator.
type Schema struct {
	doc      []byte
	compiled *jsonschema.Schema
}

// JSON returns the schema document (JSON Schema draft 2020-12).
func (s *Schema) JSON() []byte { return s.doc }

// Validate checks a decoded JSON value (maps, slices, float64/json.Number,
// strings, bools, nil) against the schema. The error lists every violation
// as "path: reason", path written as in YAML (policies[0].limitForPeriod).
func (s *Schema) Validate(v any) error {
	err := s.compiled.Validate(v)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return err
	}
	return flattenValidation(ve)
}

// FieldError is one schema violation at a field path.
type FieldError struct {
	// Path is the field path, e.g. "pools[0].servers[1].url"; empty for the
	// document itself.
	Path string
	// Reason says what is wrong.
	Reason string
}

func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// FieldErrors is a list of violations; Error joins them with "; ".
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func flattenValidation(ve *jsonschema.ValidationError) error {
	var leaves FieldErrors
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			fe := FieldError{Path: PointerToPath(e.InstanceLocation), Reason: friendlyReason(e.Message)}
			if k := fe.Error(); !seen[k] {
				seen[k] = true
				leaves = append(leaves, fe)
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(leaves, func(i, j int) bool { return leaves[i].Path < leaves[j].Path })
	return leaves
}

// PointerToPath turns a JSON pointer ("/pools/0/servers") into the path
// notation used in error messages ("pools[0].servers").
func PointerToPath(ptr string) string {
	if ptr == "" || ptr == "/" {
		return ""
	}
	var b strings.Builder
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(seg); err == nil {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// newSchema reflects the Go spec type into a JSON Schema and compiles it.
// Struct fields are matched by their json tags; additional properties are
// refused; only fields tagged `jsonschema:"required"` are required, because
// every other field has a default.
func newSchema(kind string, spec any) (*Schema, error) {
	t := reflect.TypeOf(spec)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	r := &gen.Reflector{
		Anonymous:                  true,
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		DoNotReference:             true,
	}
	s := r.ReflectFromType(t)
	s.Title = kind
	doc, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("schema of kind %q: %w", kind, err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	url := "mem://kinds/" + kind + ".json"
	if err := c.AddResource(url, bytes.NewReader(doc)); err != nil {
		return nil, fmt.Errorf("schema of kind %q: %w", kind, err)
	}
	compiled, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema of kind %q: %w", kind, err)
	}
	return &Schema{doc: doc, compiled: compiled}, nil
}

// friendlyReason rewrites the validator's wording into the words a spec
// author uses: fields rather than properties.
func friendlyReason(msg string) string {
	switch {
	case strings.HasPrefix(msg, "additionalProperties "):
		names := strings.TrimSuffix(strings.TrimPrefix(msg, "additionalProperties "), " not allowed")
		if strings.Contains(names, ",") {
			return "unknown fields " + strings.ReplaceAll(names, "'", `"`)
		}
		return "unknown field " + strings.ReplaceAll(names, "'", `"`)
	case strings.HasPrefix(msg, "missing properties: "):
		names := strings.ReplaceAll(strings.TrimPrefix(msg, "missing properties: "), "'", `"`)
		if strings.Contains(names, ",") {
			return "required fields missing: " + names
		}
		return "required field " + names + " is missing"
	case strings.HasPrefix(msg, "does not match pattern '^$|^[-+]?(0|"):
		return "must be a duration in Go syntax, such as 500ms, 1.5s or 2m"
	}
	return msg
}
