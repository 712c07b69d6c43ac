package adapt

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/valyala/fasthttp"
)

// PathSpec is Easegress's pathadaptor.Spec (the path field of
// RequestAdaptor): one rewrite of the request path. Only the first
// non-empty of Replace, AddPrefix, TrimPrefix, RegexpReplace applies.
type PathSpec struct {
	// Replace is the whole new path.
	Replace string `json:"replace,omitempty" jsonschema:"description=the whole new path"`
	// AddPrefix is put in front of the path.
	AddPrefix string `json:"addPrefix,omitempty" jsonschema:"pattern=^/,description=prefix to add; starts with /"`
	// TrimPrefix is removed from the front of the path when present.
	TrimPrefix string `json:"trimPrefix,omitempty" jsonschema:"pattern=^/,description=prefix to remove when present; starts with /"`
	// RegexpReplace replaces every match of a regular expression.
	RegexpReplace *RegexpReplace `json:"regexpReplace,omitempty" jsonschema:"description=replace every match of regexp by replace"`
}

// RegexpReplace rewrites a path with a regular expression.
type RegexpReplace struct {
	// Regexp is an RE2 expression.
	Regexp string `json:"regexp" jsonschema:"required,description=RE2 regular expression"`
	// Replace is the replacement; $1 or ${name} insert submatches.
	Replace string `json:"replace,omitempty" jsonschema:"description=replacement; $1 or ${name} insert submatches"`
}

// Validate checks the prefixes and the regular expression.
func (s *PathSpec) Validate() error {
	if s.AddPrefix != "" && !strings.HasPrefix(s.AddPrefix, "/") {
		return At("addPrefix", errorf("must start with /"))
	}
	if s.TrimPrefix != "" && !strings.HasPrefix(s.TrimPrefix, "/") {
		return At("trimPrefix", errorf("must start with /"))
	}
	if rr := s.RegexpReplace; rr != nil {
		if rr.Regexp == "" {
			return At("regexpReplace.regexp", errorf("required"))
		}
		if _, err := regexp.Compile(rr.Regexp); err != nil {
			return At("regexpReplace.regexp", errorf("invalid regular expression: %v", err))
		}
	}
	return nil
}

// IsEmpty reports whether s rewrites nothing.
func (s *PathSpec) IsEmpty() bool {
	return s == nil || s.Replace == "" && s.AddPrefix == "" && s.TrimPrefix == "" && s.RegexpReplace == nil
}

// Compile validates s and returns the compiled rewrite, or nil when s
// rewrites nothing.
func (s *PathSpec) Compile() (*Path, error) {
	if s.IsEmpty() {
		return nil, nil
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p := &Path{}
	switch {
	case s.Replace != "":
		p.op, p.value = pathReplace, []byte(s.Replace)
	case s.AddPrefix != "":
		p.op, p.value = pathAddPrefix, []byte(s.AddPrefix)
	case s.TrimPrefix != "":
		p.op, p.value = pathTrimPrefix, []byte(s.TrimPrefix)
	default:
		p.op = pathRegexp
		p.re = regexp.MustCompile(s.RegexpReplace.Regexp)
		p.value = []byte(s.RegexpReplace.Replace)
	}
	return p, nil
}

type pathOp int

const (
	pathReplace pathOp = iota
	pathAddPrefix
	pathTrimPrefix
	pathRegexp
)

// Path is a compiled PathSpec; immutable and safe for concurrent use.
// Replace and the prefix rewrites do not allocate (AddPrefix allocates
// for a result over 1 KiB); a regexp rewrite allocates the new path.
type Path struct {
	op    pathOp
	value []byte
	re    *regexp.Regexp
}

// addPrefixStack is the size of the stack buffer AddPrefix joins in.
const addPrefixStack = 1024

// Apply rewrites the path of uri (its decoded, normalised path; the query
// is kept).
func (p *Path) Apply(uri *fasthttp.URI) {
	path := uri.Path()
	switch p.op {
	case pathReplace:
		uri.SetPathBytes(p.value)
	case pathTrimPrefix:
		if bytes.HasPrefix(path, p.value) {
			// path points into the URI's normalised buffer, which
			// SetPathBytes copies from before it rewrites it.
			uri.SetPathBytes(path[len(p.value):])
		}
	case pathAddPrefix:
		// SetPathBytes copies its argument, so the joined path can live
		// on the stack; only a path longer than the buffer allocates.
		var buf [addPrefixStack]byte
		uri.SetPathBytes(append(append(buf[:0], p.value...), path...))
	default:
		uri.SetPathBytes(p.re.ReplaceAll(path, p.value))
	}
}
