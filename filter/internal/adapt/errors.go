package adapt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gatewright/gatewright/registry"
)

// At returns err with every field path in it prefixed by path, so that a
// nested spec's Validate can report "match.headers.X-Id.regex: ..." while
// knowing only its own fields. A plain error becomes a registry.FieldError
// at path. At(path, nil) is nil.
func At(path string, err error) error {
	if err == nil {
		return nil
	}
	var fes registry.FieldErrors
	if errors.As(err, &fes) {
		out := make(registry.FieldErrors, len(fes))
		for i, fe := range fes {
			out[i] = registry.FieldError{Path: JoinPath(path, fe.Path), Reason: fe.Reason}
		}
		return out
	}
	var fe registry.FieldError
	if errors.As(err, &fe) {
		return registry.FieldError{Path: JoinPath(path, fe.Path), Reason: fe.Reason}
	}
	return registry.FieldError{Path: path, Reason: err.Error()}
}

// JoinPath joins two field paths: "rules[0]" and "match.path" give
// "rules[0].match.path", "rules" and "[0]" give "rules[0]".
func JoinPath(parent, child string) string {
	switch {
	case child == "":
		return parent
	case parent == "":
		return child
	case strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}

// errorf returns a FieldError without a path.
func errorf(format string, args ...any) error {
	return registry.FieldError{Reason: fmt.Sprintf(format, args...)}
}
