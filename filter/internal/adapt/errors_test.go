package adapt

import (
	"errors"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

func TestAt(t *testing.T) {
	for _, tc := range []struct {
		path string
		err  error
		want string
	}{
		{"rules[0]", registry.FieldError{Path: "match.path", Reason: "bad"}, "rules[0].match.path: bad"},
		{"rules", registry.FieldError{Path: "[2]", Reason: "bad"}, "rules[2]: bad"},
		{"header", registry.FieldError{Reason: "bad"}, "header: bad"},
		{"a", registry.FieldErrors{{Path: "b", Reason: "x"}, {Path: "c", Reason: "y"}}, "a.b: x; a.c: y"},
		{"a", errors.New("plain"), "a: plain"},
		{"", registry.FieldError{Path: "b", Reason: "x"}, "b: x"},
	} {
		if got := At(tc.path, tc.err).Error(); got != tc.want {
			t.Errorf("At(%q, %v) = %q, want %q", tc.path, tc.err, got, tc.want)
		}
	}
	if At("x", nil) != nil {
		t.Error("At(nil) must be nil")
	}
}
