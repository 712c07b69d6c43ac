package standard_test

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeSpec decodes arbitrary fields as the spec of any built-in kind
// through registry.Default: schema validation, strict decoding and the
// spec's Validate. It checks that decoding never panics, that an error
// says something, and that a spec that decodes once decodes again to the
// same value from its own JSON form.
func FuzzDecodeSpec(f *testing.F) {
	for _, s := range kindSeeds(f) {
		f.Add(s.kind, s.fields)
	}
	f.Fuzz(func(t *testing.T, kind string, fields []byte) {
		e := lookupAnyClass(kind)
		if e == nil {
			return
		}
		spec, err := e.DecodeSpec(fields)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%s: empty error", kind)
			}
			return
		}
		first, err := json.Marshal(spec)
		if err != nil {
			t.Fatalf("%s: a decoded spec does not marshal: %v", kind, err)
		}
		again, err := e.DecodeSpec(first)
		if err != nil {
			t.Fatalf("%s: the JSON form of a valid spec is refused: %v\nfields: %s\nJSON form: %s", kind, err, fields, first)
		}
		second, err := json.Marshal(again)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if string(first) != string(second) {
			t.Fatalf("%s: the spec changed in a round trip:\n%s\n->\n%s", kind, first, second)
		}
	})
}
