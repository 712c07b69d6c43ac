package standard_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
	_ "github.com/gatewright/gatewright/registry/standard"
)

// TestSchemaDescriptionsAreWhole checks, for every built-in kind, that
// each description written in a jsonschema struct tag reaches the
// generated JSON Schema whole. The generator splits those tags at commas,
// so a description with an unescaped comma loses its end (and the rest
// may be read as other keywords).
func TestSchemaDescriptionsAreWhole(t *testing.T) {
	for _, class := range []registry.Class{registry.ObjectClass, registry.FilterClass, registry.PolicyClass} {
		for _, e := range registry.Default.Entries(class) {
			s, err := e.Schema()
			if err != nil {
				t.Fatalf("%s: %v", e.Kind.KindName(), err)
			}
			var doc any
			if err := json.Unmarshal(s.JSON(), &doc); err != nil {
				t.Fatalf("%s: %v", e.Kind.KindName(), err)
			}
			have := map[string]bool{}
			collectDescriptions(doc, have)
			for _, want := range tagDescriptions(reflect.TypeOf(e.Kind.NewSpec()), map[reflect.Type]bool{}) {
				if !have[want.text] {
					t.Errorf("%s: field %s: description %q is not in the schema whole", e.Kind.KindName(), want.field, want.text)
				}
			}
		}
	}
}

// tagDescription is the description a field's jsonschema tag gives.
type tagDescription struct{ field, text string }

// tagDescriptions walks a spec type and returns the descriptions of its
// jsonschema tags, unescaped.
func tagDescriptions(t reflect.Type, seen map[reflect.Type]bool) []tagDescription {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	var out []tagDescription
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("jsonschema")
		if at := strings.Index(tag, "description="); at >= 0 && (at == 0 || tag[at-1] == ',') {
			// description is the last key of every tag in this code base,
			// so the rest of the tag is what its author wrote.
			text := strings.ReplaceAll(tag[at+len("description="):], `\,`, ",")
			out = append(out, tagDescription{t.Name() + "." + f.Name, text})
		}
		out = append(out, tagDescriptions(f.Type, seen)...)
	}
	return out
}

// collectDescriptions gathers every "description" string of a schema.
func collectDescriptions(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "description" {
				into[s] = true
			}
			collectDescriptions(x, into)
		}
	case []any:
		for _, x := range v {
			collectDescriptions(x, into)
		}
	}
}
