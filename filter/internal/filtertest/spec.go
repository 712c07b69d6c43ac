package filtertest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
)

// DecodePolicy decodes fields (the policy kind's own fields, as JSON)
// through a fresh registry holding only kind, as a pipeline does.
func DecodePolicy(kind *filter.PolicyKind, fields string) (any, error) {
	r := registry.New()
	r.Register(registry.PolicyClass, kind)
	e, err := r.Lookup(registry.PolicyClass, kind.Name)
	if err != nil {
		return nil, err
	}
	return e.DecodeSpec([]byte(fields))
}

// Decoder returns a function decoding a filter kind's fields with Decode,
// for RoundTrip and RunInvalid.
func Decoder(kind *filter.Kind) func(fields string) (any, error) {
	return func(fields string) (any, error) { return Decode(kind, fields) }
}

// RoundTrip decodes fields, marshals the spec back to JSON and decodes
// that again, failing the test unless both decodings succeed and are
// deeply equal. It returns the first decoded spec for further checks.
func RoundTrip[S any](t testing.TB, decode func(fields string) (S, error), fields string) S {
	t.Helper()
	s, err := decode(fields)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := decode(string(js))
	if err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("round trip changed the spec:\n%+v\n%+v", s, again)
	}
	return s
}

// InvalidSpec is one case for RunInvalid: a named spec that decoding must
// refuse with an error containing Want (usually the offending field's
// path). It is an alias of an unnamed struct so tables may stay unkeyed.
type InvalidSpec = struct{ Name, Spec, Want string }

// RunInvalid decodes every case's spec in a subtest named after the case
// and fails it unless decoding fails with an error containing Want.
func RunInvalid[S any](t *testing.T, decode func(fields string) (S, error), cases []InvalidSpec) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			_, err := decode(tc.Spec)
			if err == nil || !strings.Contains(err.Error(), tc.Want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.Want)
			}
		})
	}
}
