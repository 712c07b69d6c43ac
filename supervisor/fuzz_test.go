package supervisor_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"testing"

	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/supervisor"
)

// loaderError is the shape of every ParseDocuments error: it says which
// document (and line) was wrong, or that the whole input is too large.
var loaderError = regexp.MustCompile(`^(document \d+ \(from line \d+\): .+|input is \d+ bytes, .+)`)

// FuzzParseDocuments drives the multi-document loader (the entry point of
// gateway --config, the admin API's object writes and gwctl apply) with
// arbitrary bytes, seeded from the documentation's examples. It checks
// that the loader never panics, that an error names the document, and
// that an accepted document survives a round trip through the JSON form
// the store keeps.
func FuzzParseDocuments(f *testing.F) {
	for _, s := range testkit.ConfigSeeds(f) {
		f.Add([]byte(s))
	}
	f.Add([]byte("kind: A\nname: a\nx: &x [1, 2]\ny: *x\n"))
	f.Add([]byte("--- {kind: A, name: a}\n--- {kind: B, name: b, n: 12345678901234567890}\n"))
	f.Add([]byte(`{"kind": "A", "name": "a", "f": 1.5e300, "l": {"k": "v"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, err := supervisor.ParseDocuments(data)
		if err != nil {
			if !loaderError.MatchString(err.Error()) {
				t.Fatalf("error does not name the document: %q", err)
			}
			return
		}
		for _, s := range specs {
			checkRoundTrip(t, s)
		}
	})
}

// checkRoundTrip writes a spec as its stored JSON document and reads it
// back: the result must be the same spec.
func checkRoundTrip(t *testing.T, s *supervisor.Spec) {
	t.Helper()
	if s.Kind == "" || s.Name == "" {
		t.Fatalf("accepted a spec without kind or name: %+v", s)
	}
	doc, err := s.Document()
	if err != nil {
		t.Fatalf("%s: Document: %v", s.Ref(), err)
	}
	back, err := supervisor.ParseDocument(doc)
	if err != nil {
		t.Fatalf("%s: stored form %s does not parse: %v", s.Ref(), doc, err)
	}
	if back.Kind != s.Kind || back.Name != s.Name || back.Version != s.Version || back.CreatedAt != s.CreatedAt {
		t.Fatalf("metadata changed in a round trip: %+v -> %+v", s, back)
	}
	if len(s.Labels) != 0 || len(back.Labels) != 0 {
		if !reflect.DeepEqual(s.Labels, back.Labels) {
			t.Fatalf("labels changed in a round trip: %v -> %v", s.Labels, back.Labels)
		}
	}
	if !sameJSON(s.Fields, back.Fields) {
		t.Fatalf("%s: fields changed in a round trip:\n%s\n->\n%s", s.Ref(), s.Fields, back.Fields)
	}
}

// sameJSON compares two JSON texts by value, numbers by their text.
func sameJSON(a, b []byte) bool {
	var va, vb any
	da := json.NewDecoder(bytes.NewReader(a))
	da.UseNumber()
	db := json.NewDecoder(bytes.NewReader(b))
	db.UseNumber()
	if da.Decode(&va) != nil || db.Decode(&vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
