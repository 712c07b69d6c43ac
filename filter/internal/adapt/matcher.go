package adapt

import (
	"bytes"
	"regexp"

	"github.com/gatewright/gatewright/registry"
)

// StringMatcher is a condition on a string value, as in Easegress: it
// matches when the value equals Exact, starts with Prefix or matches Regex
// (OR-ed; unset patterns are ignored). Empty matches an empty or absent
// value and cannot be combined with the other patterns. At least one
// pattern must be set.
type StringMatcher struct {
	// Exact matches a value equal to it.
	Exact string `json:"exact,omitempty" jsonschema:"description=matches a value equal to this"`
	// Prefix matches a value that starts with it.
	Prefix string `json:"prefix,omitempty" jsonschema:"description=matches a value starting with this"`
	// Regex matches a value containing a match of this RE2 expression
	// (unanchored: write ^ and $ to match the whole value).
	Regex string `json:"regex,omitempty" jsonschema:"description=RE2 regular expression; unanchored"`
	// Empty matches an empty value or an absent one; alone.
	Empty bool `json:"empty,omitempty" jsonschema:"description=matches an empty or absent value; excludes the other patterns"`
}

// Validate checks that exactly the allowed patterns are set and that Regex
// compiles.
func (s *StringMatcher) Validate() error {
	if s.Empty {
		if s.Exact != "" || s.Prefix != "" || s.Regex != "" {
			return registry.FieldError{Reason: "empty cannot be combined with exact, prefix or regex"}
		}
		return nil
	}
	if s.Exact == "" && s.Prefix == "" && s.Regex == "" {
		return registry.FieldError{Reason: "set at least one of exact, prefix, regex or empty"}
	}
	if s.Regex != "" {
		if _, err := regexp.Compile(s.Regex); err != nil {
			return registry.FieldError{Path: "regex", Reason: "invalid regular expression: " + err.Error()}
		}
	}
	return nil
}

// Compile validates s and returns its compiled form.
func (s *StringMatcher) Compile() (*Matcher, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	m := &Matcher{empty: s.Empty}
	if s.Exact != "" {
		m.exact = []byte(s.Exact)
	}
	if s.Prefix != "" {
		m.prefix = []byte(s.Prefix)
	}
	if s.Regex != "" {
		m.re = regexp.MustCompile(s.Regex)
	}
	return m, nil
}

// Matcher is a compiled StringMatcher. It is immutable and its methods do
// not allocate.
type Matcher struct {
	exact  []byte
	prefix []byte
	re     *regexp.Regexp
	empty  bool
}

// Match reports whether the present value v matches.
func (m *Matcher) Match(v []byte) bool {
	if m.empty {
		return len(v) == 0
	}
	if m.exact != nil && bytes.Equal(v, m.exact) {
		return true
	}
	if m.prefix != nil && bytes.HasPrefix(v, m.prefix) {
		return true
	}
	return m.re != nil && m.re.Match(v)
}

// MatchString is Match for a string.
func (m *Matcher) MatchString(v string) bool {
	if m.empty {
		return v == ""
	}
	if m.exact != nil && v == string(m.exact) {
		return true
	}
	if m.prefix != nil && len(v) >= len(m.prefix) && v[:len(m.prefix)] == string(m.prefix) {
		return true
	}
	return m.re != nil && m.re.MatchString(v)
}

// MatchAbsent reports whether a missing value matches: only an Empty
// matcher does.
func (m *Matcher) MatchAbsent() bool { return m.empty }

// MatchAny reports whether any of values matches, or, when there are none,
// whether an absent value matches.
func (m *Matcher) MatchAny(values [][]byte) bool {
	if len(values) == 0 {
		return m.empty
	}
	for _, v := range values {
		if m.Match(v) {
			return true
		}
	}
	return false
}
